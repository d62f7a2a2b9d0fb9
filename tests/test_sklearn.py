"""textops.sklearn.CountVectorizer and textops.count_matrix against
scikit-learn's own CountVectorizer (the reference, installed for real).

For every accelerated parameter set the drop-in's vocabulary_ equals the
parent's, and its matrix is the same CSR (indptr, indices, data, their
dtypes and the matrix type, after sort_indices()); with any other
parameter the parent's code runs. Documents are drawn rich in the places
where \\w and str.lower() are subtle (İ, Σ in every context, the Kelvin
sign, combining marks, digits of other scripts, astral letters, lone
surrogates), on 1, 2 and 3 threads with tiny chunk sizes.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("sklearn")
pytest.importorskip("scipy")

import numpy as np
from sklearn.base import clone
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.feature_extraction.text import CountVectorizer as Parent
from sklearn.pipeline import make_pipeline

import textops
from strategies import SMALL_MIN_CHUNKS
from textops.sklearn import CountVectorizer

PATTERNS = (r"(?u)\b\w\w+\b", r"(?u)\b\w+\b", r"\w+")
NGRAMS = ((1, 1), (1, 2), (2, 2))
THREADS = (1, 2, 3)

# Pieces of documents: words (some stop words, some cased), the subtle
# characters of \w and str.lower(), and what separates tokens.
PIECES = (
    "the",
    "The",
    "THE",
    "cat",
    "Cat",
    "and",
    "a",
    "I",
    "x",
    "hat",
    "Hat",
    "of",
    "é",
    "É",
    "ß",
    "世界",
    "İ",
    "İstanbul",
    "ı",
    "Σ",
    "ΑΣ",
    "ΑΣ Σ",
    "σ",
    "ς",
    "Σα",
    "\u212a",
    "\u212aelvin",
    "ǅ",
    "\u0301",
    "e\u0301",
    "٣",
    "_",
    "__",
    "a1",
    "9",
    "\U0001d400",
    "\U00010400",
    "\ud800",
    "'",
    "-",
    ".",
    ",",
    "!",
    "'s",
    "\x00",
    " ",
    " ",
    "  ",
    "\n",
    "\t",
    "\u3000",
    "\xa0",
)
documents = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
corpora = st.lists(documents, min_size=1, max_size=8)

# test budget: each example fits twice (parent and drop-in)
EXAMPLES = max(20, settings().max_examples // 2)


@pytest.fixture
def threads():
    """Sets textops' default thread count for the test, then restores the
    default (a count saved from get_num_threads() and set back would stay
    set, and later tests, Dask's task_threads among them, would see it)."""
    yield textops.set_num_threads
    textops.set_num_threads(None)


@pytest.fixture
def accelerated(monkeypatch):
    """Makes the drop-in fail if it runs the parent's counting (for the
    tests whose parameters are all accelerated)."""

    def refuse(self, raw_documents, fixed_vocab):
        raise AssertionError("the parent's _count_vocab ran")

    monkeypatch.setattr(CountVectorizer, "_count_vocab", refuse)


def assert_same_matrix(got, want):
    """The same CSR matrix: type, shape, dtype, indptr, indices, data."""
    got, want = got.copy(), want.copy()
    got.sort_indices()
    want.sort_indices()
    assert type(got) is type(want)
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    for name in ("indptr", "indices", "data"):
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)


def assert_same_vocabulary(got, want):
    assert got == want
    assert [type(v) for v in got.values()] == [type(want[k]) for k in got]


