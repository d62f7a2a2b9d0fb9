"""Bad inputs raise the documented exception type with a helpful message.

Every error is checked three ways: as the builtin (TypeError / ValueError),
as the matching textops class, and as the textops base class TextopsError.
"""

import pytest

import textops
from textops import TextopsError, TextopsTypeError, TextopsValueError

PACKAGE_CLASS = {TypeError: TextopsTypeError, ValueError: TextopsValueError}


def check_raises(builtin, call, *fragments, exact=None):
    """``call()`` raises ``builtin``; message contains every fragment."""
    with pytest.raises(builtin) as info:
        call()
    error = info.value
    assert isinstance(error, PACKAGE_CLASS[builtin]), repr(error)
    assert isinstance(error, TextopsError), repr(error)
    message = str(error)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    if exact is not None:
        assert message == exact


# Every function as ``call(first, second, **kwargs)`` with the threads and
# sep keywords it accepts.
SINGLE = {
    "word_count": (textops.word_count, "word", True),
    "substring_count": (textops.substring_count, "sub", False),
    "line_word_counts": (textops.line_word_counts, "word", True),
}
BATCH = {
    "parallel_word_count": (textops.parallel_word_count, "words", True),
    "sequential_word_count": (textops.sequential_word_count, "words", True),
    "parallel_substring_count": (textops.parallel_substring_count, "subs", False),
}
THREADED = [
    "word_count",
    "substring_count",
    "line_word_counts",
    "parallel_word_count",
    "parallel_substring_count",
]
WITH_SEP = [name for name, (_, _, has_sep) in {**SINGLE, **BATCH}.items() if has_sep]
FUNCTIONS = {**SINGLE, **BATCH}


def call_with(name, text, needle, **kwargs):
    """Call function ``name`` on one text; batches get it as a one-item list."""
    function, _, _ = FUNCTIONS[name]
    if name in BATCH:
        text = [text]
    return lambda: function(text, needle, **kwargs)


# --------------------------------------------------------------------------
# Exception classes
# --------------------------------------------------------------------------


def test_exception_hierarchy():
    """Package errors can be caught as the builtins and as TextopsError."""
    assert issubclass(TextopsError, Exception)
    assert issubclass(TextopsTypeError, TextopsError) and issubclass(TextopsTypeError, TypeError)
    assert issubclass(TextopsValueError, TextopsError) and issubclass(TextopsValueError, ValueError)


# --------------------------------------------------------------------------
# Wrong text type
# --------------------------------------------------------------------------

BAD_TEXTS = [5, 1.5, None, ["a b"], object()]


@pytest.mark.parametrize("name", SINGLE)
@pytest.mark.parametrize("text", BAD_TEXTS, ids=lambda value: type(value).__name__)
def test_text_of_wrong_type(name, text):
    """e.g. 'text must be str or a bytes-like object, not int'."""
    function, _, _ = SINGLE[name]
    check_raises(TypeError, lambda: function(text, "a"), "text", type(text).__name__)


@pytest.mark.parametrize("name", BATCH)
@pytest.mark.parametrize("bad", [5, None, 1.5], ids=lambda value: type(value).__name__)
def test_text_bodies_element_of_wrong_type(name, bad):
    """The message names the argument and the index: 'text_bodies[3]'."""
    function, _, _ = BATCH[name]
    check_raises(TypeError, lambda: function(["a", "b", "c", bad], "a"), "text_bodies[3]")


@pytest.mark.parametrize("name", BATCH)
@pytest.mark.parametrize("bodies", ["a b c", b"a b c"], ids=["str", "bytes"])
def test_text_bodies_given_as_single_text(name, bodies):
    """A single str/bytes is not a list of texts (it would iterate characters)."""
    function, _, _ = BATCH[name]
    needle = bodies[:1]
    check_raises(TypeError, lambda: function(bodies, needle))


# --------------------------------------------------------------------------
# Needles and separators of the wrong kind
# --------------------------------------------------------------------------

MISMATCHED = [("a b", b"a"), (b"a b", "a"), (bytearray(b"a b"), "a"), (memoryview(b"a b"), "a")]
MISMATCH_IDS = [
    "str-text-bytes-needle",
    "bytes-text-str-needle",
    "bytearray-text-str-needle",
    "memoryview-text-str-needle",
]


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("text, needle", MISMATCHED, ids=MISMATCH_IDS)
def test_needle_of_other_kind(name, text, needle):
    """Mixing str and bytes raises TypeError naming word/sub (or words/subs).

    For ``word`` Python's list.count would silently return 0; textops raises
    on purpose.
    """
    argument = FUNCTIONS[name][1]
    check_raises(TypeError, call_with(name, text, needle), argument)


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("needle", [None, 5.0], ids=["None", "float"])
def test_needle_of_wrong_type(name, needle):
    """A needle that is neither str nor bytes-like raises TypeError."""
    argument = FUNCTIONS[name][1]
    check_raises(TypeError, call_with(name, "a b", needle), argument)


