"""The C core's word counts under the token rules of the mode bits.

textops_word_count, textops_line_word_counts, textops_batch_word_count,
textops_corpus_word_count and textops_corpus_line_word_counts take the rule
in ``mode``: TEXTOPS_WORD_CHARS (``re.findall(r"\\w+", t)``, sep ignored),
with TEXTOPS_TWO_OR_MORE (``r"\\b\\w\\w+\\b"``), and TEXTOPS_LOWER (the rule
applied to ``t.lower()``, also for ``t.lower().split(sep)``). Each test
calls the C functions directly (str as UTF-8 with "surrogatepass", bytes as
they are) on every search backend, on 1, 2 and 3 threads with tiny minimum
chunks, and compares with the reference expressions on the Python object.
The public keyword arguments are tested elsewhere.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, List, Optional, Sequence, Union

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strategies import SMALL_MIN_CHUNKS, STR_LINE_BREAKS, UNICODE_WHITESPACE
from textops._core import ffi, lib

Text = Union[str, bytes]

WORDS = lib.TEXTOPS_WORD_CHARS
TWO = lib.TEXTOPS_TWO_OR_MORE
LOWER = lib.TEXTOPS_LOWER
UNICODE = lib.TEXTOPS_UNICODE
# Every rule (with and without lowercasing): the mode bits besides str/bytes.
RULES = (WORDS, WORDS | TWO, WORDS | LOWER, WORDS | TWO | LOWER, LOWER, 0)
THREADS = (1, 2, 3)
EXAMPLES = max(10, settings().max_examples // 4)  # once per backend

# Text rich in \w transitions: letters and digits of many scripts, combining
# marks (not \w), "_", "İ" (lowers to "i" + U+0307, which is not \w), the
# Kelvin sign (lowers to "k"), capital sigma beside cased, case-ignorable
# and other characters, letters whose lowercase is longer or shorter in
# UTF-8, astral letters, lone surrogates, whitespace and line breaks.
STR_PIECES = (
    "a", "A", "the", "The", "THE", "tHe", "_", "1", "\u0663", "\u096b", "\uff11",
    "é", "É", "e\u0301", "\u0301", "\u0307", "İ", "i\u0307", "\u212a", "k", "K",
    "Σ", "σ", "ς", "ΑΣ", "α", "Α", "ΌΣΟΣ", "'", ".", "\u00b7", "\u2019", "\u00ad",
    "-", ",", "(", "\U00010400", "\U00010428", "\U0001d400", "\U0001f600",
    "\ud800", "\udfff", "\ud83d", "世", "ß", "\u1e9e", "\u023a", "\u24b6", "\u01c5",
    "\ufb01", "\u2126", "\u212b", "Ελληνικά", "Русский", "हिन्दी", "فارسی", "ñ",
    "\x00",
)  # fmt: skip
STR_SPACES = tuple(UNICODE_WHITESPACE) + STR_LINE_BREAKS
BYTES_PIECES = (
    b"a", b"A", b"the", b"The", b"THE", b"_", b"1", b"'", b".", b"-", b",",
    "é".encode(), "É".encode(), "Σ".encode(), "İ".encode(), "\u212a".encode(),
    b"\x80", b"\xff", b"\xc3", b"\x00", b"\x1c", b"\x85",
)  # fmt: skip
BYTES_SPACES = (b" ", b"\t", b"\n", b"\v", b"\f", b"\r", b"\r\n")


def rich_texts(kind: type, max_size: int = 30) -> st.SearchStrategy:
    """Texts of `kind` (str or bytes) built from the pieces above."""
    pieces, spaces = (STR_PIECES, STR_SPACES) if kind is str else (BYTES_PIECES, BYTES_SPACES)
    part = st.sampled_from(pieces) | st.sampled_from(spaces)
    return st.lists(part, max_size=max_size).map(kind().join)


def tokens(text: Text, mode: int, sep: Optional[Text] = None) -> list:
    """The tokens of text by the rule of mode: the reference expressions."""
    if mode & LOWER:
        text = text.lower()
    if not mode & WORDS:
        return text.split(sep)
    pattern = r"\b\w\w+\b" if mode & TWO else r"\w+"
    return re.findall(pattern.encode() if isinstance(text, bytes) else pattern, text)


def reference(text: Text, word: Text, mode: int, sep: Optional[Text] = None) -> int:
    return tokens(text, mode, sep).count(word)


def reference_lines(text: Text, word: Text, mode: int, sep: Optional[Text] = None) -> list:
    if mode & LOWER:
        text = text.lower()
    return [reference(ln, word, mode & ~LOWER, sep) for ln in text.splitlines()]


def raw(value: Text) -> bytes:
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value


def c_mode(text: Text, mode: int) -> int:
    return mode | (UNICODE if isinstance(text, str) else 0)


def c_sep(sep: Optional[Text]) -> tuple:
    return (ffi.NULL, 0) if sep is None else (raw(sep), len(raw(sep)))


def word_count(text: Text, word: Text, mode: int, threads: int, sep=None) -> int:
    t, w, (s, sn) = raw(text), raw(word), c_sep(sep)
    return lib.textops_word_count(t, len(t), w, len(w), s, sn, c_mode(text, mode), threads)


def line_counts(text: Text, word: Text, mode: int, threads: int, sep=None) -> list:
    t, w, (s, sn) = raw(text), raw(word), c_sep(sep)
    counts, nlines = ffi.new("size_t **"), ffi.new("size_t *")
    rc = lib.textops_line_word_counts(
        t, len(t), w, len(w), s, sn, c_mode(text, mode), threads, counts, nlines
    )
    assert rc == 0
    try:
        return list(ffi.unpack(counts[0], nlines[0])) if nlines[0] else []
    finally:
        lib.textops_free(counts[0])


def batch_counts(texts: Sequence[Text], words: Sequence[Text], mode: int, threads: int, sep=None):
    ts, ws = [raw(t) for t in texts], [raw(w) for w in words]
    tp = [ffi.from_buffer(t) for t in ts]
    wp = [ffi.from_buffer(w) for w in ws]
    out = ffi.new("size_t[]", max(len(ts), 1))
    s, sn = c_sep(sep)
    kind_mode = mode | (UNICODE if isinstance(words[0], str) else 0)
    lib.textops_batch_word_count(
        len(ts), ffi.new("const char *[]", tp), ffi.new("size_t[]", [len(t) for t in ts]),
        len(ws), ffi.new("const char *[]", wp), ffi.new("size_t[]", [len(w) for w in ws]),
        s, sn, kind_mode, threads, out,
    )  # fmt: skip
    return list(out)[: len(ts)]


def packed(docs: Sequence[Text]):
    """The documents' bytes end to end, and their offsets."""
    parts = [raw(d) for d in docs]
    offsets = np.zeros(len(parts) + 1, dtype=np.uintp)
    np.cumsum([len(p) for p in parts], out=offsets[1:])
    return b"".join(parts), offsets