def outcome(fn):
    """fn()'s value, or the type and message of what it raised."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            return ("ok", fn(), [str(w.message) for w in caught])
    except Exception as exc:  # compared with the parent's
        return ("raised", type(exc), str(exc))


def assert_same_fit(params, docs, also=None):
    """fit_transform (and transform of `also`) of the drop-in and the
    parent: the same matrices, vocabularies, warnings, or errors."""
    mine, theirs = CountVectorizer(**params), Parent(**params)
    got = outcome(lambda: mine.fit_transform(docs))
    want = outcome(lambda: theirs.fit_transform(docs))
    assert got[0] == want[0], (got, want)
    if got[0] == "raised":
        assert got[1:] == want[1:]
        return
    assert_same_matrix(got[1], want[1])
    assert got[2] == want[2]  # warnings
    # before vocabulary_ is read (the drop-in builds it when first read):
    # the names and transform from the core's terms, a pickled copy
    names = mine.get_feature_names_out()
    assert names.dtype == object
    assert list(names) == list(theirs.get_feature_names_out())
    if also is not None:
        assert_same_matrix(mine.transform(also), theirs.transform(also))
    back = pickle.loads(pickle.dumps(mine))
    assert_same_vocabulary(mine.vocabulary_, theirs.vocabulary_)
    assert_same_vocabulary(back.vocabulary_, theirs.vocabulary_)
    assert list(mine.get_feature_names_out()) == list(theirs.get_feature_names_out())


pruning = st.one_of(
    st.just({}),
    st.fixed_dictionaries({"min_df": st.sampled_from([1, 2, 3, 0.0, 0.3, 0.5, 1.0])}),
    st.fixed_dictionaries({"max_df": st.sampled_from([1, 2, 0.2, 0.5, 0.9, 1.0])}),
    st.fixed_dictionaries({"max_features": st.integers(1, 12)}),
    st.fixed_dictionaries(
        {
            "min_df": st.sampled_from([1, 2, 0.2]),
            "max_df": st.sampled_from([3, 0.8, 1.0]),
            "max_features": st.sampled_from([None, 1, 5]),
        }
    ),
)
stop_lists = st.one_of(
    st.none(),
    st.just("english"),
    st.lists(
        st.sampled_from(["the", "cat", "a", "x", "σ", "ς", "i", "k", "é", "nope"]), max_size=4
    ),
)


@settings(max_examples=EXAMPLES)
@given(
    docs=corpora,
    also=corpora,
    pattern=st.sampled_from(PATTERNS),
    lowercase=st.booleans(),
    ngram_range=st.sampled_from(NGRAMS),
    stop_words=stop_lists,
    limits=pruning,
    binary=st.booleans(),
    dtype=st.sampled_from([np.int64, np.int32, np.float64, np.float32, np.int8]),
    nthreads=st.sampled_from(THREADS),
    min_chunk=SMALL_MIN_CHUNKS,
)
def test_fit_transform_matches_parent(
    docs,
    also,
    pattern,
    lowercase,
    ngram_range,
    stop_words,
    limits,
    binary,
    dtype,
    nthreads,
    min_chunk,
    threads,
    set_min_chunk,
    accelerated,
):
    threads(nthreads)
    set_min_chunk(min_chunk)
    params = dict(
        token_pattern=pattern,
        lowercase=lowercase,
        ngram_range=ngram_range,
        stop_words=stop_words,
        binary=binary,
        dtype=dtype,
        **limits,
    )
    assert_same_fit(params, docs, also)


@settings(max_examples=EXAMPLES)
@given(
    docs=corpora,
    vocabulary_docs=corpora,
    extra=st.lists(
        st.sampled_from(["cat", "Cat", "the cat", "a  b", "", "zz", "σ ς", "k"]), max_size=4
    ),
    as_mapping=st.booleans(),
    pattern=st.sampled_from(PATTERNS),
    lowercase=st.booleans(),
    ngram_range=st.sampled_from(NGRAMS),
    stop_words=stop_lists,
    nthreads=st.sampled_from(THREADS),
    min_chunk=SMALL_MIN_CHUNKS,
)
def test_given_vocabulary_matches_parent(
    docs,
    vocabulary_docs,
    extra,
    as_mapping,
    pattern,
    lowercase,
    ngram_range,
    stop_words,
    nthreads,
    min_chunk,
    threads,
    set_min_chunk,
    accelerated,
):
    threads(nthreads)
    set_min_chunk(min_chunk)
    # terms of the documents (of every n) plus terms that never match
    analyze = Parent(token_pattern=pattern, ngram_range=(1, 2)).build_analyzer()
    terms = list(dict.fromkeys([t for d in vocabulary_docs for t in analyze(d)] + extra))
    if not terms:
        terms = ["cat"]
    vocabulary = terms
    if as_mapping:
        order = list(range(len(terms)))[::-1]
        vocabulary = dict(zip(terms, order))
    params = dict(
        token_pattern=pattern,
        lowercase=lowercase,
        ngram_range=ngram_range,
        stop_words=stop_words,
        vocabulary=vocabulary,
    )
    assert_same_fit(params, docs, vocabulary_docs)


@pytest.mark.parametrize("nthreads", THREADS)
@pytest.mark.parametrize("ngram_range", NGRAMS)
def test_many_documents_on_every_thread_count(
    nthreads, ngram_range, threads, set_min_chunk, accelerated
):
    """Enough documents and terms for long rows (sorted in C), every thread's
    table and the merge."""
    threads(nthreads)
    set_min_chunk(64)
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(300)] + ["Σ", "ΑΣ", "İx", "\u212a", "the", "and"]
    docs = [" ".join(rng.choice(words, size=rng.integers(0, 200))) for _ in range(400)]
    assert_same_fit({"ngram_range": ngram_range}, docs, docs[:50])
    assert_same_fit({"ngram_range": ngram_range, "min_df": 3, "max_df": 0.5}, docs)
    assert_same_fit({"ngram_range": ngram_range, "max_features": 40, "stop_words": "english"}, docs)


def test_one_large_document(threads, set_min_chunk, accelerated):
    """A document larger than a thread's share is counted whole, exactly."""
    threads(2)
    set_min_chunk(1)
    doc = "The cat ΑΣ and the hat. " * 40000
    assert_same_fit({"ngram_range": (1, 2)}, [doc, "cat hat", doc[:1001]])