@pytest.mark.parametrize("name", WITH_SEP)
@pytest.mark.parametrize(
    "text, word, sep",
    [("a,b", "a", b","), (b"a,b", b"a", ","), ("a,b", "a", 5)],
    ids=["str-text-bytes-sep", "bytes-text-str-sep", "int-sep"],
)
def test_sep_of_other_kind(name, text, word, sep):
    """A separator of the other kind (or no text at all) names 'sep'."""
    check_raises(TypeError, call_with(name, text, word, sep=sep), "sep")


@pytest.mark.parametrize("name", BATCH)
def test_needles_list_element_of_other_kind(name):
    """The message names the argument and the index: 'words[1]'."""
    function, argument, _ = BATCH[name]
    check_raises(TypeError, lambda: function(["a", "b", "c"], ["a", b"b", "c"]), f"{argument}[1]")
    check_raises(
        TypeError, lambda: function([b"a", b"b", b"c"], [b"a", b"b", "c"]), f"{argument}[2]"
    )


def test_int_sub_with_str_text():
    """Only bytes text accepts an int sub, as with str.count(97)."""
    check_raises(TypeError, lambda: textops.substring_count("abc", 97), "sub")


@pytest.mark.parametrize("byte", [256, -1, 1000])
def test_int_sub_out_of_byte_range(byte):
    """bytes.count(256) raises ValueError, and so does textops."""
    with pytest.raises(ValueError):
        b"abc".count(byte)
    check_raises(ValueError, lambda: textops.substring_count(b"abc", byte))


# --------------------------------------------------------------------------
# Values: lengths, separators, threads, buffers
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", BATCH)
def test_batch_lengths_differ(name):
    """Per-text needles must match the texts one to one; both lengths shown."""
    function, _, _ = BATCH[name]
    check_raises(ValueError, lambda: function(["a"] * 4, ["a"] * 7), "4", "7")
    check_raises(ValueError, lambda: function([b"a"] * 7, [b"a"] * 4), "4", "7")


@pytest.mark.parametrize("name", WITH_SEP)
@pytest.mark.parametrize(
    "text, word, sep",
    [
        ("a b", "a", ""),
        (b"a b", b"a", b""),
        (b"a b", b"a", bytearray()),
        (b"a b", b"a", memoryview(b"")),
    ],
    ids=["str", "bytes", "bytearray", "memoryview"],
)
def test_empty_separator(name, text, word, sep):
    """Like str.split(''): ValueError('empty separator')."""
    check_raises(ValueError, call_with(name, text, word, sep=sep), exact="empty separator")


@pytest.mark.parametrize("name", THREADED)
@pytest.mark.parametrize("threads", [0, -1, -8])
def test_threads_not_positive(name, threads):
    """threads must be >= 1 (or None for the default)."""
    check_raises(ValueError, call_with(name, "a b", "a", threads=threads), "threads")


@pytest.mark.parametrize("name", THREADED)
@pytest.mark.parametrize("threads", [1.5, 2.0, "2", True, False], ids=repr)
def test_threads_not_an_int(name, threads):
    """threads must be an int; bool, float and str are refused."""
    check_raises(TypeError, call_with(name, "a b", "a", threads=threads), "threads")


@pytest.mark.parametrize("threads", [0, -1])
def test_set_num_threads_not_positive(threads):
    """set_num_threads follows the same rules as the threads argument."""
    before = textops.get_num_threads()
    check_raises(ValueError, lambda: textops.set_num_threads(threads), "threads")
    assert textops.get_num_threads() == before


@pytest.mark.parametrize("threads", [1.5, "2", True], ids=repr)
def test_set_num_threads_not_an_int(threads):
    """set_num_threads refuses non-ints and leaves the setting unchanged."""
    before = textops.get_num_threads()
    check_raises(TypeError, lambda: textops.set_num_threads(threads), "threads")
    assert textops.get_num_threads() == before


NON_CONTIGUOUS = memoryview(b"abcdef")[::2]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_non_contiguous_text(name):
    """A strided memoryview cannot be passed as one pointer + length."""
    check_raises(ValueError, call_with(name, NON_CONTIGUOUS, b"a"), "contiguous")


@pytest.mark.parametrize("name", ["word_count", "substring_count", "line_word_counts"])
def test_non_contiguous_needle(name):
    """A strided memoryview as word/sub is refused the same way."""
    check_raises(ValueError, call_with(name, b"a c e", NON_CONTIGUOUS), "contiguous")


