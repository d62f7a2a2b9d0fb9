"""Corpus against its references, document by document.

For docs = the packed texts: word_count == [d.split(sep).count(w) for d in
docs], substring_count == [d.count(s) ...], line_word_counts == per line,
term_matrix == [[d.split(sep).count(w) for w in words] for d in docs],
word_frequencies == the summed Counter; corpus[i] == docs[i].
"""

import re
from collections import Counter

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import textops
from strategies import (
    ALPHABETS,
    BYTES,
    BYTES_PATTERNS,
    SMALL_MIN_CHUNKS,
    STR_PATTERNS,
    THREAD_COUNTS,
    Buffers,
    batch_cases,
    needles,
    rule_tokens,
    slices,
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


# --------------------------------------------------------------------------
# The one scan over the packed buffer (csrc/docscan.c): occurrences given to
# the documents they start in, with every document counted as a text of its
# own. Small pieces that make needles straddle document ends, overlapping
# needles that must restart at each document's start, empty documents, and
# documents larger than a thread's share.
# --------------------------------------------------------------------------

_DOC_PIECES = {
    "str": ("a", "aa", "b", "ab", "the", " ", "\n", "\u3000", "é", "_", "Σ", ".", "\ud800"),
    "bytes": (b"a", b"aa", b"b", b"ab", b"the", b" ", b"\n", "é".encode(), b"_", b".", b"\xff"),
}
_OVERLAPPING = {
    "str": ("aa", "aaa", "aba", "abab", "a" * 65, "ab" * 40, "aa aa", "thethe", "a a"),
    "bytes": (b"aa", b"aaa", b"aba", b"abab", b"a" * 65, b"ab" * 40, b"aa aa", b"thethe"),
}
_PATTERNS = {"str": STR_PATTERNS, "bytes": BYTES_PATTERNS}


@st.composite
def packed_docs(draw, kind):
    """Documents of the pieces, some empty, one maybe large (repeated to
    hundreds of bytes, so that tiny chunks cut it into many shares)."""
    piece = st.sampled_from(_DOC_PIECES[kind])
    empty = type(_DOC_PIECES[kind][0])()
    doc = st.lists(piece, max_size=12).map(empty.join)
    docs = draw(st.lists(doc, max_size=40))
    if docs and draw(st.booleans()):
        i = draw(st.integers(0, len(docs) - 1))
        docs[i] = draw(st.lists(piece, min_size=1, max_size=8).map(empty.join)) * draw(
            st.integers(10, 300)
        )
    return docs


def doc_needles(kind, joined):
    """Needles that straddle document ends (slices of the joined documents),
    that overlap themselves, single pieces and longer ones (past the 64 bytes
    of the vector filters)."""
    return st.one_of(
        st.sampled_from(_OVERLAPPING[kind]),
        st.sampled_from(_DOC_PIECES[kind]),
        slices(joined, max_size=6),
        slices(joined, max_size=90),
    )


@pytest.mark.parametrize("kind", ["str", "bytes"])
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_one_scan_matches_each_document(kind, data, min_chunk, set_min_chunk, search_backend):
    """substring_count and word_count (split(), split(sep), the \\w rules)
    of the packed buffer against each document's own count, on every
    backend, thread count and tiny chunk size."""
    set_min_chunk(min_chunk)
    docs = data.draw(packed_docs(kind), label="docs")
    empty = type(_DOC_PIECES[kind][0])()
    joined = empty.join(docs)
    corpus = textops.Corpus(docs if docs or kind == "str" else [empty])
    if not docs and kind == "bytes":
        docs = [empty]
    subs = data.draw(st.lists(doc_needles(kind, joined), min_size=1, max_size=3), label="subs")
    sep = data.draw(st.none() | doc_needles(kind, joined).filter(len), label="sep")
    tokens = [t for d in docs for t in d.split(sep)]
    word = data.draw(
        (st.sampled_from(tokens) if tokens else st.nothing()) | doc_needles(kind, joined),
        label="word",
    )
    pattern = data.draw(st.sampled_from(_PATTERNS[kind]), label="pattern")
    rule_words = [t for d in docs for t in re.findall(pattern, d)]
    rule_word = data.draw(
        (st.sampled_from(rule_words) if rule_words else st.nothing()) | doc_needles(kind, joined),
        label="rule_word",
    )
    for threads in (1, 2, 3):
        for sub in subs:
            assert as_list(corpus.substring_count(sub, threads=threads)) == [
                d.count(sub) for d in docs
            ], (sub, threads)
        assert as_list(corpus.word_count(word, sep=sep, threads=threads)) == [
            d.split(sep).count(word) for d in docs
        ], (word, sep, threads)
        for lowercase in (False, True):
            got = corpus.word_count(
                rule_word, pattern=pattern, lowercase=lowercase, threads=threads
            )
            assert as_list(got) == [
                rule_tokens(d, pattern, lowercase).count(rule_word) for d in docs
            ], (rule_word, pattern, lowercase, threads)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_overlapping_needles_restart_in_each_document(threads, search_backend, set_min_chunk):
    """A needle that overlaps itself is counted greedily in each document
    from its start: the occurrence that runs into the next document neither
    counts nor moves where the next document's count begins."""
    set_min_chunk(7)
    docs = ["aaa", "aaa", "a", "", "aaaa", "aa", "ab", "ba", "aba" * 30, "a" * 101] * 40
    corpus = textops.Corpus(docs)
    for sub in ("a", "aa", "aaa", "aba", "abaab", "a" * 64, "a" * 65, "a" * 100):
        assert as_list(corpus.substring_count(sub, threads=threads)) == [
            d.count(sub) for d in docs
        ], sub
    for word in ("aaa", "a", "aba", "ab"):
        assert as_list(corpus.word_count(word, sep="a", threads=threads)) == [
            d.split("a").count(word) for d in docs
        ], word
        assert as_list(corpus.word_count(word, pattern=r"\w+", threads=threads)) == [
            re.findall(r"\w+", d).count(word) for d in docs
        ], word


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_word_ends_at_document_ends(threads, search_backend):
    """Each document's ends are a text's ends for the \\w rules and split():
    "the" at the end of one document and "the" at the start of the next are
    two tokens, though the packed bytes read "thethe"."""
    docs = ["the", "the", "the the", "xthe", "thex", "é the", "the\u3000", "", "Σthe", "the_"]
    corpus = textops.Corpus(docs * 50)
    for pattern in (None, *STR_PATTERNS):
        want = [rule_tokens(d, pattern, False).count("the") for d in docs * 50]
        assert as_list(corpus.word_count("the", pattern=pattern, threads=threads)) == want
    raw = textops.Corpus([d.encode("utf-8", "surrogatepass") for d in docs * 50])
    assert as_list(raw.substring_count(b"thethe", threads=threads)) == [0] * 500
    assert as_list(raw.word_count(b"the", pattern=rb"\w+", threads=threads)) == [
        re.findall(rb"\w+", d.encode()).count(b"the") for d in docs * 50
    ]


def test_slices_of_a_corpus_count_from_their_offsets(search_backend):
    """A slice shares its parent's buffer from its first document on; the
    counts of every slice are those of its documents."""
    docs = [("ab" * (i % 9)) + "a" for i in range(300)]
    corpus = textops.Corpus(docs)
    for start, stop in ((0, 300), (1, 299), (37, 38), (150, 150), (299, 300)):
        part = corpus[start:stop]
        for sub in ("a", "ab", "aba", "ba", "abab"):
            assert as_list(part.substring_count(sub, threads=2)) == [
                d.count(sub) for d in docs[start:stop]
            ]


@pytest.mark.parametrize("threads", [1, 2])
@settings(max_examples=FEW_EXAMPLES)
@given(
    seed=st.integers(0, 2**32),
    word=st.sampled_from(["whale", "zyzzyva", "qxqx", "ab", "harpoons", "lighthouse"]),
)
def test_probes_from_a_sample_of_the_documents(threads, seed, word, search_backend):
    """Over 64 KB of documents the word's probes come from a sample of
    them, and stretches where the probes never agree are passed at once
    (a word of 4 to 8 bytes has every byte tested where they agree, a
    longer one is compared whole):
    a word planted where the sample does not look, its rare bytes common
    elsewhere, false candidates that share its probes, and occurrences
    that run into the next document are all counted as each document's
    own count."""
    rng = np.random.default_rng(seed)
    near = [word[:-1] + "x", "x" + word[1:], word[::-1], word[0] * 3, word[-1] * 5]
    vocab = ["the", "sea", "of", "a", *near, word]
    docs = []
    for _ in range(3000):
        picks = rng.choice(len(vocab), size=int(rng.integers(0, 12)))
        doc = " ".join(vocab[k] for k in picks if k != len(vocab) - 1 or rng.random() < 0.05)
        if rng.random() < 0.02:  # the word split across two documents
            docs.append(doc + " " + word[:2])
            doc = word[2:] + " " + doc
        docs.append(doc)
    if rng.random() < 0.5:  # a long stretch of the word's rarest bytes
        docs.insert(int(rng.integers(0, len(docs))), (word[0] * 7 + " ") * 3000)
    corpus = textops.Corpus(docs)
    raw = textops.Corpus([d.encode() for d in docs])
    want = [d.count(word) for d in docs]
    assert as_list(corpus.substring_count(word, threads=threads)) == want
    assert as_list(raw.substring_count(word.encode(), threads=threads)) == want
    assert as_list(corpus.word_count(word, threads=threads)) == [
        d.split().count(word) for d in docs
    ]


@pytest.mark.parametrize("threads", [1, 2, 3])
@settings(max_examples=FEW_EXAMPLES)
@given(
    seed=st.integers(0, 2**32),
    word=st.sampled_from(["whale", "abab", "aba", "é", "e", "wh"]),
    stretches=st.lists(st.tuples(st.booleans(), st.integers(1, 1500)), min_size=1, max_size=4),
    min_chunk=SMALL_MIN_CHUNKS,
)
def test_sparse_walk_gives_way_to_the_block_scan(
    threads, seed, word, stretches, min_chunk, set_min_chunk, search_backend
):
    """The one-text scan hands a rare word's occurrences over one by one;
    past 64 of them plus one per 2 KB passed it gives up at the document
    of the occurrence at hand, and the block scan counts the rest of the
    run from that document's start. Stretches of documents where the word
    is rare or dense (several times a document, glued to itself, across
    document ends) put that switch in documents that already hold
    occurrences, on every backend, thread count and tiny chunk size; every
    count is each document's own."""
    set_min_chunk(min_chunk)
    rng = np.random.default_rng(seed)
    vocab = ["the", "sea", "of", "a", "wha", "ab", "b", word + word, word]
    docs = []
    for dense, ndocs in stretches:
        p_word = 0.5 if dense else 0.004
        for _ in range(ndocs):
            picks = rng.integers(0, len(vocab) - 2, size=int(rng.integers(0, 30)))
            parts = [word if rng.random() < p_word else vocab[k] for k in picks]
            if dense and rng.random() < 0.3:
                parts.append(word + word)
            doc = " ".join(parts)
            if rng.random() < 0.05:  # the word run into the next document
                doc += word[: len(word) // 2]
            docs.append(doc)
    for kind in ("str", "bytes"):
        texts = docs if kind == "str" else [d.encode() for d in docs]
        w = word if kind == "str" else word.encode()
        sep = " " if kind == "str" else b" "
        pattern = r"\w+" if kind == "str" else rb"\w+"
        corpus = textops.Corpus(texts)
        assert as_list(corpus.substring_count(w, threads=threads)) == [d.count(w) for d in texts]
        assert as_list(corpus.word_count(w, threads=threads)) == [d.split().count(w) for d in texts]
        assert as_list(corpus.word_count(w, sep=sep, threads=threads)) == [
            d.split(sep).count(w) for d in texts
        ]
        assert as_list(corpus.word_count(w, pattern=pattern, threads=threads)) == [
            re.findall(pattern, d).count(w) for d in texts
        ]