@pytest.mark.parametrize(
    "params",
    [
        {"preprocessor": str.upper},
        {"tokenizer": str.split, "token_pattern": None},
        {"analyzer": "char", "ngram_range": (1, 2)},
        {"analyzer": "char_wb"},
        {"analyzer": str.split},
        {"strip_accents": "unicode"},
        {"strip_accents": "ascii"},
        {"token_pattern": r"\b\w\b"},
        {"token_pattern": r"(?u)\b\w\w\w+\b"},
        {"ngram_range": (1, 3)},
        {"ngram_range": (2, 3)},
        {"input": "content", "encoding": "latin-1"},
        {"dtype": object},
    ],
    ids=repr,
)
def test_other_parameters_fall_back(params):
    docs = ["The cat and the hat.", "Ünïcödé café", "", "a b c d e f"]
    assert_same_fit(params, docs, docs[::-1])


def test_bytes_documents_fall_back():
    docs = ["caf\xe9 the cat".encode("latin-1"), b"the hat"]
    assert_same_fit({"encoding": "latin-1"}, docs, docs)
    assert_same_fit({"decode_error": "replace"}, docs, docs)
    assert_same_fit({}, [b"x y", "y z"], ["x", b"y"])


def test_documents_from_an_iterator():
    docs = ["the cat", "the hat", "Σ ΑΣ"]
    mine, theirs = CountVectorizer(), Parent()
    assert_same_matrix(mine.fit_transform(iter(docs)), theirs.fit_transform(iter(docs)))
    assert_same_matrix(mine.transform(d for d in docs), theirs.transform(d for d in docs))
    assert mine.vocabulary_ == theirs.vocabulary_


def test_errors_as_the_parent_raises_them():
    for params, docs in [
        ({}, "one string, not a list"),
        ({}, []),
        ({}, ["", "  !"]),
        ({"stop_words": "english"}, ["the and of"]),
        ({"min_df": 2}, ["a1 b1", "c1 d1"]),
        ({"min_df": 3, "max_df": 2}, ["aa bb"] * 4),
        ({"max_df": 0.1, "min_df": 0.5}, ["aa bb"] * 4),
        ({"ngram_range": [1, 2]}, ["aa bb"]),
        ({"ngram_range": (2, 1)}, ["aa bb"]),
        ({"min_df": -1}, ["aa"]),
        ({"max_df": 2.5}, ["aa"]),
        ({"max_features": 0}, ["aa"]),
        ({"input": "nonsense"}, ["aa"]),
        ({"stop_words": "french"}, ["aa"]),
        ({"vocabulary": []}, ["aa"]),
        ({"vocabulary": ["aa", "aa"]}, ["aa"]),
        ({"vocabulary": {"aa": 0, "bb": 2}}, ["aa"]),
        ({"vocabulary": ["Aa", "bb"]}, ["aa bb"]),
        ({}, ["aa", 3]),
        ({}, ["aa", np.nan]),
    ]:
        assert_same_fit(params, docs)
    for cls in (CountVectorizer, Parent):
        with pytest.raises(Exception) as info:
            cls().transform(["aa"])
        assert type(info.value).__name__ == "NotFittedError"
        with pytest.raises(ValueError, match="Iterable over raw text"):
            cls().fit(["aa"]).transform("aa")


