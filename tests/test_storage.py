"""Counting in CPython's own string storage (README: "Every language").

CPython stores a str in 1, 2 or 4 bytes a code point (PEP 393: Latin-1,
UCS-2 or UCS-4, the narrowest that holds its widest character). textops
counts a str's substrings there, the needle written in the text's units,
keeping only the occurrences that start at a unit boundary, and its words
block by block through a small UTF-8 buffer. These tests check both
against Python for every storage kind (forced by a marker character), with
needles wider than the text's kind, alphabets whose bytes match across
unit boundaries (so that misaligned byte matches are frequent), lone
surrogates, every token rule, thread count, backend and chunk size (tiny
chunks make tiny blocks); and that no call leaves a UTF-8 form on the
string.
"""

import sys
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textops
from strategies import STR, rule_line_tokens, rule_seps, rule_tokens, rule_words, rules, texts

# Code points made of the bytes 0x01, 0x02 and 0x61 in every place of a
# unit, so that the byte form of a needle often occurs straddling units.
_BYTES = (0x01, 0x02, 0x61)
ALPHABETS = {
    "latin1": "a\x01\x02 é\xff",
    "ucs2": "a\x01 " + "".join(chr(lo | hi << 8) for lo in _BYTES for hi in _BYTES) + "\ud801",
    "ucs4": "a\x01 "
    + "".join(chr(lo | mid << 8 | 1 << 16) for lo in _BYTES for mid in _BYTES)
    + "".join(chr(lo | hi << 8) for lo in _BYTES for hi in _BYTES[:2])
    + "\ud801",
}
# One character that forces each kind.
MARKERS = {"ascii": "", "latin1": "\xe9", "ucs2": "\u0101", "ucs4": "\U0001f600"}
EVERY_CHAR = "".join(sorted(set("".join(ALPHABETS.values()) + "".join(MARKERS.values()))))
THREADS = (1, 2, 3)


def kind_of(text: str) -> str:
    """The storage kind CPython chose for text."""
    top = max(text, default="\0")
    return (
        "ascii"
        if top < "\x80"
        else "latin1"
        if top <= "\xff"
        else "ucs2"
        if top <= "\uffff"
        else "ucs4"
    )


@st.composite
def stored_texts(draw, kind: str = "") -> str:
    """A str of the given storage kind (any when empty)."""
    kind = kind or draw(st.sampled_from(sorted(MARKERS)))
    alphabet = ALPHABETS.get(kind, "a\x01\x02 b")
    body = draw(st.text(alphabet=alphabet, max_size=300))
    at = draw(st.integers(0, len(body)))
    text = body[:at] + MARKERS[kind] + body[at:]
    if draw(st.booleans()):  # long runs: periodic text, dense occurrences
        text = text * draw(st.integers(2, 40))
    return text


@st.composite
def needles(draw, text: str) -> str:
    """A slice of text, or any string of the test characters (often wider
    than the text's kind), or empty."""
    choice = draw(st.integers(0, 3))
    if choice == 0 and text:
        a = draw(st.integers(0, len(text) - 1))
        return text[a : a + draw(st.integers(1, 6))]
    if choice == 1:
        return ""
    return draw(st.text(alphabet=EVERY_CHAR, min_size=1, max_size=4))


@given(data=st.data())
def test_substring_count_in_storage(data, set_min_chunk, search_backend):
    text = data.draw(stored_texts())
    sub = data.draw(needles(text))
    set_min_chunk(data.draw(st.sampled_from([1, 2, 3, 7, 64, 1 << 18])))
    expected = text.count(sub)
    for threads in THREADS:
        got = textops.substring_count(text, sub, threads=threads)
        assert got == expected, (kind_of(text), text, sub, threads)


