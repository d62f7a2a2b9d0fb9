"""Input kinds (every bytes-like object, str subclasses, odd code points),
inputs left unmodified, result types, and the package's public surface."""

import array
import inspect
import mmap

import pytest

import textops
from strategies import assert_exact

TEXT = b"the cat\tsat\x00on the\r\nmat \x85the\xa0the\nthe"
STR_TEXT = "the cat\u3000sat\x00on the\r\nmat\x85the\u2028é the\ud800the"


def reference_results(text, word, sep=None):
    """The reference value of each single-text function (bytes or str)."""
    return {
        "word_count": text.split(sep).count(word),
        "substring_count": text.count(word),
        "line_word_counts": [line.split(sep).count(word) for line in text.splitlines()],
        "parallel_word_count": [text.split(sep).count(word)],
        "sequential_word_count": [text.split(sep).count(word)],
        "parallel_substring_count": [text.count(word)],
    }


def textops_results(text, word, sep=None):
    """The same values computed by textops for a text of any kind."""
    return {
        "word_count": textops.word_count(text, word, sep=sep),
        "substring_count": textops.substring_count(text, word),
        "line_word_counts": textops.line_word_counts(text, word, sep=sep),
        "parallel_word_count": textops.parallel_word_count([text], word, sep=sep),
        "sequential_word_count": textops.sequential_word_count([text], word, sep=sep),
        "parallel_substring_count": textops.parallel_substring_count([text], word),
    }


@pytest.fixture
def mmap_of_file(tmp_path):
    """An mmap of a temporary file holding TEXT."""
    path = tmp_path / "text.bin"
    path.write_bytes(TEXT)
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        yield buf


BYTES_LIKE = {
    "bytes": lambda: TEXT,
    "bytearray": lambda: bytearray(TEXT),
    "memoryview": lambda: memoryview(bytearray(TEXT)),
    "readonly memoryview": lambda: memoryview(TEXT),
    "readonly memoryview of bytearray": lambda: memoryview(bytearray(TEXT)).toreadonly(),
    "array('B')": lambda: array.array("B", TEXT),
}


@pytest.mark.parametrize("kind", BYTES_LIKE)
@pytest.mark.parametrize("sep", [None, b" ", b"the"], ids=repr)
def test_bytes_like_kinds(kind, sep):
    """Every contiguous bytes-like text gives the bytes reference results."""
    assert_exact(
        textops_results(BYTES_LIKE[kind](), b"the", sep), reference_results(TEXT, b"the", sep)
    )


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "memoryview", "readonly memoryview"])
def test_bytes_like_needles(kind):
    """Words, subs and separators may be any bytes-like object too."""
    convert = {
        "bytes": bytes,
        "bytearray": bytearray,
        "memoryview": memoryview,
        "readonly memoryview": lambda b: memoryview(bytes(b)),
    }[kind]
    got = textops_results(TEXT, convert(b"the"), convert(b" "))
    assert_exact(got, reference_results(TEXT, b"the", b" "))


def test_mmap_of_file(mmap_of_file):
    """An mmap of a real file is read in place."""
    assert_exact(textops_results(mmap_of_file, b"the"), reference_results(TEXT, b"the"))
    assert_exact(
        textops_results(mmap_of_file, b"the", b"\n"), reference_results(TEXT, b"the", b"\n")
    )


def test_mmap_can_be_closed_after_calls():
    """textops keeps no buffer export alive after a call (close() would fail)."""
    buf = mmap.mmap(-1, len(TEXT))
    buf.write(TEXT)
    textops_results(buf, b"the")
    buf.close()  # BufferError if an export were still held
    assert buf.closed


@pytest.mark.parametrize(
    "make",
    [
        lambda: memoryview(b"xx" + TEXT + b"yy")[2:-2],
        lambda: memoryview(bytearray(b"xx" + TEXT + b"yy"))[2:-2],
        lambda: memoryview(b"xx" + TEXT + b"yy")[2:-2:1],
    ],
    ids=["bytes slice", "bytearray slice", "step 1 slice"],
)
def test_sliced_contiguous_memoryview(make):
    """A contiguous slice is read from its own start and length only."""
    view = make()
    assert view.contiguous
    assert_exact(textops_results(view, b"the"), reference_results(TEXT, b"the"))