def test_pickle_clone_and_params():
    docs = ["The cat and the hat.", "a cat, a hat, ΑΣ"]
    cv = CountVectorizer(ngram_range=(1, 2), min_df=1, stop_words="english").fit(docs)
    back = pickle.loads(pickle.dumps(cv))
    assert type(back) is CountVectorizer
    assert back.get_params() == cv.get_params()
    assert back.vocabulary_ == cv.vocabulary_
    assert_same_matrix(back.transform(docs), cv.transform(docs))
    assert list(back.get_feature_names_out()) == list(cv.get_feature_names_out())
    assert clone(cv).get_params() == Parent(ngram_range=(1, 2), stop_words="english").get_params()
    cv.set_params(lowercase=False, ngram_range=(2, 2))
    assert_same_fit(cv.get_params(), docs)
    assert set(CountVectorizer().get_params()) == set(Parent().get_params())


def test_pipeline_with_a_classifier():
    from sklearn.naive_bayes import MultinomialNB

    docs = ["good fine great", "bad awful poor", "great good", "poor bad", "fine", "awful"] * 5
    labels = [1, 0, 1, 0, 1, 0] * 5
    mine = make_pipeline(CountVectorizer(ngram_range=(1, 2)), MultinomialNB()).fit(docs, labels)
    theirs = make_pipeline(Parent(ngram_range=(1, 2)), MultinomialNB()).fit(docs, labels)
    test = ["good great", "awful bad poor", "unknown words"]
    np.testing.assert_array_equal(mine.predict(test), theirs.predict(test))
    np.testing.assert_array_equal(mine.predict_proba(test), theirs.predict_proba(test))


def test_input_filename(tmp_path, threads):
    threads(2)
    texts = ["The cat and the hat.\n", "ΑΣ Σ İstanbul \u212a\n" * 3, "", "a b c\n"]
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"doc{i}.txt"
        path.write_bytes(text.encode())
        paths.append(str(path))
    big = tmp_path / "big.txt"  # mapped, not read
    big.write_bytes(("Moby Dick whale Whale. " * 60000).encode())
    paths.append(big)
    for params in (
        {},
        {"ngram_range": (1, 2), "min_df": 2},
        {"vocabulary": ["whale", "the cat"], "ngram_range": (1, 2)},
    ):
        assert_same_fit({"input": "filename", **params}, paths, paths[::-1])
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 au lait")
    assert_same_fit({"input": "filename"}, [paths[0], str(bad)])
    assert_same_fit({"input": "filename", "encoding": "latin-1"}, [paths[0], str(bad)])
    assert_same_fit({"input": "filename", "decode_error": "ignore"}, [paths[0], str(bad)])
    assert_same_fit({"input": "filename"}, [paths[0], str(tmp_path / "missing.txt")])
    with open(paths[0]) as f:  # input="file": the parent reads it
        got = CountVectorizer(input="file").fit_transform([f])
    with open(paths[0]) as f:
        assert_same_matrix(got, Parent(input="file").fit_transform([f]))