@given(data=st.data())
def test_batch_of_mixed_kinds(data, set_min_chunk):
    texts = data.draw(st.lists(stored_texts(), max_size=8))
    set_min_chunk(data.draw(st.sampled_from([1, 5, 1 << 18])))
    one = data.draw(needles(data.draw(st.sampled_from(texts or [""]))))
    subs = [data.draw(needles(t)) for t in texts]
    for threads in THREADS:
        assert textops.parallel_substring_count(texts, one, threads=threads) == [
            t.count(one) for t in texts
        ]
        got = textops.parallel_substring_count(texts, subs, threads=threads)
        assert got == [t.count(s) for t, s in zip(texts, subs)]


def test_misaligned_bytes_do_not_count():
    # "\u0102\u0304" is 02 01 04 03 in little-endian UCS-2: "\u0401" (01 04)
    # is there as bytes, straddling the two units, but not as a character
    text = "\u0102\u0304" * 1000
    for needle in ("\u0401", "\u0401\u0203", "\u0304\u0102", "\u0102"):
        for threads in THREADS:
            assert textops.substring_count(text, needle, threads=threads) == text.count(needle)
    wide = "\U00010203\U00010203"
    for needle in ("\U00010203", "\u0203", "\u0102", "\U00020301"):
        assert textops.substring_count(wide * 50, needle) == (wide * 50).count(needle)


@pytest.mark.parametrize("kind", sorted(MARKERS))
def test_needle_wider_than_text(kind):
    text = ("ab " + MARKERS[kind]) * 10_000
    for needle in ("\xe9", "\u0101", "\U0001f600", "a\U0001f600", "\ud801", ""):
        assert textops.substring_count(text, needle) == text.count(needle)
        assert textops.parallel_substring_count([text, "x"], needle) == [
            text.count(needle),
            "x".count(needle),
        ]


def test_large_texts_across_shares(set_min_chunk):
    # long enough to be cut into shares on every thread count, with the
    # needle crossing share boundaries in every unit width
    for kind, word in (("latin1", "éa"), ("ucs2", "ā\u0101a"), ("ucs4", "\U0001f600a")):
        text = (f"x{word}y " * 50_000) + MARKERS[kind]
        set_min_chunk(4097)
        for threads in (1, 2, 3, 8):
            assert textops.substring_count(text, word, threads=threads) == text.count(word)
            assert textops.substring_count(text, word[1:], threads=threads) == text.count(word[1:])