@pytest.mark.parametrize(
    "make",
    [
        lambda data: array.array("I", data),
        lambda data: memoryview(data).cast("B", (4, len(data) // 4)),
        lambda data: memoryview(data).cast("H"),
    ],
    ids=["array('I')", "2-D memoryview", "memoryview 'H'"],
)
def test_buffers_with_wide_or_nested_items(make):
    """Any C-contiguous buffer counts as its raw bytes, like bytes.count does."""
    data = (TEXT * 4)[: len(TEXT) * 4 // 8 * 8]
    buffer = make(data)
    assert bytes(buffer) == data
    assert_exact(textops_results(buffer, b"the"), reference_results(data, b"the"))


@pytest.mark.parametrize("sep", [None, b"the", b"\x00"], ids=repr)
def test_bytearray_inputs_are_not_modified(sep):
    """No function writes into a mutable text, word or separator."""
    text, word = bytearray(TEXT), bytearray(b"the")
    separator = None if sep is None else bytearray(sep)
    textops_results(text, word, separator)
    textops.parallel_word_count([text, text], [word, word], sep=separator, threads=2)
    assert (text, word, separator) == (
        bytearray(TEXT),
        bytearray(b"the"),
        None if sep is None else bytearray(sep),
    )


@pytest.mark.parametrize(
    "text", [STR_TEXT, "é" * 50 + " é", "世界 " * 100, "\U0001f600 x"], ids=repr
)
def test_non_ascii_str_twice_same_result(text):
    """A second call on the same non-ASCII str (cached UTF-8) agrees with the first."""
    word = text.split()[-1]
    first = textops_results(text, word)
    second = textops_results(text, word)
    assert_exact(first, reference_results(text, word))
    assert_exact(second, first)


@pytest.mark.parametrize(
    "text, word",
    [
        ("\ud800 \udfff \ud800\udfff", "\ud800"),
        ("\ud800 \udfff \ud800\udfff", "\ud800\udfff"),
        ("\ud83d\ude00 \U0001f600 \ud83d\ude00", "\U0001f600"),
        ("\ud83d\ude00 \U0001f600 \ud83d\ude00", "\ud83d\ude00"),
        ("\ud83d\ude00 \U0001f600", "\ude00"),
        ("a\udcff\u2028\udcff", "\udcff"),
    ],
)
def test_lone_surrogates(text, word):
    """Lone surrogates are code points of their own, never merged into pairs."""
    for _ in range(2):
        assert_exact(textops_results(text, word), reference_results(text, word))


@pytest.mark.parametrize(
    "text, word, sep",
    [
        (b"\x00\x00 \x00", b"\x00", None),
        (b"a\x00b\x00\x00c", b"", b"\x00"),
        ("\x00\x00 \x00", "\x00", None),
        ("a\x00b\x00\x00c", "", "\x00"),
        ("\x00" * 1000, "\x00\x00", None),
    ],
)
def test_nul_characters(text, word, sep):
    """NUL is an ordinary character: no C-string truncation anywhere."""
    assert_exact(textops_results(text, word, sep), reference_results(text, word, sep))


class Str(str):
    """A str subclass, like numpy.str_."""


class Bytes(bytes):
    """A bytes subclass."""


@pytest.mark.parametrize(
    "text, word", [(Str("a b a"), Str("a")), (Bytes(b"a b a"), Bytes(b"a"))], ids=["str", "bytes"]
)
def test_subclasses_of_str_and_bytes(text, word):
    """Subclasses of str and bytes are texts like their base class."""
    assert_exact(textops_results(text, word), reference_results(text, word))


def test_batch_accepts_tuples():
    """text_bodies and words may be any sequence, e.g. tuples."""
    bodies, words = ("a b a", "b b", ""), ("a", "b", "")
    expected = [text.split().count(word) for text, word in zip(bodies, words)]
    assert_exact(textops.parallel_word_count(bodies, words), expected)
    assert_exact(textops.sequential_word_count(bodies, words), expected)
    assert_exact(
        textops.parallel_substring_count(bodies, words), [t.count(w) for t, w in zip(bodies, words)]
    )


# --------------------------------------------------------------------------
# Public surface
# --------------------------------------------------------------------------

PUBLIC_FUNCTIONS = [
    "word_count",
    "substring_count",
    "line_word_counts",
    "parallel_word_count",
    "sequential_word_count",
    "parallel_substring_count",
    "set_num_threads",
    "get_num_threads",
    "openmp_enabled",
]


def test_version_is_str():
    """__version__ is a non-empty str."""
    assert isinstance(textops.__version__, str) and textops.__version__


def test_all_names_exist():
    """Every name in __all__ exists, and every public function is in __all__."""
    assert all(hasattr(textops, name) for name in textops.__all__)
    assert set(PUBLIC_FUNCTIONS) <= set(textops.__all__)
    assert {"TextopsError", "TextopsTypeError", "TextopsValueError"} <= set(textops.__all__)


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_public_functions_have_docstrings(name):
    """Every public function documents itself."""
    assert inspect.getdoc(getattr(textops, name))


@pytest.mark.parametrize(
    "name",
    [
        "word_count",
        "line_word_counts",
        "parallel_word_count",
        "parallel_substring_count",
        "substring_count",
    ],
)
def test_options_are_keyword_only(name):
    """sep and threads are keyword-only."""
    parameters = inspect.signature(getattr(textops, name)).parameters
    assert parameters["threads"].kind is inspect.Parameter.KEYWORD_ONLY
    if "sep" in parameters:
        assert parameters["sep"].kind is inspect.Parameter.KEYWORD_ONLY


# --------------------------------------------------------------------------
# Arrays as the words (or substrings) of a batch
# --------------------------------------------------------------------------


def test_numpy_arrays_of_words_are_one_word_per_text():
    """An array of str, bytes or objects is a sequence of words, as a list
    is (np.array([b"a", b"c"]) was taken as the one word b"ac")."""
    np = pytest.importorskip("numpy")
    texts_b, texts_s = [b"a b", b"c"], ["a b", "c"]
    for texts, words in [
        (texts_b, np.array([b"a", b"c"])),
        (texts_s, np.array(["a", "c"])),
        (texts_s, np.array(["a", "c"], dtype=object)),
    ]:
        expected = [t.split().count(w) for t, w in zip(texts, words)]
        assert expected == [1, 1]
        assert_exact(textops.parallel_word_count(texts, words), expected)
        assert_exact(textops.sequential_word_count(texts, words), expected)
        assert_exact(
            textops.parallel_substring_count(texts, words),
            [t.count(w) for t, w in zip(texts, words)],
        )


def test_pandas_series_of_words_is_one_word_per_text():
    pd = pytest.importorskip("pandas")
    texts = ["a b", "c"]
    for dtype in [object, "string[python]"]:
        words = pd.Series(["a", "c"], dtype=dtype, index=[5, 7])
        assert_exact(textops.parallel_word_count(texts, words), [1, 1])
        assert_exact(textops.parallel_substring_count(texts, words), [1, 1])


def test_other_buffers_as_words_are_ambiguous():
    """An integer array or array.array could be one word (its bytes) or one
    byte per text: refused, saying how to ask for either."""
    np = pytest.importorskip("numpy")
    from textops import TextopsTypeError

    texts = [b"a b", b"c"]
    for words in [
        np.array([97, 99], np.uint8),
        array.array("B", b"ac"),
        np.array([b"a", b"c"]).view(np.uint8),
    ]:
        for call in (
            textops.parallel_word_count,
            textops.sequential_word_count,
            textops.parallel_substring_count,
        ):
            with pytest.raises(TextopsTypeError) as info:
                call(texts, words)
            assert "bytes(" in str(info.value) and "list" in str(info.value), str(info.value)
    with pytest.raises(TextopsTypeError, match="1-dimensional"):
        textops.parallel_word_count(texts, np.array([[b"a"], [b"c"]]))
    # the plain bytes-like kinds stay one word for every text
    for word in [b"a", bytearray(b"a"), memoryview(b"a")]:
        assert_exact(textops.parallel_word_count(texts, word), [1, 0])


# --------------------------------------------------------------------------
# A str subclass overriding encode
# --------------------------------------------------------------------------


class LyingStr(str):
    """A str whose encode() lies."""

    def encode(self, *args, **kwargs):
        return b"zzz"


@pytest.mark.parametrize("text", ["a b a", "a b\ud800 a"], ids=["utf8", "surrogate"])
def test_str_subclass_encode_override_is_ignored(text):
    """Only the characters count, never an override of encode."""
    word = LyingStr("a")
    assert_exact(textops_results(LyingStr(text), word), reference_results(text, "a"))
    assert_exact(textops.parallel_word_count([LyingStr(text)], [word]), [text.split().count("a")])
    assert_exact(textops.word_counts(LyingStr(text), [word]), {"a": text.split().count("a")})
    assert_exact(
        textops.word_frequencies(LyingStr(text)), __import__("collections").Counter(text.split())
    )