@settings(max_examples=EXAMPLES)
@given(
    docs=corpora,
    pattern=st.sampled_from(PATTERNS),
    lowercase=st.booleans(),
    ngram_range=st.sampled_from(NGRAMS),
    stop_words=stop_lists,
    nthreads=st.sampled_from(THREADS),
    min_chunk=SMALL_MIN_CHUNKS,
)
def test_count_matrix_matches_countvectorizer(
    docs, pattern, lowercase, ngram_range, stop_words, nthreads, min_chunk, set_min_chunk
):
    set_min_chunk(min_chunk)
    params = dict(
        token_pattern=pattern, lowercase=lowercase, ngram_range=ngram_range, stop_words=stop_words
    )
    want = outcome(lambda: Parent(**params).fit(docs))
    X, vocabulary = textops.count_matrix(
        docs,
        pattern=pattern,
        lowercase=lowercase,
        ngram_range=ngram_range,
        stop_words=stop_words if stop_words != "english" else ENGLISH_STOP_WORDS,
        threads=nthreads,
    )
    import scipy.sparse

    assert type(X) is scipy.sparse.csr_matrix
    if want[0] == "raised":  # no term at all: a matrix of no columns
        assert "empty vocabulary" in want[2]
        assert vocabulary == {} and X.shape == (len(docs), 0) and X.nnz == 0
        return
    theirs = want[1]

    assert vocabulary == theirs.vocabulary_
    assert_same_matrix(X, scipy.sparse.csr_matrix(theirs.transform(docs)))


def test_count_matrix_bytes_and_errors():
    X, vocabulary = textops.count_matrix([b"The cat \xc3\xa9t\xc3\xa9 the", b""], pattern=rb"\w+")
    assert vocabulary == {b"cat": 0, b"t": 1, b"the": 2}
    assert X.toarray().tolist() == [[1, 1, 2], [0, 0, 0]]
    with pytest.raises(textops.TextopsValueError, match="pattern"):
        textops.count_matrix(["a"], pattern=r"\S+")
    with pytest.raises(textops.TextopsValueError, match="ngram_range"):
        textops.count_matrix(["a"], ngram_range=(1, 3))
    with pytest.raises(textops.TextopsTypeError, match="stop_words"):
        textops.count_matrix(["a"], stop_words="english")
    with pytest.raises(textops.TextopsTypeError, match=r"documents\[1\]"):
        textops.count_matrix(["a", b"b"])
    with pytest.raises(textops.TextopsTypeError, match="documents"):
        textops.count_matrix("a b")
    X, vocabulary = textops.count_matrix([])
    assert X.shape == (0, 0) and vocabulary == {}
    with pytest.raises(textops.TextopsTypeError, match="pattern"):
        textops.count_matrix([b"a"], pattern=r"\w+")  # re.findall refuses it too


@settings(max_examples=EXAMPLES)
@given(
    docs=st.lists(
        st.lists(st.sampled_from(PIECES + ("\x01", "a\x01", "\x1fb", "a b")), max_size=20).map(
            "".join
        ),
        min_size=1,
        max_size=6,
    ),
    lowercase=st.booleans(),
    ngram_range=st.sampled_from(NGRAMS),
    nthreads=st.sampled_from(THREADS),
)
def test_count_matrix_of_split_tokens(docs, lowercase, ngram_range, nthreads):
    """pattern=None: the tokens of doc.split() (bytes below the space sort
    before it: the terms in str order all the same)."""
    X, vocabulary = textops.count_matrix(
        docs, pattern=None, lowercase=lowercase, ngram_range=ngram_range, threads=nthreads
    )
    lo, hi = ngram_range
    rows = []
    for doc in docs:
        tokens = (doc.lower() if lowercase else doc).split()
        grams = (tokens if lo == 1 else []) + (
            [" ".join(p) for p in zip(tokens, tokens[1:])] if hi == 2 else []
        )
        rows.append(Counter(grams))
    terms = sorted(set().union(*rows))
    assert vocabulary == {t: i for i, t in enumerate(terms)}
    assert X.toarray().tolist() == [[row[t] for t in terms] for row in rows]


# Child processes start where this textops was imported from (the installed
# one, or a source folder built in place), never in an unbuilt source folder.
PACKAGE_HOME = Path(textops.__file__).resolve().parent.parent


def test_import_textops_needs_neither_sklearn_nor_scipy():
    code = "import sys, textops; print('sklearn' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE_HOME
    )
    assert out.stdout.split() == ["False", "False"]


