"""Differential tests: every textops function against its Python reference.

Each test draws inputs, computes the expected value with the one-line
reference expression from the README's API table, and checks textops returns exactly that
for every thread count in THREAD_COUNTS.  Small inputs run with a tiny
minimum chunk size so that they are split at every possible position; big
inputs cross the default chunk threshold without the hook.
"""

import sys
from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import textops
from strategies import (
    ALPHABETS,
    ASCII_WHITESPACE,
    BYTES,
    BYTES_LINE_BREAKS,
    SMALL_MIN_CHUNKS,
    STR,
    STR_LINE_BREAKS,
    THREAD_COUNTS,
    UNICODE_WHITESPACE,
    BatchCase,
    Buffers,
    Case,
    assert_all_threads,
    assert_exact,
    batch_cases,
    big_texts,
    cases,
    pairs,
    texts,
)

BY_ALPHABET = pytest.mark.parametrize("alphabet", ALPHABETS, ids=str)
# Big inputs cost ~0.1 s per example, so they get far fewer examples.
BIG_EXAMPLES = max(3, settings().max_examples // 25)
# Backend tests run once per backend (up to four), so each gets a quarter.
BACKEND_EXAMPLES = max(10, settings().max_examples // 4)


# --------------------------------------------------------------------------
# The test alphabets really cover what Python treats specially
# --------------------------------------------------------------------------


def test_str_alphabet_has_every_unicode_whitespace():
    """UNICODE_WHITESPACE is exactly the set str.split() splits on."""
    python = {chr(c) for c in range(sys.maxunicode + 1) if len(f"a{chr(c)}b".split()) == 2}
    assert set(UNICODE_WHITESPACE) == python
    assert set(UNICODE_WHITESPACE) <= set(STR.spaces)


def test_str_alphabet_has_every_line_break():
    """STR_LINE_BREAKS is exactly what str.splitlines() breaks on."""
    python = {chr(c) for c in range(sys.maxunicode + 1) if len(f"a{chr(c)}b".splitlines()) == 2}
    assert set(STR_LINE_BREAKS) - {"\r\n"} == python
    assert set(STR_LINE_BREAKS) <= set(STR.spaces)


def test_bytes_alphabet_matches_bytes_semantics():
    """bytes split on ASCII whitespace only and break lines on \\n, \\r only."""
    split_on = {bytes([b]) for b in range(256) if len((b"a%cb" % b).split()) == 2}
    breaks_on = {bytes([b]) for b in range(256) if len((b"a%cb" % b).splitlines()) == 2}
    assert split_on == {bytes([b]) for b in ASCII_WHITESPACE} <= set(BYTES.spaces)
    assert breaks_on == set(BYTES_LINE_BREAKS) - {b"\r\n"}


# --------------------------------------------------------------------------
# Examples from the README (API notes) and other hand-picked edge cases
# --------------------------------------------------------------------------

WORD_EXAMPLES = [
    ("aaaax", "", "aa"),
    ("aaaax", "x", "aa"),
    ("aaaaa", "", "aa"),
    ("a\u3000b", "a", None),
    ("a\u3000b", "b", None),
    ("a\x1cb\x85c\xa0d", "c", None),
    ("a\u200bb", "a\u200bb", None),  # U+200B ZERO WIDTH SPACE is not whitespace
    ("", "", None),
    ("", "", ","),
    ("   ", "", None),
    (",,", "", ","),
    ("\ud83d\ude00 \U0001f600", "\U0001f600", None),
    ("\ud83d\ude00 \U0001f600", "\ud83d\ude00", None),
    ("\ud800\udfff", "\ud800\udfff", None),
    ("a\x00b \x00", "\x00", None),
    (b"aaaax", b"", b"aa"),
    (b"a\x85b\xa0c", b"a\x85b\xa0c", None),
    (b"a\x1cb c", b"c", None),
    (b"\xc3\xa9 \xe3\x80\x80 \xc3\xa9", b"\xc3\xa9", None),
]

SUBSTRING_EXAMPLES = [
    ("aaaa", "aa"),
    ("aaaaa", "aa"),
    ("abababa", "aba"),
    ("", ""),
    ("é", ""),
    ("\U0001f600\ud800", ""),
    ("\ud83d\ude00", "\ude00"),
    ("\U0001f600", "\ude00"),
    ("a\x00a\x00", "\x00"),
    (b"", b""),
    ("é".encode(), b""),
    (b"\x00\x00\x00", b"\x00\x00"),
    (b"\xff\xfe\xff", b"\xff"),
]

LINE_EXAMPLES = [
    ("a\r\nb", "a", None),
    ("a\r\nb", "", "b"),
    ("a\n\nb\n", "", ","),
    ("a\r\rb", "", ","),
    ("a\x1cb\x1dc\x1ed\x85e\u2028f\u2029g\vh\fi", "a", None),
    ("", "", ","),
    ("\n", "", ","),
    (b"a\x1cb\x85c\vd\fe\r\nf\rg", b"", b","),
    (b"a\r\nb\n", b"a", None),
]


@pytest.mark.parametrize("text, word, sep", WORD_EXAMPLES)
def test_word_count_examples(text, word, sep):
    """Hand-picked word_count inputs, incl. the README's examples."""
    expected = text.split(sep).count(word)
    assert_all_threads(
        lambda threads: textops.word_count(text, word, sep=sep, threads=threads), expected
    )


@pytest.mark.parametrize("text, sub", SUBSTRING_EXAMPLES)
def test_substring_count_examples(text, sub):
    """Hand-picked substring_count inputs: overlap, empty needles, surrogates."""
    expected = text.count(sub)
    assert_all_threads(
        lambda threads: textops.substring_count(text, sub, threads=threads), expected
    )


@pytest.mark.parametrize("text, word, sep", LINE_EXAMPLES)
def test_line_word_counts_examples(text, word, sep):
    """Hand-picked line_word_counts inputs covering every line-break kind."""
    expected = [line.split(sep).count(word) for line in text.splitlines()]
    assert_all_threads(
        lambda threads: textops.line_word_counts(text, word, sep=sep, threads=threads), expected
    )


# --------------------------------------------------------------------------
# Single-text functions, small inputs split into tiny chunks
# --------------------------------------------------------------------------


def _check_word_count(case: Case) -> None:
    expected = case.text.split(case.sep).count(case.needle)
    with Buffers() as convert:
        text, word, sep = case.arguments(convert)
        assert_all_threads(
            lambda threads: textops.word_count(text, word, sep=sep, threads=threads), expected
        )


def _check_substring_count(case: Case) -> None:
    expected = case.text.count(case.needle)
    with Buffers() as convert:
        text, sub, _ = case.arguments(convert)
        assert_all_threads(
            lambda threads: textops.substring_count(text, sub, threads=threads), expected
        )


def _check_line_word_counts(case: Case) -> None:
    expected = [line.split(case.sep).count(case.needle) for line in case.text.splitlines()]
    with Buffers() as convert:
        text, word, sep = case.arguments(convert)
        assert_all_threads(
            lambda threads: textops.line_word_counts(text, word, sep=sep, threads=threads), expected
        )


@BY_ALPHABET
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_word_count_matches_reference(alphabet, data, min_chunk, set_min_chunk):
    """word_count(text, word, sep=sep) == text.split(sep).count(word)."""
    set_min_chunk(min_chunk)
    _check_word_count(data.draw(cases(alphabet), label="case"))


@BY_ALPHABET
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_substring_count_matches_reference(alphabet, data, min_chunk, set_min_chunk):
    """substring_count(text, sub) == text.count(sub)."""
    set_min_chunk(min_chunk)
    _check_substring_count(data.draw(cases(alphabet, with_sep=False), label="case"))


@BY_ALPHABET
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_line_word_counts_matches_reference(alphabet, data, min_chunk, set_min_chunk):
    """line_word_counts(text, word, sep=sep) == per-line split(sep).count(word)."""
    set_min_chunk(min_chunk)
    _check_line_word_counts(data.draw(cases(alphabet, lines=True), label="case"))


@given(text=texts(BYTES), byte=st.integers(0, 255), min_chunk=SMALL_MIN_CHUNKS)
@example(text=b"\x00a\x00", byte=0, min_chunk=1)
def test_substring_count_int_sub_matches_reference(text, byte, min_chunk, set_min_chunk):
    """For bytes text, an int sub counts that byte, like bytes.count(97)."""
    set_min_chunk(min_chunk)
    expected = text.count(byte)
    assert_all_threads(
        lambda threads: textops.substring_count(text, byte, threads=threads), expected
    )


# --------------------------------------------------------------------------
# Every search backend (portable, SSE2, AVX2, AVX-512 as the CPU allows)
# --------------------------------------------------------------------------

# (the fixture ``search_backend`` of conftest.py)


@BY_ALPHABET
@settings(max_examples=BACKEND_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_substring_count_each_search_backend(
    alphabet, data, min_chunk, set_min_chunk, search_backend
):
    """Each vector backend and the portable one count exactly like str.count."""
    set_min_chunk(min_chunk)
    _check_substring_count(data.draw(cases(alphabet, with_sep=False), label="case"))


@BY_ALPHABET
@settings(max_examples=BACKEND_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_word_count_each_search_backend(alphabet, data, min_chunk, set_min_chunk, search_backend):
    """Explicit separators are found by the search backends too."""
    set_min_chunk(min_chunk)
    case = data.draw(cases(alphabet), label="case")
    _check_word_count(case)
    _check_line_word_counts(case)


@pytest.mark.parametrize(
    "length", [0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257]
)
def test_needle_at_every_position_around_vector_widths(length, search_backend):
    """Needles of 1-3 and 65 bytes at each position of texts of vector-width sizes."""
    for needle in (b"x", b"xy", b"xyx", b"x" * 65):
        for position in range(length + 1):
            text = b"a" * position + needle + b"a" * (length - position)
            expected = (text.count(needle), text.split(needle).count(b"a" * position))
            for threads in (1, 2):
                got = (
                    textops.substring_count(text, needle, threads=threads),
                    textops.word_count(text, b"a" * position, sep=needle, threads=threads),
                )
                assert_exact(got, expected, threads=threads, needle=needle, position=position)


# Texts dense with matches: every start is a candidate, matches end to end.
@pytest.mark.parametrize(
    "needle",
    [
        b"a",
        b"aa",
        b"aaa",
        b"aba",
        b"aaaaa",
        b"a" * 64,
        b"a" * 65,
        b"a" * 300,
        b"ab" * 40,
        b"a" * 100 + b"b",
    ],
)
def test_periodic_text_self_overlapping_needles(needle, search_backend, set_min_chunk):
    """Counts, split(sep) and frequencies of needles that overlap themselves in
    periodic texts, in one piece and cut in pieces of 7 bytes; texts of 64 KB
    and more dense with a needle of one repeated byte are counted run by run."""
    for min_chunk, threads in ((1 << 18, 1), (7, 2)):  # whole, then in pieces
        set_min_chunk(min_chunk)
        for unit in (b"a", b"ab", b"aab"):
            for length in (0, 1, 63, 64, 65, 200, 1000, 5000, 70_001):  # the last, run by run
                body = (unit * (length // len(unit) + 1))[:length]
                for text in (body, body + b"b" + body, needle, needle * 3):
                    got = (
                        textops.substring_count(text, needle, threads=threads),
                        textops.word_count(text, b"", sep=needle, threads=threads),
                        textops.word_count(text, b"a", sep=needle, threads=threads),
                        textops.word_frequencies(text, sep=needle, threads=threads),
                        textops.substring_count(text, text, threads=threads),
                        textops.word_count(text, b"", sep=text or b"a", threads=threads),
                    )
                    expected = (
                        text.count(needle),
                        text.split(needle).count(b""),
                        text.split(needle).count(b"a"),
                        Counter(text.split(needle)),
                        text.count(text),
                        text.split(text or b"a").count(b""),
                    )
                    assert_exact(got, expected, threads=threads, length=length, unit=unit)


# Every line break and its near misses at every place around the 64-byte
# blocks of the vector line search, on every backend.
BREAKS = [*STR_LINE_BREAKS, "\x1f", "\xa0", "\u2027", "\u202f", "\xc2"]


@pytest.mark.parametrize("brk", BREAKS)
def test_line_break_at_every_place_around_blocks(brk, search_backend, set_min_chunk):
    """line_word_counts == [l.split().count(w) for l in t.splitlines()] with one
    line break (or a near miss) at each place of texts of 62-130 characters."""
    for min_chunk, threads, step in ((1 << 18, 1, 1), (5, 2, 7)):  # whole, then in pieces
        set_min_chunk(min_chunk)
        for length in (62, 63, 64, 65, 127, 128, 129, 130):
            for position in range(0, length, step):
                text = ("a " * length)[:position] + brk + "\u201ca a" + "a" * length
                for t, w in ((text, "a"), (text.encode(), b"a")):
                    expected = [line.split().count(w) for line in t.splitlines()]
                    got = textops.line_word_counts(t, w, threads=threads)
                    assert_exact(got, expected, brk=brk, position=position, threads=threads)


# Whole-token candidates are judged by their neighbour bytes in the vector
# backends: every kind of whitespace and non-whitespace on either side.
NEIGHBOURS = [
    " ",
    "\t",
    "\r",
    "\x0b",
    "\x1c",
    "\x1f",
    "\x85",
    "\xa0",
    "\u1680",
    "\u2000",
    "\u200b",
    "\u2028",
    "\u3000",
    "a",
    "!",
    "\x00",
    "\x21",
    "é",
    "\U0001f600",
]


@pytest.mark.parametrize("word", ["a", "ab", "abc", "abcd"])
def test_whole_tokens_beside_every_neighbour(word, search_backend):
    """split().count(word) where the word stands beside each neighbour, at
    every offset in texts longer than the widest vector."""
    for left in NEIGHBOURS:
        for right in NEIGHBOURS:
            for offset in range(4):
                text = "x" * offset + (left + word + right) * 30
                for t, w in ((text, word), (text.encode(), word.encode())):
                    expected = t.split().count(w)
                    got = textops.word_count(t, w, threads=1)
                    assert_exact(got, expected, left=left, right=right, offset=offset)


# --------------------------------------------------------------------------
# Single-text functions, big inputs and the default chunk size
# --------------------------------------------------------------------------


@BY_ALPHABET
@settings(max_examples=BIG_EXAMPLES)
@given(data=st.data())
def test_word_count_big_text_matches_reference(alphabet, data):
    """Texts of 0.3-1.2 M units cross the default chunk threshold."""
    _check_word_count(data.draw(cases(alphabet, text_strategy=big_texts(alphabet)), label="case"))


@BY_ALPHABET
@settings(max_examples=BIG_EXAMPLES)
@given(data=st.data())
def test_substring_count_big_text_matches_reference(alphabet, data):
    """substring_count on texts that cross the default chunk threshold."""
    _check_substring_count(
        data.draw(cases(alphabet, with_sep=False, text_strategy=big_texts(alphabet)), label="case")
    )


@BY_ALPHABET
@settings(max_examples=BIG_EXAMPLES)
@given(data=st.data())
def test_line_word_counts_big_text_matches_reference(alphabet, data):
    """line_word_counts on texts that cross the default chunk threshold."""
    _check_line_word_counts(
        data.draw(cases(alphabet, lines=True, text_strategy=big_texts(alphabet)), label="case")
    )


BIG_PATTERNS = [
    # (fragment, repeats, needle, sep): needles that straddle every boundary.
    ("a", 700_001, "aa", None),
    ("a", 700_001, "aaa", None),
    ("ab", 400_001, "aba", None),
    ("a", 700_001, "", "aa"),
    ("a", 700_001, "a", "aa"),
    ("a ", 400_001, "a", None),
    ("é", 400_001, "éé", None),
    ("世 ", 300_001, "世", None),
    ("a\u3000", 300_001, "a", None),
    ("a\r\n", 300_001, "a", None),
    ("\U0001f600\ud800", 200_001, "\ud800\U0001f600", None),
    (b"a", 700_001, b"aa", None),
    (b"ab", 400_001, b"aba", None),
    (b"a\r\n", 300_001, b"a", None),
    (b"a\xc2\xa0", 300_001, b"a", None),
    # Needles longer than the 64 bytes the vector filters handle.
    ("a", 700_001, "a" * 65, None),
    ("ab", 400_001, "ab" * 40, None),
    ("é", 400_001, "é" * 40, None),
    (b"a", 700_001, b"", b"a" * 65),
    (b"ab", 400_001, b"ab" * 50, b"ab" * 33),
]


@pytest.mark.parametrize("fragment, repeats, needle, sep", BIG_PATTERNS)
def test_big_periodic_text_matches_reference(fragment, repeats, needle, sep):
    """Periodic texts where chunk boundaries always cut a match or a separator."""
    text = fragment * repeats
    expected = (
        text.split(sep).count(needle),
        text.count(needle),
        [line.split(sep).count(needle) for line in text.splitlines()],
    )
    assert_all_threads(
        lambda threads: (
            textops.word_count(text, needle, sep=sep, threads=threads),
            textops.substring_count(text, needle, threads=threads),
            textops.line_word_counts(text, needle, sep=sep, threads=threads),
        ),
        expected,
    )


# --------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------


def _check_word_batch(batch: BatchCase) -> None:
    expected = [
        text.split(batch.sep).count(word) for text, word in pairs(batch.texts, batch.needle_list())
    ]
    with Buffers() as convert:
        bodies, words = batch.arguments(convert)
        sep = batch.sep
        assert_all_threads(
            lambda threads: textops.parallel_word_count(bodies, words, sep=sep, threads=threads),
            expected,
        )
        assert_exact(
            textops.sequential_word_count(bodies, words, sep=sep), expected, sequential=True
        )


def _check_substring_batch(batch: BatchCase) -> None:
    expected = [text.count(sub) for text, sub in pairs(batch.texts, batch.needle_list())]
    with Buffers() as convert:
        bodies, subs = batch.arguments(convert)
        assert_all_threads(
            lambda threads: textops.parallel_substring_count(bodies, subs, threads=threads),
            expected,
        )


@pytest.mark.parametrize(
    "words, sep",
    [("a", None), (b"a", None), ("a", ","), (b"a", b","), ([], None), ([], ","), ([], b",")],
    ids=repr,
)
def test_empty_word_batch_is_empty_list(words, sep):
    """An empty batch gives [] whatever the kind of the single word or sep."""
    expected = [text.split(sep).count(word) for text, word in pairs([], [words] * 0)]
    assert_exact(textops.parallel_word_count([], words, sep=sep), expected)
    assert_exact(textops.sequential_word_count([], words, sep=sep), expected)


@pytest.mark.parametrize("subs", ["a", b"a", 97, []], ids=repr)
def test_empty_substring_batch_is_empty_list(subs):
    """An empty batch gives [] whatever the kind of the single sub."""
    expected = [text.count(sub) for text, sub in pairs([], [subs] * 0)]
    assert_exact(textops.parallel_substring_count([], subs), expected)


@BY_ALPHABET
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_word_batches_match_reference(alphabet, data, min_chunk, set_min_chunk):
    """parallel_/sequential_word_count == [t.split(sep).count(w) for t, w in ...]."""
    set_min_chunk(min_chunk)
    _check_word_batch(data.draw(batch_cases(alphabet), label="batch"))


@BY_ALPHABET
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_substring_batches_match_reference(alphabet, data, min_chunk, set_min_chunk):
    """parallel_substring_count == [t.count(s) for t, s in ...]."""
    set_min_chunk(min_chunk)
    _check_substring_batch(data.draw(batch_cases(alphabet, with_sep=False), label="batch"))


@BY_ALPHABET
@settings(max_examples=BIG_EXAMPLES)
@given(data=st.data())
def test_word_batches_with_one_big_text_match_reference(alphabet, data):
    """A batch where one text alone crosses the default chunk threshold."""
    batch = data.draw(
        batch_cases(alphabet, max_texts=8, big_text=big_texts(alphabet)), label="batch"
    )
    _check_word_batch(batch)


@BY_ALPHABET
@settings(max_examples=BIG_EXAMPLES)
@given(data=st.data())
def test_substring_batches_with_one_big_text_match_reference(alphabet, data):
    """parallel_substring_count where one text crosses the default threshold."""
    batch = data.draw(
        batch_cases(alphabet, with_sep=False, max_texts=8, big_text=big_texts(alphabet)),
        label="batch",
    )
    _check_substring_batch(batch)


@given(
    bodies=st.lists(texts(BYTES, max_pieces=20), max_size=10),
    data=st.data(),
    min_chunk=SMALL_MIN_CHUNKS,
)
def test_substring_batches_with_int_subs_match_reference(bodies, data, min_chunk, set_min_chunk):
    """Int subs in a bytes batch, one per text or a single one for all."""
    set_min_chunk(min_chunk)
    byte = st.integers(0, 255)
    subs = data.draw(
        st.lists(byte, min_size=len(bodies), max_size=len(bodies)) | byte, label="subs"
    )
    per_text = subs if isinstance(subs, list) else [subs] * len(bodies)
    expected = [text.count(sub) for text, sub in pairs(bodies, per_text)]
    assert_all_threads(
        lambda threads: textops.parallel_substring_count(bodies, subs, threads=threads), expected
    )


@given(text=texts(STR, max_pieces=40), min_chunk=SMALL_MIN_CHUNKS)
def test_empty_substring_counted_in_shares(text, min_chunk, set_min_chunk):
    """``text.count("")`` (len + 1, in code points) is counted in shares of
    any bytes like the other counts, one share per thread or per few MB on
    one thread (where the stop flag is looked at between them)."""
    set_min_chunk(min_chunk)
    assert_all_threads(
        lambda threads: textops.substring_count(text, "", threads=threads), text.count("")
    )
    assert_all_threads(
        lambda threads: textops.parallel_substring_count([text, text * 2], "", threads=threads),
        [text.count(""), (text * 2).count("")],
    )


def test_empty_substring_of_a_text_above_the_check_size():
    """The same on one thread for a text cut into shares of at most a few MB."""
    text = "é€😀a" * (1 << 20)  # 10 MB of UTF-8
    assert_exact(textops.substring_count(text, "", threads=1), len(text) + 1)


@settings(max_examples=max(10, settings().max_examples // 8))
@given(
    runs=st.lists(st.integers(0, 300), min_size=1, max_size=12),
    cut=st.sampled_from((" ", "\n", "b", "\r\n")),
    min_chunk=SMALL_MIN_CHUNKS,
    as_bytes=st.booleans(),
)
def test_texts_with_few_cuts(runs, cut, min_chunk, as_bytes, set_min_chunk, search_backend):
    """Long runs that no cut splits, with a rare whitespace, line break or
    separator between them: many shares hold no cut, and the cuts one share
    finds are kept for the earlier shares (batch.c, shares.c). Every count
    is still Python's, on every backend and thread count."""
    set_min_chunk(min_chunk)
    text = cut.join("a" * n for n in runs)
    word, sep = "aaa", "b"
    if as_bytes:
        text, word, sep = text.encode(), word.encode(), sep.encode()
    empty = text[:0]
    for threads in THREAD_COUNTS:
        context = (threads, search_backend, min_chunk)
        assert textops.word_count(text, word, threads=threads) == text.split().count(word), context
        assert textops.word_count(text, word, sep=sep, threads=threads) == text.split(sep).count(
            word
        ), context
        assert textops.word_count(text, empty, sep=word, threads=threads) == text.split(word).count(
            empty
        ), context
        assert textops.substring_count(text, word, threads=threads) == text.count(word), context
        assert textops.line_word_counts(text, word, threads=threads) == [
            line.split().count(word) for line in text.splitlines()
        ], context
        assert (
            textops.parallel_word_count([text, text], word, threads=threads)
            == [text.split().count(word)] * 2
        ), context
        assert list(textops.word_frequencies(text, sep=sep, threads=threads).items()) == list(
            Counter(text.split(sep)).items()
        ), context
        assert textops.word_counts(text, [word, word[:1]], threads=threads) == {
            w: text.split().count(w) for w in (word, word[:1])
        }, context