def corpus_counts(docs: Sequence[Text], word: Text, mode: int, threads: int, sep=None) -> list:
    buf, offsets = packed(docs)
    out = np.zeros(len(docs), dtype=np.uintp)
    w, (s, sn) = raw(word), c_sep(sep)
    lib.textops_corpus_word_count(
        len(docs), buf, ffi.cast("const size_t *", ffi.from_buffer(offsets)), w, len(w), s, sn,
        c_mode(word, mode), threads, ffi.cast("size_t *", ffi.from_buffer(out)),
    )  # fmt: skip
    return out.tolist()


def corpus_lines(docs: Sequence[Text], word: Text, mode: int, threads: int, sep=None) -> list:
    buf, offsets = packed(docs)
    nlines = np.zeros(len(docs), dtype=np.uintp)
    counts = ffi.new("size_t **")
    w, (s, sn) = raw(word), c_sep(sep)
    rc = lib.textops_corpus_line_word_counts(
        len(docs), buf, ffi.cast("const size_t *", ffi.from_buffer(offsets)), w, len(w), s, sn,
        c_mode(word, mode), threads, counts, ffi.cast("size_t *", ffi.from_buffer(nlines)),
    )  # fmt: skip
    assert rc == 0
    flat = list(ffi.unpack(counts[0], int(nlines.sum()))) if nlines.sum() else []
    lib.textops_free(counts[0])
    out, at = [], 0
    for n in nlines.tolist():
        out.append(flat[at : at + n])
        at += n
    return out


def words_for(text: Text) -> st.SearchStrategy:
    """Words that occur as tokens by some rule, pieces, and non-words."""
    kind = type(text)
    found = sorted(
        {w for mode in (WORDS, WORDS | LOWER, LOWER) for w in tokens(text, mode)}, key=repr
    )
    pieces = STR_PIECES if kind is str else BYTES_PIECES
    extra = st.sampled_from(pieces + (kind(), kind("a b") if kind is str else b"a b"))
    return (st.sampled_from(found) | extra) if found else extra