MEMORY_CHILD = r"""
import json, sys
import textops
from textops._bench import generate_books

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024

books = generate_books(int(sys.argv[1]) * 1_000_000)
docs = [p for book in books for p in book.split("\n\n") if p.strip()]
sizes = [sys.getsizeof(d) for d in docs]
import numpy, scipy.sparse  # noqa: F401  (their own memory is not the call's)
before = status("VmRSS")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # VmHWM starts again from here
X, vocabulary = textops.count_matrix(docs, threads=int(sys.argv[2]))
matrix = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
print(json.dumps({"peak": status("VmHWM") - before, "matrix": matrix,
                  "bytes": sum(len(d.encode()) for d in docs), "nnz": X.nnz,
                  # the call's UTF-8 copies of the non-ASCII documents
                  "copies": sum(len(d.encode()) for d in docs if not d.isascii()),
                  "cached": sizes != [sys.getsizeof(d) for d in docs]}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.skipif(
    "asan" in os.environ.get("LD_PRELOAD", ""), reason="AddressSanitizer holds freed memory"
)
@pytest.mark.parametrize("nthreads", [1, 2])
def test_count_matrix_peak_memory(nthreads):
    """count_matrix on 100 MB of paragraphs holds at most the matrix itself,
    the UTF-8 copies of its non-ASCII documents (freed when it returns:
    none is left cached on the strings) and 64 MB more at its peak (the
    rows are given back as the matrix is laid out)."""
    import json

    mb = os.environ.get("TEXTOPS_MEMORY_MB", "100")
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD, mb, str(nthreads)],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE_HOME,
    )
    got = json.loads(out.stdout)
    print(got)
    assert got["nnz"] > 0
    assert not got["cached"], got
    assert got["peak"] <= got["matrix"] + got["copies"] + (64 << 20), got


def test_vocabulary_built_when_read_behaves_as_the_parents():
    """vocabulary_ after a fit the core counted is built on first read;
    until then, and after, the attribute behaves as the parent's."""
    import copy

    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    docs = ["The cat and the hat.", "a cat, a hat, ΑΣ İstanbul", "ca\u0301t \u212aelvin"]
    for params in ({}, {"ngram_range": (1, 2), "min_df": 2}, {"max_df": 0.5}):
        mine, theirs = CountVectorizer(**params), Parent(**params)
        for cv in (mine, theirs):
            assert not hasattr(cv, "vocabulary_")
            with pytest.raises(AttributeError, match="object has no attribute 'vocabulary_'"):
                cv.vocabulary_  # noqa: B018
            with pytest.raises(NotFittedError):
                check_is_fitted(cv)
            cv.fit(docs)
            check_is_fitted(cv)
        assert "vocabulary_" not in vars(mine)  # not built yet
        assert_same_matrix(mine.transform(docs), theirs.transform(docs))
        assert list(mine.get_feature_names_out()) == list(theirs.get_feature_names_out())
        assert "vocabulary_" not in vars(mine)  # transform and the names read the terms
        assert_same_matrix(copy.deepcopy(mine).transform(docs), theirs.transform(docs))
        assert_same_vocabulary(copy.copy(mine).vocabulary_, theirs.vocabulary_)
        assert type(mine.vocabulary_) is dict
        assert vars(mine)["vocabulary_"] is mine.vocabulary_  # built once, then kept
        assert_same_vocabulary(mine.vocabulary_, theirs.vocabulary_)
        assert_same_matrix(mine.transform(docs), theirs.transform(docs))
        assert clone(mine).get_params() == clone(theirs).get_params()
        check_is_fitted(CountVectorizer(**params).fit(docs), "vocabulary_")
    # assigned, deleted, refitted: as an ordinary attribute
    mine, theirs = CountVectorizer().fit(docs), Parent().fit(docs)
    for cv in (mine, theirs):
        cv.vocabulary_ = {"hat": 1, "cat": 0}
    assert mine.vocabulary_ == {"hat": 1, "cat": 0}
    assert_same_matrix(mine.transform(docs), theirs.transform(docs))
    assert list(mine.get_feature_names_out()) == ["cat", "hat"]
    mine.fit(["zz yy"])
    assert_same_vocabulary(mine.vocabulary_, Parent().fit(["zz yy"]).vocabulary_)
    mine.fit(docs)
    del mine.vocabulary_
    assert not hasattr(mine, "vocabulary_")
    for cv in (mine, Parent()):
        with pytest.raises(AttributeError, match="'CountVectorizer' object has no attribute"):
            del cv.vocabulary_
    mine.set_params(vocabulary=["hat", "cat"]).fit(docs)
    assert mine.vocabulary_ == {"hat": 0, "cat": 1}


