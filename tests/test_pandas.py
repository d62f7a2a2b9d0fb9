"""The .textops accessor against Series.map of the references."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
import textops  # noqa: E402
import textops.pandas  # noqa: E402,F401
from strategies import (  # noqa: E402
    SMALL_MIN_CHUNKS,
    STR,
    STR_PATTERNS,
    needles,
    rule_tokens,
    slices,
    texts,
    words,
)

FEW_EXAMPLES = max(10, settings().max_examples // 8)
DTYPES = [object, "string[python]", "string[pyarrow]", "str"]


def encodable(text):
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:  # lone surrogates: Arrow cannot hold them
        return False


def expected(values, fn):
    return [pd.NA if v is None else fn(v) for v in values]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_accessor_matches_map(dtype, data, min_chunk, set_min_chunk):
    set_min_chunk(min_chunk)
    values = data.draw(
        st.lists(st.none() | texts(STR, max_pieces=20).filter(encodable), max_size=12)
    )
    joined = "".join(v for v in values if v)
    sep = data.draw(st.none() | needles(STR, joined, allow_empty=False).filter(encodable))
    word = data.draw(words(STR, joined, sep))
    sub = data.draw(needles(STR, joined))
    index = pd.Index([f"row{i}" for i in range(len(values))])
    series = pd.Series(values, index=index, dtype=dtype)
    for threads in (1, 2, 3):
        result = series.textops.word_count(word, sep=sep, threads=threads)
        assert result.dtype == "Int64" and result.index.equals(index)
        assert result.tolist() == expected(values, lambda t: t.split(sep).count(word))
        assert series.textops.substring_count(sub, threads=threads).tolist() == expected(
            values, lambda t: t.count(sub)
        )
    assert series.textops.line_word_counts(word, sep=sep).tolist() == expected(
        values, lambda t: [ln.split(sep).count(word) for ln in t.splitlines()]
    )
    matrix = series.textops.term_matrix([word, "a"], sep=sep)
    assert matrix.index.equals(index) and list(matrix.columns) == [word, "a"]
    assert matrix.iloc[:, 0].tolist() == expected(values, lambda t: t.split(sep).count(word))


def test_arrow_chunks_and_slices_are_read_in_place():
    values = ["the cat", None, "the the", "", "x the"] * 3
    for arrow_type in (pa.string(), pa.large_string()):
        chunked = pa.chunked_array([values[:4], values[4:9], values[9:]], type=arrow_type)
        series = pd.Series(pd.arrays.ArrowExtensionArray(chunked)).iloc[3:]
        want = expected(values[3:], lambda t: t.split().count("the"))
        assert series.textops.word_count("the").tolist() == want
        assert series.textops.substring_count("the").tolist() == expected(
            values[3:], lambda t: t.count("the")
        )
    # the Arrow path really is taken for pyarrow-backed strings
    assert textops.pandas._arrow_chunks(pd.Series(values, dtype="string[pyarrow]")) is not None


def test_dataframe_column_and_errors():
    df = pd.DataFrame({"text": ["call me ishmael", "the whale", np.nan]}, index=[10, 20, 30])
    counts = df["text"].textops.word_count("whale")
    assert counts.index.tolist() == [10, 20, 30] and counts.tolist() == [0, 1, pd.NA]
    assert df["text"].textops.word_frequencies()["the"] == 1
    with pytest.raises(textops.TextopsTypeError, match="position 1 is int"):
        pd.Series(["a", 3]).textops.word_count("a")
    with pytest.raises(textops.TextopsTypeError, match="word must be str"):
        df["text"].textops.word_count(b"a")
    empty = pd.Series([], dtype=object)
    assert empty.textops.word_count("a").tolist() == []


def test_arrow_string_view_series():
    """pd.ArrowDtype(pa.string_view()) raised a raw ArrowNotImplementedError."""
    if not hasattr(pa, "string_view"):
        pytest.skip("pyarrow without string_view")
    values = ["the cat", None, "the the\nthe", "", "x the " * 10]
    series = pd.Series(values, dtype=pd.ArrowDtype(pa.string_view()), index=range(10, 15))
    sliced = series.iloc[1:]
    for s, vals in ((series, values), (sliced, values[1:])):
        assert s.textops.word_count("the").tolist() == expected(
            vals, lambda t: t.split().count("the")
        )
        assert s.textops.substring_count("th").tolist() == expected(vals, lambda t: t.count("th"))
        assert s.textops.word_count("the").index.equals(s.index)
        lines = s.textops.line_word_counts("the").tolist()
        assert lines == [
            pd.NA if t is None else [ln.split().count("the") for ln in t.splitlines()] for t in vals
        ]
        present = [t for t in vals if t is not None]
        assert s.textops.word_frequencies() == __import__("collections").Counter(
            w for t in present for w in t.split()
        )
        assert s.textops.term_matrix(["the", "x"]).iloc[:, 0].tolist() == expected(
            vals, lambda t: t.split().count("the")
        )


@pytest.mark.parametrize("dtype", [object, "string[python]", "string[pyarrow]"])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
def test_count_matrix_is_countvectorizer(dtype, ngram_range):
    """series.textops.count_matrix() is scikit-learn's CountVectorizer on
    the strings (a missing value an empty document), as a sparse DataFrame
    with the Series' index and the sorted terms as columns."""
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    values = ["The whale, the WHALE's tail", None, "ΑΣ ας İstanbul", "", "a b c", "whale"]
    series = pd.Series(values, index=[10, 11, 12, 13, 14, 15], dtype=dtype)
    got = series.textops.count_matrix(ngram_range=ngram_range, threads=2)
    vectorizer = sklearn_text.CountVectorizer(ngram_range=ngram_range)
    want = vectorizer.fit_transform(["" if v is None else v for v in values]).toarray()
    assert got.columns.tolist() == vectorizer.get_feature_names_out().tolist()
    assert got.index.tolist() == series.index.tolist()
    assert all(isinstance(t, pd.SparseDtype) for t in got.dtypes)
    assert got.sparse.to_dense().values.tolist() == want.tolist()


