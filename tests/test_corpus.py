"""Corpus against its references, document by document.

For docs = the packed texts: word_count == [d.split(sep).count(w) for d in
docs], substring_count == [d.count(s) ...], line_word_counts == per line,
term_matrix == [[d.split(sep).count(w) for w in words] for d in docs],
word_frequencies == the summed Counter; corpus[i] == docs[i].
"""

from collections import Counter

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import textops
from strategies import (
    ALPHABETS,
    BYTES,
    SMALL_MIN_CHUNKS,
    THREAD_COUNTS,
    Buffers,
    batch_cases,
    needles,
    words,
)

BY_ALPHABET = pytest.mark.parametrize("alphabet", ALPHABETS, ids=str)
FEW_EXAMPLES = max(10, settings().max_examples // 4)


def as_list(array):
    assert isinstance(array, np.ndarray) and array.dtype == np.int64
    return array.tolist()


@BY_ALPHABET
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_corpus_matches_references(alphabet, data, min_chunk, set_min_chunk):
    set_min_chunk(min_chunk)
    batch = data.draw(batch_cases(alphabet, max_texts=12), label="batch")
    docs, sep = list(batch.texts), batch.sep
    assume(docs or alphabet is not BYTES)  # an empty Corpus holds str
    joined = alphabet.empty.join(docs)
    word = data.draw(words(alphabet, joined, sep), label="word")
    sub = data.draw(needles(alphabet, joined), label="sub")
    term_words = data.draw(st.lists(words(alphabet, joined, sep), max_size=5), label="words")
    with Buffers() as convert:
        corpus = textops.Corpus(convert.many(docs, batch.text_kinds))
    assert len(corpus) == len(docs)
    assert list(corpus) == docs
    freq = Counter()
    for doc in docs:
        freq.update(doc.split(sep))
    for threads in THREAD_COUNTS:
        assert as_list(corpus.word_count(word, sep=sep, threads=threads)) == [
            d.split(sep).count(word) for d in docs
        ]
        assert as_list(corpus.substring_count(sub, threads=threads)) == [d.count(sub) for d in docs]
        lines = corpus.line_word_counts(word, sep=sep, threads=threads)
        assert [as_list(a) for a in lines] == [
            [ln.split(sep).count(word) for ln in d.splitlines()] for d in docs
        ]
        matrix = corpus.term_matrix(term_words, sep=sep, threads=threads)
        assert matrix.shape == (len(docs), len(term_words))
        assert matrix.tolist() == [[d.split(sep).count(w) for w in term_words] for d in docs]
        assert list(corpus.word_frequencies(sep=sep, threads=threads).items()) == list(freq.items())


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_corpus_of_many_documents_crosses_the_chunk_size(threads):
    """Enough documents that the scan is shared out, with needles that run
    across document ends."""
    docs = [("the a" * (i % 7) + "\n" + "ab" * (i % 5) + "aba") for i in range(60_000)]
    corpus = textops.Corpus(docs)
    for word, sub in (("the", "aba"), ("a", "ab"), ("athe", "a\nab"), ("", "")):
        assert corpus.word_count(word, threads=threads).tolist() == [
            d.split().count(word) for d in docs
        ]
        assert corpus.word_count(word, sep="a", threads=threads).tolist() == [
            d.split("a").count(word) for d in docs
        ]
        assert corpus.word_count(word, sep="aba", threads=threads).tolist() == [
            d.split("aba").count(word) for d in docs
        ]
        assert corpus.substring_count(sub, threads=threads).tolist() == [d.count(sub) for d in docs]


def test_indexing_and_errors():
    corpus = textops.Corpus(["é\ud800", "b"])
    assert corpus[0] == "é\ud800" and corpus[-1] == "b"
    assert "2 str documents" in repr(corpus)
    with pytest.raises(IndexError):
        corpus[2]
    with pytest.raises(TypeError):
        corpus["0"]
    with pytest.raises(
        textops.TextopsTypeError, match="texts\\[1\\] is bytes but texts\\[0\\] is str"
    ):
        textops.Corpus(["a", b"b"])
    with pytest.raises(
        textops.TextopsTypeError, match="word must be str like the corpus, not bytes"
    ):
        corpus.word_count(b"a")
    with pytest.raises(textops.TextopsValueError, match="empty separator"):
        corpus.word_count("a", sep="")
    with pytest.raises(textops.TextopsTypeError, match="texts must be a list"):
        textops.Corpus("abc")
    empty = textops.Corpus([])
    assert len(empty) == 0 and empty.word_count("a").tolist() == []
    assert empty.term_matrix(["a"]).shape == (0, 1)


def test_from_files(tmp_path):
    paths = []
    for i, content in enumerate([b"the cat\nthe", b"", "caf\xe9 the".encode()]):
        path = tmp_path / f"{i}.txt"
        path.write_bytes(content)
        paths.append(path)
    corpus = textops.Corpus.from_files(paths)
    assert list(corpus) == ["the cat\nthe", "", "caf\xe9 the"]
    assert corpus.word_count("the").tolist() == [2, 0, 1]
    raw = textops.Corpus.from_files(paths, encoding=None)
    assert raw[2] == "caf\xe9 the".encode()
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    assert textops.Corpus.from_files([latin], encoding="latin-1")[0] == "caf\xe9"
    with pytest.raises(UnicodeDecodeError, match="byte offset 3 of file .*latin.txt"):
        textops.Corpus.from_files([latin])
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        textops.Corpus.from_files([tmp_path / "missing.txt"])
    with pytest.raises(textops.TextopsValueError, match="not a known encoding"):
        textops.Corpus.from_files(paths, encoding="nope")
    with pytest.raises(textops.TextopsTypeError, match="not a single str"):
        textops.Corpus.from_files(str(paths[0]))


def test_numpy_integer_indices_and_slices():
    """NumPy integers index a Corpus (as a list); a slice is a new Corpus of
    those documents (a view of the packed buffer when the step is 1)."""
    docs = ["the cat", "", "the the", "é\ud800 the", "x"]
    corpus = textops.Corpus(docs)
    assert corpus[np.int64(1)] == docs[1] and corpus[np.intp(-2)] == docs[-2]
    for key in [
        slice(1, 4),
        slice(None),
        slice(3, 1),
        slice(None, None, 2),
        slice(None, None, -1),
        slice(-3, None),
        slice(10, 20),
    ]:
        part = corpus[key]
        assert isinstance(part, textops.Corpus)
        assert list(part) == docs[key] and len(part) == len(docs[key])
        assert part.word_count("the").tolist() == [d.split().count("the") for d in docs[key]]
        assert part.word_frequencies() == Counter(w for d in docs[key] for w in d.split())
    raw = textops.Corpus([d.encode("utf-8", "surrogatepass") for d in docs])
    assert list(raw[3:0:-1]) == [d.encode("utf-8", "surrogatepass") for d in docs[3:0:-1]]
    assert list(raw[2:2]) == [] and raw[2:2].word_count(b"a").tolist() == []
    with pytest.raises(
        textops.TextopsTypeError, match="bytes-like object like the corpus, not str"
    ):
        raw[2:2].word_count("a")  # an empty slice keeps the bytes semantics
    with pytest.raises(textops.TextopsTypeError):
        corpus[np.float64(1)]
    with pytest.raises(textops.TextopsTypeError):
        corpus[True]