# --------------------------------------------------------------------------
# A single bytes-like text where a list of texts (or of words) is expected
# --------------------------------------------------------------------------


def _single_buffers():
    """One text of every bytes-like kind, each "a b a" (the caller closes
    the mmap)."""
    import array
    import mmap

    import numpy as np

    m = mmap.mmap(-1, 5)
    m.write(b"a b a")
    return [
        m,
        memoryview(b"a b a"),
        bytearray(b"a b a"),
        array.array("b", b"a b a"),
        np.frombuffer(b"a b a", dtype=np.uint8),
    ]


LIST_OF_TEXTS = {
    "parallel_word_count": lambda texts: textops.parallel_word_count(texts, b"a"),
    "sequential_word_count": lambda texts: textops.sequential_word_count(texts, b"a"),
    "parallel_substring_count": lambda texts: textops.parallel_substring_count(texts, b"a"),
    "Corpus": lambda texts: textops.Corpus(texts),
    "Corpus.from_files": lambda paths: textops.Corpus.from_files(paths),
    "file_word_count": lambda paths: textops.file_word_count(paths, b"a", encoding=None),
    "file_substring_count": lambda paths: textops.file_substring_count(paths, b"a", encoding=None),
    "file_line_word_counts": lambda paths: textops.file_line_word_counts(
        paths, b"a", encoding=None
    ),
    "file_word_frequencies": lambda paths: textops.file_word_frequencies(paths, encoding=None),
    "word_counts words": lambda words: textops.word_counts(b"a b a", words),
    "Corpus.term_matrix words": lambda words: textops.Corpus([b"a b a"]).term_matrix(words),
    "Series.textops.term_matrix words": lambda words: _series().textops.term_matrix(words),
}


def _series():
    pd = pytest.importorskip("pandas")
    import textops.pandas  # noqa: F401  (the accessor)

    return pd.Series(["a b a"])


@pytest.mark.parametrize("name", LIST_OF_TEXTS)
def test_single_buffer_is_not_a_list_of_texts(name):
    """parallel_word_count(mmap of b"a b a", b"a") gave [1, 0, 0, 0, 1]: the
    mmap was iterated byte by byte. Every bytes-like object is one text,
    refused where a list is expected, as a single bytes is."""
    call = LIST_OF_TEXTS[name]
    buffers = _single_buffers()
    path_taking = "file" in name  # there a bytes is one path
    try:
        for single in [*([] if path_taking else [b"a b a"]), *buffers]:
            check_raises(TypeError, lambda: call(single), "not a single", type(single).__name__)
    finally:
        buffers[0].close()


def test_single_buffer_is_one_text_of_text_or_texts():
    """word_frequencies takes one text or many: a bytes-like object is one."""
    from collections import Counter

    buffers = _single_buffers()
    try:
        for single in buffers:
            assert textops.word_frequencies(single) == Counter(b"a b a".split())
    finally:
        buffers[0].close()


def test_word_frequencies_of_closed_mmap():
    """A closed mmap gave a bare ValueError; now it is a TextopsValueError
    naming the argument, as word_count gives."""
    import mmap

    m = mmap.mmap(-1, 5)
    m.close()
    check_raises(ValueError, lambda: textops.word_frequencies(m), "text_or_texts", "mmap")
    check_raises(ValueError, lambda: textops.word_count(m, b"a"), "text", "mmap")
    check_raises(
        TypeError, lambda: textops.parallel_word_count(m, b"a"), "text_bodies", "not a single"
    )


# --------------------------------------------------------------------------
# Paths of the wrong type
# --------------------------------------------------------------------------

FILE_FUNCTIONS = {
    "file_word_count": lambda paths: textops.file_word_count(paths, "a"),
    "file_substring_count": lambda paths: textops.file_substring_count(paths, "a"),
    "file_line_word_counts": lambda paths: textops.file_line_word_counts(paths, "a"),
    "file_word_frequencies": lambda paths: textops.file_word_frequencies(paths),
    "Corpus.from_files": lambda paths: textops.Corpus.from_files(paths),
}


@pytest.mark.parametrize("name", FILE_FUNCTIONS)
@pytest.mark.parametrize("bad", [None, 3, 1.5], ids=lambda value: type(value).__name__)
def test_path_of_wrong_type_names_the_index(name, bad, tmp_path):
    """[path, None] gave a raw TypeError from os.stat, [path, 3] a raw
    OSError [Errno 9] (3 was taken as a file descriptor)."""
    good = tmp_path / "a.txt"
    good.write_text("a b a")
    call = FILE_FUNCTIONS[name]
    check_raises(
        TypeError,
        lambda: call([str(good), bad]),
        exact=f"paths[1] must be a path (str, bytes or os.PathLike), not {type(bad).__name__}",
    )