@pytest.mark.parametrize("nthreads", THREADS)
def test_many_terms_built_when_read(nthreads, threads, set_min_chunk):
    """Thousands of terms, ASCII and not, pruned by min_df: the names,
    transform and vocabulary_ from the core's terms."""
    threads(nthreads)
    set_min_chunk(64)
    words = [f"w{i}" if i % 3 else f"ψ{i}é" for i in range(3000)]
    docs = [" ".join(words[j] for j in range(i, 3000, 7)) for i in range(40)]
    for params in ({"min_df": 2}, {"ngram_range": (1, 2), "max_df": 0.9}, {}):
        mine, theirs = CountVectorizer(**params), Parent(**params)
        assert_same_matrix(mine.fit_transform(docs), theirs.fit_transform(docs))
        assert list(mine.get_feature_names_out()) == list(theirs.get_feature_names_out())
        assert_same_matrix(mine.transform(docs[::-1]), theirs.transform(docs[::-1]))
        assert_same_vocabulary(mine.vocabulary_, theirs.vocabulary_)


@pytest.mark.parametrize("portable", [False, True], ids=["glue", "portable"])
def test_matrix_terms_as_dict_list_and_selection(portable, monkeypatch):
    """The core's terms of a matrix (str and bytes, ASCII or not, lone
    surrogates) as a dict, a list and a selection, by the glue and by the
    portable path that interpreters other than CPython take."""
    from textops import _core

    cases = [
        (["b a", "ça \ud800x ΑΣ zz", "a" * 40 + " é" * 3], _core.UNICODE),
        ([b"b a", b"\xff\xfe zz", b"a" * 40], 0),
    ]
    for docs, mode in cases:
        want = CountVectorizer(token_pattern=r"\w+", lowercase=False, ngram_range=(1, 2))
        if mode == _core.UNICODE:
            want = sorted(want.fit(docs).vocabulary_)
        else:
            raw = [d.decode("latin-1") for d in docs]
            want = [
                t.encode("latin-1")
                for t in sorted(
                    Parent(token_pattern=r"(?a)\w+", lowercase=False, ngram_range=(1, 2))
                    .fit(raw)
                    .vocabulary_
                )
            ]
        terms = _core.count_matrix(docs, [], (1, 2), None, mode | _core.WORD_CHARS, 1, None)[0]
        if portable:
            monkeypatch.setattr(_core, "_ID_IS_ADDRESS", False)
        assert len(terms) == len(want)
        assert terms.as_list() == want == list(terms)
        assert terms.as_dict() == {t: i for i, t in enumerate(want)}
        keep = [i % 3 != 1 for i in range(len(want))]
        kept = [t for t, k in zip(want, keep) if k]
        assert terms.select(keep).as_list() == kept
        assert terms.select(keep).as_dict() == {t: i for i, t in enumerate(kept)}
        assert terms.select([False] * len(want)).as_dict() == {}
        monkeypatch.undo()


@pytest.mark.parametrize("nthreads", THREADS)
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
def test_rows_laid_out_on_every_thread(nthreads, ngram_range, threads, set_min_chunk, accelerated):
    """Past 2**16 entries the rows are laid out by every thread, each a
    range of documents: ranges that begin with empty documents, in the
    middle of a thread's rows, and (with a document larger than a share)
    rows out of document order."""
    threads(nthreads)
    set_min_chunk(256)
    rng = np.random.default_rng(11)
    words = [f"w{i}" for i in range(5000)] + ["ΑΣ", "İx", "\u212a"]
    docs = [" ".join(rng.choice(words, size=rng.integers(0, 120))) for _ in range(3000)]
    docs[1000:1200] = [""] * 200
    assert_same_fit({"ngram_range": ngram_range}, docs, docs[::-1])
    docs[1500] = " ".join(rng.choice(words, size=20000))
    assert_same_fit({"ngram_range": ngram_range, "min_df": 2}, docs)