_ARROW_PIECES = ("a", "aa", "ab", "the", " ", "\n", "é", "_", "世", "\u3000", ".")


def arrow_chunk(values, garbage, arrow_type):
    """An Arrow string array of ``values`` whose null slots hold the bytes of
    ``garbage`` (Arrow lets a null occupy data): only the validity bitmap
    says they are missing."""
    filled = [g if v is None else v for v, g in zip(values, garbage)]
    dense = pa.array(filled, type=arrow_type)
    valid = np.array([v is not None for v in values], dtype=bool)
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little").tobytes())
    _, offsets, data = dense.buffers()
    return pa.Array.from_buffers(
        arrow_type, len(values), [bitmap, offsets, data], null_count=int((~valid).sum())
    )


@st.composite
def arrow_series(draw):
    """(Series, its values): Arrow chunks of string or large_string, null
    slots with data behind them, chunks sliced, the Series sliced."""
    piece = st.sampled_from(_ARROW_PIECES)
    text = st.lists(piece, max_size=10).map("".join)
    arrow_type = draw(st.sampled_from([pa.string(), pa.large_string()]))
    chunks, values = [], []
    for _ in range(draw(st.integers(0, 4))):
        vals = draw(st.lists(st.none() | text, max_size=30))
        garbage = draw(st.lists(text, min_size=len(vals), max_size=len(vals)))
        chunk = arrow_chunk(vals, garbage, arrow_type)
        start = draw(st.integers(0, len(vals)))
        stop = draw(st.integers(start, len(vals)))
        chunks.append(chunk.slice(start, stop - start))
        values += vals[start:stop]
    series = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array(chunks, type=arrow_type)))
    start = draw(st.integers(0, len(values)))
    return series.iloc[start:], values[start:]


@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_arrow_chunks_count_in_their_buffers(data, min_chunk, set_min_chunk, search_backend):
    """Counts over the Arrow chunks' own buffers (one scan per chunk) against
    each value's count: needles that straddle values, nulls whose slots hold
    data, sliced chunks and Series, every backend and thread count."""
    set_min_chunk(min_chunk)
    series, values = data.draw(arrow_series(), label="series")
    joined = "".join(v for v in values if v)
    needle = st.sampled_from(("aa", "aaa", "the", "a a", "é", "ab" * 40)) | slices(
        joined, max_size=70
    )
    sub = data.draw(needle, label="sub")
    word = data.draw(words(STR, joined, None) | needle, label="word")
    pattern = data.draw(st.sampled_from(STR_PATTERNS), label="pattern")
    for threads in (1, 2, 3):
        assert series.textops.substring_count(sub, threads=threads).tolist() == expected(
            values, lambda t: t.count(sub)
        )
        assert series.textops.word_count(word, threads=threads).tolist() == expected(
            values, lambda t: t.split().count(word)
        )
        assert series.textops.word_count(word, pattern=pattern, threads=threads).tolist() == (
            expected(values, lambda t: rule_tokens(t, pattern, False).count(word))
        )
    # the other methods read the chunks' buffers too
    assert series.textops.line_word_counts(word).tolist() == expected(
        values, lambda t: [ln.split().count(word) for ln in t.splitlines()]
    )
    matrix = series.textops.term_matrix([word, "the"], pattern=pattern, lowercase=True)
    assert matrix.index.equals(series.index)
    assert matrix.iloc[:, 0].tolist() == expected(
        values, lambda t: rule_tokens(t, pattern, True).count(word)
    )
    for sep in (None, "a", " "):
        freq = Counter(w for t in values if t is not None for w in t.split(sep))
        got = series.textops.word_frequencies(sep=sep)
        assert list(got.items()) == list(freq.items()), sep