@st.composite
def text_and_word(draw, kind: type, max_size: int = 30):
    text = draw(rich_texts(kind, max_size))
    return text, draw(words_for(text))


def check_all(text: Text, word: Text, sep=None) -> None:
    for mode in RULES:
        want = reference(text, word, mode, sep)
        for threads in THREADS:
            got = word_count(text, word, mode, threads, sep)
            assert got == want, (text, word, mode, threads, sep)


BY_KIND = pytest.mark.parametrize("kind", (str, bytes), ids=("str", "bytes"))


FACTS = [
    ("ΑΣ Σ ΑΣ' ΑΣ.Α Α'Σ σ ς", "ας"), ("ΑΣ Σ ΑΣ' ΑΣ.Α Α'Σ σ ς", "σ"), ("İstanbul İ i\u0307", "i"),
    ("İstanbul İ i\u0307", "stanbul"), ("\u212aelvin kelvin KELVIN", "kelvin"),
    ("a_b a b_ _", "a_b"), ("x١٢ ١٢ e\u0301e", "e"), ("x١٢ ١٢ e\u0301e", "١٢"),
    ("\ud800ab\udfffab ab", "ab"), ("हिन्दी हि", "ह"), ("the The THE tHe", "the"),
]  # fmt: skip


@BY_KIND
@pytest.mark.parametrize("text, word", FACTS)
def test_facts(kind, text, word, search_backend, set_min_chunk):
    """The rules' facts: sigma contexts, "İ", Kelvin, "_", other digits,
    combining marks, lone surrogates, case."""
    set_min_chunk(1)
    check_all(text if kind is str else raw(text), word if kind is str else raw(word))


@BY_KIND
@settings(max_examples=EXAMPLES)
@given(case=st.data(), chunk=SMALL_MIN_CHUNKS)
def test_word_count(kind, case, chunk, search_backend, set_min_chunk):
    """word_count by every rule, tiny chunks, every backend and thread count."""
    set_min_chunk(chunk)
    text, word = case.draw(text_and_word(kind))
    check_all(text, word)


@BY_KIND
@given(case=st.data(), chunk=SMALL_MIN_CHUNKS)
def test_word_count_lower_with_sep(kind, case, chunk, set_min_chunk):
    """t.lower().split(sep).count(w): the separators of the lowered text."""
    set_min_chunk(chunk)
    text, word = case.draw(text_and_word(kind))
    sep = case.draw(st.sampled_from(("a", "k", "i", "σ", "\u0307", " ", "aa")))
    sep = sep if kind is str else raw(sep)
    for mode in (LOWER, 0):
        want = reference(text, word, mode, sep)
        for threads in THREADS:
            assert word_count(text, word, mode, threads, sep) == want


@BY_KIND
@settings(max_examples=EXAMPLES)
@given(case=st.data(), chunk=SMALL_MIN_CHUNKS)
def test_line_word_counts(kind, case, chunk, search_backend, set_min_chunk):
    """Per-line counts of the lines of t (or t.lower()) by every rule."""
    set_min_chunk(chunk)
    text, word = case.draw(text_and_word(kind))
    sep = case.draw(st.sampled_from((None, "a", " ")))
    sep = sep if sep is None or kind is str else raw(sep)
    for mode in RULES:
        want = reference_lines(text, word, mode, sep)
        for threads in THREADS:
            assert line_counts(text, word, mode, threads, sep) == want, (mode, threads)


@BY_KIND
@given(case=st.data(), chunk=SMALL_MIN_CHUNKS)
def test_batch_word_count(kind, case, chunk, set_min_chunk):
    """Batches, one word for all texts or one per text."""
    set_min_chunk(chunk)
    texts = case.draw(st.lists(rich_texts(kind), min_size=1, max_size=6))
    joined = kind().join(texts)
    per_text = case.draw(st.booleans())
    words = [case.draw(words_for(t if per_text else joined)) for t in texts]
    words = words if per_text else words[:1]
    for mode in RULES:
        want = [reference(t, words[i if per_text else 0], mode) for i, t in enumerate(texts)]
        for threads in THREADS:
            assert batch_counts(texts, words, mode, threads) == want, (mode, threads)