def test_vocabulary_read_by_many_threads_at_once():
    """Threads that read vocabulary_ first, at once, all get one dict."""
    import threading

    words = [f"w{i}" for i in range(20000)]
    docs = [" ".join(words[i::50]) for i in range(50)]
    want = Parent(ngram_range=(1, 2)).fit(docs).vocabulary_
    for _ in range(3):
        cv = CountVectorizer(ngram_range=(1, 2)).fit(docs)
        barrier = threading.Barrier(4)
        got = []

        def read(cv=cv, barrier=barrier, got=got):
            barrier.wait()
            got.append(cv.vocabulary_)

        pool = [threading.Thread(target=read) for _ in range(4)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        assert len(got) == 4 and all(v is got[0] for v in got)
        assert_same_vocabulary(got[0], want)


@pytest.mark.parametrize("other", ["refit", "assign", "delete"])
def test_vocabulary_read_while_another_thread_refits_assigns_or_deletes(monkeypatch, other):
    """A first read of vocabulary_ builds its dict while other threads run;
    a refit, an assignment or a deletion landing meanwhile (made to land
    there) leaves the state that change gives the parent, whichever of the
    two came first, never the dict of the older fit."""
    from textops import _core

    built = _core.MatrixTerms.as_dict
    changes = {
        "refit": lambda cv: cv.fit(["new text entirely"]),
        "assign": lambda cv: setattr(cv, "vocabulary_", {"given": 0}),
        "delete": lambda cv: delattr(cv, "vocabulary_"),
    }
    cv = CountVectorizer().fit(["old words here"])
    landed = []

    def as_dict_then_change(terms):
        made = built(terms)
        if not landed:
            landed.append(other)
            changes[other](cv)  # the other thread, while this one builds
        return made

    monkeypatch.setattr(_core.MatrixTerms, "as_dict", as_dict_then_change)
    parent = Parent().fit(["old words here"])
    changes[other](parent)
    if other == "delete":
        with pytest.raises(AttributeError):
            cv.vocabulary_  # noqa: B018
        assert landed and not hasattr(cv, "vocabulary_") and not hasattr(parent, "vocabulary_")
        return
    got = cv.vocabulary_
    assert landed and got == parent.vocabulary_ and cv.vocabulary_ is got
    if other == "refit":
        assert_same_vocabulary(cv.vocabulary_, parent.vocabulary_)
        want = parent.transform(["new text"]).toarray().tolist()
        assert cv.transform(["new text"]).toarray().tolist() == want


def test_rows_given_back_past_the_release_threshold_on_every_thread():
    """Rows past the few MB that matrix.c gives back as it reads them (44 MB
    of rows here, with a run of empty documents), written as CSR by 1, 2
    and 3 threads: every count gives the same matrix and vocabulary, so no
    thread's range gave back rows another range still read."""
    rng = np.random.default_rng(5)
    words = np.array([f"w{i}" for i in range(200000)] + ["ΑΣ", "é"])
    n = 300000
    lens = rng.integers(0, 40, size=n)
    lens[n // 3 : n // 3 + 5000] = 0
    flat = rng.choice(words, size=int(lens.sum()))
    docs = [" ".join(p) for p in np.split(flat, np.cumsum(lens)[:-1])]
    want = None
    for threads in (1, 2, 3):
        X, vocabulary = textops.count_matrix(docs, threads=threads)
        X.sort_indices()
        got = (X.indptr, X.indices, X.data, vocabulary)
        if want is None:
            want = got
            assert X.nnz > 5_000_000 and X.shape == (n, len(vocabulary))
            continue
        for a, b in zip(got[:3], want[:3]):
            np.testing.assert_array_equal(a, b)
        assert got[3] == want[3]