@pytest.mark.parametrize("word", ["e", "th", "the", "then"])
def test_short_words_of_two_byte_units_across_count_blocks(word):
    """Short words in two-byte storage are counted in blocks of 65,535
    starts (units.c, 16-bit counters): texts whose matches sit on every
    side of the block edges, each edge crossed by one, and counts past
    65,535 in one block, give str.count's answer on 1, 2 and 3 threads."""
    edge = 65535
    crossing = "".join(
        "\u0101" * (edge - len(word) + k) + word + "\u0101" * (len(word) - k) for k in range(5)
    )
    dense = (word + "\u0101") * (3 * edge // (len(word) + 1))
    packed = word * (3 * edge // len(word)) + "\u0101"  # "e": every start matches
    for text in (crossing, dense, packed, crossing + dense + word):
        for threads in (1, 2, 3):
            assert textops.substring_count(text, word, threads=threads) == text.count(word)


@given(data=st.data())
def test_words_in_storage(data, set_min_chunk, search_backend):
    kind = data.draw(st.sampled_from(sorted(MARKERS)))
    body = data.draw(texts(STR))
    at = data.draw(st.integers(0, len(body)))
    text = body[:at] + MARKERS[kind] + body[at:]
    pattern, lowercase = data.draw(rules(STR))
    sep = data.draw(rule_seps(STR, text, pattern))
    word = data.draw(rule_words(STR, text, pattern, lowercase, sep))
    set_min_chunk(data.draw(st.sampled_from([1, 2, 3, 7, 64, 1 << 18])))
    rule = dict(sep=sep, pattern=pattern, lowercase=lowercase)
    if pattern is not None:
        del rule["sep"]
    expected = rule_tokens(text, pattern, lowercase, sep).count(word)
    lines = [tokens.count(word) for tokens in rule_line_tokens(text, pattern, lowercase, sep)]
    for threads in THREADS:
        assert textops.word_count(text, word, threads=threads, **rule) == expected
        assert textops.line_word_counts(text, word, threads=threads, **rule) == lines
        got = textops.parallel_word_count([text, "x " + text, text], word, threads=threads, **rule)
        assert got == [
            expected,
            rule_tokens("x " + text, pattern, lowercase, sep).count(word),
            expected,
        ]


@given(data=st.data())
def test_many_words_in_storage(data, set_min_chunk, search_backend):
    # word_counts reads a str in its storage too, block by block through a
    # UTF-8 buffer (a lowered split(sep) excepted): every rule, sets
    # of 0 to 70 words, and the same text with a Latin-1 letter in front
    # (a kind at least Latin-1)
    kind = data.draw(st.sampled_from(sorted(MARKERS)))
    body = data.draw(texts(STR))
    at = data.draw(st.integers(0, len(body)))
    text = (body[:at] + MARKERS[kind] + body[at:]) * data.draw(st.sampled_from([1, 1, 50]))
    pattern, lowercase = data.draw(rules(STR))
    sep = data.draw(rule_seps(STR, text, pattern))
    words = data.draw(st.lists(rule_words(STR, text, pattern, lowercase, sep), max_size=70))
    set_min_chunk(data.draw(st.sampled_from([1, 2, 3, 7, 64, 1 << 18])))
    rule = dict(sep=sep, pattern=pattern, lowercase=lowercase)
    if pattern is not None:
        del rule["sep"]
    tokens = Counter(rule_tokens(text, pattern, lowercase, sep))
    latin = Counter(rule_tokens("é " + text, pattern, lowercase, sep))
    for threads in THREADS:
        got = textops.word_counts(text, words, threads=threads, **rule)
        assert got == {w: tokens[w] for w in words}
        got = textops.word_counts("é " + text, words, threads=threads, **rule)
        assert got == {w: latin[w] for w in words}


def test_utf8_of_units_at_every_step_edge(search_backend):
    # the vector writers take 16 (AVX2) or 32 (AVX-512) units a step: each
    # length class of UTF-8 (1, 2, 3 bytes; surrogates as three) at every
    # place of a step, after every ASCII prefix, in 1- and 2-byte storage
    from textops import _core

    specials = ["\x7f", "\x80", "\xff", "\u0100", "\u07ff", "\u0800", "\ud800", "\udfff", "\uffff"]
    for marker in ("\xe9", "\u0101"):
        for ch in specials:
            if marker == "\xe9" and ch > "\xff":
                continue
            for lead in range(70):
                text = "a" * lead + ch + "b" * 40 + ch * 33 + marker
                buf, n = _core._utf8_copy(text)
                want = text.encode("utf-8", "surrogatepass")
                assert _core.ffi.buffer(buf, n)[:] == want, (ch, lead)


def test_long_words_across_blocks(set_min_chunk):
    # blocks of the UTF-8 buffer end after whitespace, a separator or a
    # line break: long texts of every kind cross many of them
    for kind in sorted(MARKERS):
        text = ("привет  мир\n" if kind == "ucs2" else "word  \u00e9t\xe9\r\n") * 30_000 + MARKERS[
            kind
        ]
        for chunk in (5, 1 << 18):
            set_min_chunk(chunk)
            for word, sep in (
                ("мир", None),
                ("word", None),
                ("", " "),
                ("мир\nпривет", " "),
                ("t\xe9", "\u00e9"),
            ):
                for threads in (1, 2, 3):
                    assert textops.word_count(text, word, sep=sep, threads=threads) == text.split(
                        sep
                    ).count(word)
            lines = [ln.split().count("word") for ln in text.splitlines()]
            assert textops.line_word_counts(text, "word") == lines


class Text(str):
    """A str subclass: read in its storage too."""


def test_str_subclasses_and_long_texts():
    text = Text("привет мир " * 300_000)  # past the glue's short-text path
    assert textops.substring_count(text, "мир") == 300_000
    assert textops.parallel_substring_count([text, Text("мир")], "мир") == [300_000, 1]


@pytest.mark.parametrize("kind", sorted(MARKERS))
def test_no_utf8_form_left_on_the_string(kind):
    # a str's size grows by its UTF-8 form once CPython caches one
    short = "word " * 100 + MARKERS[kind]
    long = "word " * 1_000_000 + MARKERS[kind]
    for text in (short, long):
        n = 100 if text is short else 1_000_000
        size = sys.getsizeof(text)
        assert textops.substring_count(text, "word") == n
        textops.substring_count(text, "ord" + MARKERS[kind])
        textops.parallel_substring_count([text, text], "word")
        textops.parallel_substring_count([text], [MARKERS[kind] or "w"])
        assert textops.word_count(text, "word") == n
        assert textops.word_count(text, "word", pattern=r"\w+", lowercase=True) == n
        assert textops.word_count(text, "word", sep=" ") == n
        assert textops.line_word_counts(text, "word") == [n]
        assert textops.parallel_word_count([text, text], "word") == [n, n]
        assert textops.word_frequencies(text)["word"] == n
        assert textops.word_counts(text, ["word", "x"]) == {"word": n, "x": 0}
        assert list(textops.Corpus([text, text]).word_count("word")) == [n, n]
        assert sys.getsizeof(text) == size


@st.composite
def ascii_rich_texts(draw, kind: str) -> str:
    """A str of the given kind mixing its alphabet with ASCII runs of every
    length around the 8 and 32 units the UTF-8 copy writes at a time."""
    parts = draw(
        st.lists(
            st.one_of(
                stored_texts(kind),
                st.integers(1, 70).map(lambda k: ("ab c" * 20)[:k]),
            ),
            max_size=8,
        )
    )
    return "".join(parts) + MARKERS[kind]


@given(data=st.data())
def test_utf8_copy_of_storage(data, set_min_chunk, search_backend):
    # the copy calls that need every token read: sizes and bytes of each
    # share, every share cut the chunk size allows
    from textops import _core

    kind = data.draw(st.sampled_from(["latin1", "ucs2", "ucs4"]))
    text = data.draw(ascii_rich_texts(kind))
    set_min_chunk(data.draw(st.sampled_from([1, 2, 3, 7, 64, 4096])))
    buf, n = _core._utf8_copy(text)
    assert _core.ffi.buffer(buf, n)[:] == text.encode("utf-8", "surrogatepass")
    for threads in THREADS:
        assert textops.word_frequencies(text, threads=threads) == Counter(text.split())


def test_utf8_copy_in_huge_pages(set_min_chunk):
    # a copy of 8 MB or more (units.c TX_HUGE_COPY) goes in memory asked to
    # be huge pages: its bytes, whole (one share) or in shares, across the
    # 2 MB boundaries, and every token counted from it; the last token ends
    # at the copy's last byte
    for kind in ("latin1", "ucs2", "ucs4"):
        unit = "word " * 5 + "ab" + MARKERS[kind] + " é z\u0101 "
        text = unit * (9_000_000 // len(unit.encode("utf-8"))) + "end" + MARKERS[kind]
        assert len(text.encode("utf-8")) > 8 << 20
        expected = Counter(text.split())
        for chunk in (1 << 16, 1 << 26):
            set_min_chunk(chunk)
            for threads in THREADS:
                got = textops.word_frequencies(text, threads=threads)
                assert got == expected, (kind, chunk, threads)
                assert list(got) == list(expected), (kind, chunk, threads)


def test_long_utf8_copy_on_every_thread(set_min_chunk):
    # past the glue's one-thread size: the copy's sizes and bytes are taken
    # in shares on every thread
    for kind in ("latin1", "ucs2", "ucs4"):
        text = ("word " * 7 + "ab" + MARKERS[kind] + " é z ") * 40_000
        for chunk in (4097, 1 << 16):
            set_min_chunk(chunk)
            for threads in THREADS:
                got = textops.word_frequencies(text, threads=threads)
                assert got == Counter(text.split())