@BY_KIND
@settings(max_examples=EXAMPLES)
@given(case=st.data())
def test_corpus(kind, case, search_backend):
    """Per document counts and line counts: a document's ends are text ends."""
    docs = case.draw(st.lists(rich_texts(kind, 12), min_size=1, max_size=8))
    word = case.draw(words_for(kind().join(docs)))
    for mode in RULES:
        want = [reference(d, word, mode) for d in docs]
        want_lines = [reference_lines(d, word, mode) for d in docs]
        for threads in THREADS:
            assert corpus_counts(docs, word, mode, threads) == want, (mode, threads)
            assert corpus_lines(docs, word, mode, threads) == want_lines, (mode, threads)


def long_text(kind: type, seed: int, size: int) -> Text:
    """A text of about `size` characters from the pieces, without hypothesis."""
    rng = np.random.default_rng(seed)
    pieces = (STR_PIECES + STR_SPACES) if kind is str else (BYTES_PIECES + BYTES_SPACES)
    out: List[Any] = []
    n = 0
    while n < size:
        piece = pieces[int(rng.integers(len(pieces)))]
        out.append(piece)
        n += len(piece)
    return kind().join(out)


@BY_KIND
@pytest.mark.parametrize("seed", range(3))
def test_long_texts(kind, seed, search_backend):
    """Texts of tens of KB: the lowered counts' blocks (a few KB, cut after a
    character that is not \\w, capital sigma judged across the cut), the
    vector word edges, real shares on the default chunk."""
    text = long_text(kind, seed, 60_000)
    # long runs of \w (a block cannot end inside one) and sigmas at their ends
    text += kind("Σ" + "a" * 20_000 + "Σ'Σ " + "A" * 9000 + "'Σ") if kind is str else b"A" * 20_000
    for word in (
        ("the", "a", "ας", "σ", "i", "k", "_", "The") if kind is str else (b"the", b"a", b"_")
    ):
        for mode in RULES:
            want = reference(text, word, mode)
            for threads in THREADS:
                assert word_count(text, word, mode, threads) == want, (word, mode, threads)
        assert line_counts(text, word, WORDS | LOWER, 2) == reference_lines(
            text, word, WORDS | LOWER
        )
    # t.lower().split(sep): shares of the lowered copy, lines lowered whole
    for sep in ("a", "σ", "\u0307") if kind is str else (b"a",):
        word = Counter(tokens(text, LOWER, sep)).most_common(1)[0][0]
        for threads in THREADS:
            assert word_count(text, word, LOWER, threads, sep) == reference(text, word, LOWER, sep)
        assert line_counts(text, word, LOWER, 2, sep) == reference_lines(text, word, LOWER, sep)


@BY_KIND
def test_self_overlapping_word_in_one_run(kind, search_backend):
    """ "a" * 1000 in "a" * 10**7: no token but the whole run; the walk goes on
    after each run, so this ends quickly (it would not, were every occurrence
    checked)."""
    a = "a" if kind is str else b"a"
    text = a * 10**7
    for mode in (WORDS, WORDS | LOWER):
        assert word_count(text, a * 1000, mode, 1) == 0
        assert word_count(text, text, mode, 2) == 1
        space = " " if kind is str else b" "
        assert word_count(text + space + a * 1000, a * 1000, mode, 2) == 1


def test_word_is_never_a_token():
    """Words that no token of the rule equals count 0: empty, not \\w, one
    code point for the two-or-more rule, uppercase under lowering."""
    text = "a b ab AB a-b İ \u0307"
    for word, modes in (
        ("", RULES[:-1]), ("a b", RULES[:4]), ("a-b", RULES[:4]), ("a", (WORDS | TWO,)),
        ("AB", (WORDS | LOWER,)), ("\u0307", RULES[:4]),
    ):  # fmt: skip
        for mode in modes:
            assert reference(text, word, mode) == 0
            assert word_count(text, word, mode, 1) == 0


@BY_KIND
def test_empty_text(kind):
    """An empty text: "".lower().split(sep) is [""], the \\w rules find nothing."""
    empty = kind()
    for sep in (None, "a", "\u0307"):
        s = sep if sep is None or kind is str else raw(sep)
        for word in (empty, kind("a") if kind is str else b"a"):
            for mode in RULES:
                want = reference(empty, word, mode, s)
                assert word_count(empty, word, mode, 1, s) == want
                assert line_counts(empty, word, mode, 1, s) == []
                assert batch_counts([empty], [word], mode, 2, s) == [want]
