"""Strict UTF-8 validation (csrc/utf8.c and its vector kernels) against
Python's decoder: the offset of the first error is ``bytes.decode("utf-8")``'s
``UnicodeDecodeError.start``, on every backend, thread count and share size,
whatever the place of the error in a vector block; and the files path, which
raises Python's own error with file offsets."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textops
from strategies import SMALL_MIN_CHUNKS
from textops import _core
from textops._validate import token_rule

# Every kind of error of the strict codec, each as bytes that are invalid
# wherever they stand (a truncated sequence is followed by ASCII or ends the
# text).
BAD = {
    "stray 80": b"\x80",
    "stray bf": b"\xbf",
    "overlong 2 c0": b"\xc0\x80",
    "overlong 2 c1": b"\xc1\xbf",
    "overlong 3": b"\xe0\x80\x80",
    "overlong 3 top": b"\xe0\x9f\xbf",
    "overlong 4": b"\xf0\x80\x80\x80",
    "overlong 4 top": b"\xf0\x8f\xbf\xbf",
    "surrogate low": b"\xed\xa0\x80",
    "surrogate high": b"\xed\xbf\xbf",
    "above 10ffff": b"\xf4\x90\x80\x80",
    "lead f5": b"\xf5\x80\x80\x80",
    "lead f8": b"\xf8\x88\x80\x80\x80",
    "lead ff": b"\xff",
    "cut 2": b"\xc3",
    "cut 3": b"\xe2\x82",
    "cut 4": b"\xf0\x9f\x98",
    "cut 4 of 4": b"\xf4\x8f\xbf",
    "lead after lead": b"\xe2\xe2\x82\xac",
    "four continuations": b"\xf0\x9f\x98\x80\x80",
}

# Valid characters of every length, the edges of each range included.
GOOD = [
    "a",
    " ",
    "\x7f",
    "\x80",
    "é",
    "\u07ff",
    "\u0800",
    "€",
    "\ud7ff",
    "\ue000",
    "\uffff",
    "\U00010000",
    "😀",
    "\U0010ffff",
    "ж",
    "क्ष",
]


def python_error(data: bytes) -> int:
    """Where Python's strict decoder first fails on data, or -1."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return -1


def check(data: bytes, threads: int = 1) -> None:
    """The check alone, and fused with a count (``checked_batch``): the
    offset of Python's first error, and Python's count when there is
    none."""
    want = python_error(data)
    assert _core.utf8_check(data, threads) == want
    counts, bad = _core.checked_batch(False, [data], "ж", None, _core.UNICODE, threads)
    assert bad == [want]
    if want < 0:
        assert counts == [data.decode("utf-8").count("ж")]


@pytest.fixture(scope="module")
def backends():
    """Every backend the CPU runs, forced in turn by ``each()``."""
    names = _core.search_backends()

    def each():
        previous = _core.set_search_backend(names[0])
        try:
            for name in names:
                _core.set_search_backend(name)
                yield name
        finally:
            _core.set_search_backend(previous)

    return each


def prefix(kind: str, n: int) -> bytes:
    """n bytes of valid text: ASCII, two-byte Cyrillic, mixed characters of
    every length (cut back to a character end, then padded with ASCII)."""
    if kind == "ascii":
        return (b"the whale " * (n // 10 + 1))[:n]
    unit = "жизнь " if kind == "cyrillic" else "a€😀é\U0010ffff\u0800 "
    data = (unit * (n // 4 + 1)).encode()[:n]
    while python_error(data) >= 0:
        data = data[:-1]
    return data + b"x" * (n - len(data))


@pytest.mark.parametrize("kind", ["ascii", "cyrillic", "mixed"])
def test_every_error_at_every_offset(backends, kind):
    """Each kind of error after 0..300 bytes (every place in a 64-byte
    vector and across the 256-byte blocks), in the middle and at the end."""
    for _ in backends():
        for bad in BAD.values():
            for n in range(301):
                head = prefix(kind, n)
                check(head + bad + b" tail")
                check(head + bad)
                check(head + bad + "ж€".encode())


def test_valid_texts_of_every_length(backends):
    rnd = random.Random(12)
    for _ in backends():
        for n in range(300):
            text = "".join(rnd.choice(GOOD) for _ in range(n)).encode()
            check(text)
            check(text[: len(text) // 2])  # maybe cut inside a character


@st.composite
def texts(draw) -> bytes:
    """Valid characters in runs, with up to three errors (or none) put
    anywhere, even inside a character."""
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(GOOD),
                st.text(min_size=1, max_size=80),
                st.sampled_from(["a" * 64, "ж" * 40, "the whale " * 30]),
            ),
            max_size=30,
        )
    )
    data = "".join(parts).encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        bad = draw(st.one_of(st.sampled_from(list(BAD.values())), st.binary(max_size=4)))
        data = data[:at] + bad + data[at:]
    return data


@given(data=texts(), threads=st.sampled_from([1, 2, 3]), min_chunk=SMALL_MIN_CHUNKS)
def test_differential(search_backend, set_min_chunk, data, threads, min_chunk):
    set_min_chunk(min_chunk)
    check(data, threads)


@given(data=st.binary(max_size=300), threads=st.sampled_from([1, 2, 3]), min_chunk=SMALL_MIN_CHUNKS)
def test_random_bytes(search_backend, set_min_chunk, data, threads, min_chunk):
    set_min_chunk(min_chunk)
    check(data, threads)


@pytest.mark.parametrize("kind", ["ascii", "cyrillic", "mixed"])
def test_large_texts_and_share_edges(backends, set_min_chunk, kind):
    """A 3 MB text cut in shares (default and tiny minimum chunks), an
    error just before, at and after each share's start and in every place
    of a block there."""
    body = prefix(kind, 3 << 20)
    check(body)
    rnd = random.Random(kind)
    for _ in backends():
        for min_chunk in (1 << 18, 4096):
            set_min_chunk(min_chunk)
            for threads in (1, 2, 3):
                check(body, threads)
                for edge in (len(body) // 2, len(body) // 3, 2 * len(body) // 3):
                    for delta in (-5, -1, 0, 1, 3, 63, 64, 255, 256):
                        at = edge + delta
                        bad = rnd.choice(list(BAD.values()))
                        check(body[:at] + bad + body[at:], threads)
                check(body + b"\xe2\x82", threads)
                check(b"\x80" + body, threads)


def test_stretches_of_the_stop_checks(backends):
    """Texts over TX_CHECK_BYTES (8 MiB): a character, valid or not, cut by
    the end of a stretch is judged whole."""
    stretch = 8 << 20
    for lead in (b"\xf0\x9f\x98\x80", b"\xe2\x82\xac", b"\xf0\x9f\x98", b"\xed\xa0\x80"):
        for back in (1, 2, 3):
            data = b"a" * (stretch - back) + lead + b"b" * 100
            want = python_error(data)
            for _ in backends():
                assert _core.utf8_check(data, 1) == want


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name", ["stray 80", "surrogate low", "above 10ffff", "cut 4", "overlong 2 c0"]
)
def test_files_raise_pythons_error(tmp_path, backends, name):
    """file_* functions on large files with an error: the UnicodeDecodeError
    of ``Path(path).read_bytes().decode("utf-8")``, offsets included."""
    bad = BAD[name]
    body = prefix("mixed", 2_500_000)
    for at in (0, 1_000_003, len(body)):
        data = body[:at] + bad + body[at:]
        path = write(tmp_path, "bad.txt", data)
        with pytest.raises(UnicodeDecodeError) as python:
            data.decode("utf-8")
        want = python.value
        for _ in backends():
            for threads in (1, 2):
                for call in (
                    lambda: textops.file_substring_count(path, "a", threads=threads),
                    lambda: textops.file_word_count(path, "a", threads=threads),
                    lambda: textops.file_word_frequencies(path, threads=threads),
                ):
                    with pytest.raises(UnicodeDecodeError) as info:
                        call()
                    got = info.value
                    assert (got.encoding, got.start, got.end) == (
                        want.encoding,
                        want.start,
                        want.end,
                    )
                    assert got.reason.startswith(want.reason)
                    assert f"byte offset {want.start} of file {str(path)!r}" in got.reason
                    assert got.object == data[: want.end]


def test_valid_large_file_counts(tmp_path, backends):
    text = "жизнь и смерть € 😀 " * 200_000
    path = write(tmp_path, "good.txt", text.encode())
    for _ in backends():
        for threads in (1, 2):
            assert textops.file_substring_count(path, "жизнь", threads=threads) == text.count(
                "жизнь"
            )


# The word queries of the fused path: (sep, pattern, lowercase), and how
# Python counts them on the decoded text.
RULES = [
    (None, None, False, lambda t, w: t.split().count(w)),
    (" ", None, False, lambda t, w: t.split(" ").count(w)),
    ("ж", None, False, lambda t, w: t.split("ж").count(w)),
    (None, None, True, lambda t, w: t.lower().split().count(w)),
    (" ", None, True, lambda t, w: t.lower().split(" ").count(w)),  # checked, then counted
    (None, r"\w+", False, lambda t, w: re.findall(r"\w+", t).count(w)),
]


@given(
    data=texts(),
    word=st.sampled_from(["ж", "a", "the", "😀", "жизнь", "a€", " ", ""]),
    rule=st.sampled_from(range(len(RULES))),
    threads=st.sampled_from([1, 2, 3]),
    min_chunk=SMALL_MIN_CHUNKS,
)
def test_fused_check_and_count(search_backend, set_min_chunk, data, word, rule, threads, min_chunk):
    """The check fused with a count, over several texts at once (each its
    own first error), blocks and shares as small as the minimum chunk: the
    offsets of Python's decoder, and where a text is valid, Python's
    count of the word (a substring; a word of each rule)."""
    set_min_chunk(min_chunk)
    sep, pattern, lowercase, count = RULES[rule]
    valid = data.decode("utf-8", "replace").encode()
    items = [data, valid, b"", data[: len(data) // 2]]
    want = [python_error(d) for d in items]
    subs, bad = _core.checked_batch(False, items, word, None, _core.UNICODE, threads)
    assert bad == want
    assert [n for n, w in zip(subs, want) if w < 0] == [
        d.decode().count(word) for d, w in zip(items, want) if w < 0
    ]
    if word == "":
        return  # an empty word is counted as a str would count it (test_differential)
    mode = _core.UNICODE | token_rule(pattern, lowercase, sep, _core.UNICODE, "the texts")
    words, bad = _core.checked_batch(True, items, word, sep, mode, threads)
    assert bad == want
    assert [n for n, w in zip(words, want) if w < 0] == [
        count(d.decode(), word) for d, w in zip(items, want) if w < 0
    ]


def test_fused_blocks_of_a_large_file(tmp_path, backends, set_min_chunk):
    """A 3 MB file of mixed characters whose words straddle the fused
    blocks (512 KB, and 8 KB with a small minimum chunk): exact counts,
    and an error in the last block reported with the earlier blocks
    clean."""
    text = ("жизнь a€😀 смерть\nthe whale " * 120_000)[: 3 << 20]
    path = write(tmp_path, "blocks.txt", text.encode())
    for _ in backends():
        for min_chunk in (1 << 18, 4096):
            set_min_chunk(min_chunk)
            for threads in (1, 2, 3):
                for w in ("жизнь", "a€😀", "the whale", "ь a"):
                    assert textops.file_substring_count(path, w, threads=threads) == text.count(w)
                    assert textops.file_word_count(path, w, threads=threads) == (
                        text.split().count(w)
                    )
    data = text.encode()[:-10] + b"\xed\xa0\x80" + text.encode()[-10:]
    path = write(tmp_path, "late.txt", data)
    for threads in (1, 2):
        with pytest.raises(UnicodeDecodeError) as info:
            textops.file_substring_count(path, "a", threads=threads)
        assert info.value.start == python_error(data)


# A rare word in non-ASCII text: the fused check notes the 256-byte windows
# where the word's two rarest bytes never both stand at their offsets, and
# the count passes those windows untested (tx_quiet_map). Occurrences are
# planted at window edges, across them, at the ends and as near misses.
QUIET_FILLER = "и с, на — по «от» кому\n"
QUIET_WORDS = ["Настасья", "жизнь", "a€😀", "θεός"]


@given(
    places=st.lists(st.integers(0, 60_000), max_size=12),
    edge=st.sampled_from([0, 1, 7, 200, 250, 255]),
    word=st.sampled_from(QUIET_WORDS),
    threads=st.sampled_from([1, 2, 3]),
    min_chunk=st.sampled_from([1024, 2048, 4096, 1 << 18]),
    miss=st.booleans(),
)
def test_fused_count_passes_quiet_windows(
    search_backend, set_min_chunk, places, edge, word, threads, min_chunk, miss
):
    """The fused check and count of a rare word over texts of 60 KB whose
    occurrences sit at, across and between the check's windows and blocks:
    Python's counts (substring, split(), \\w+), every backend."""
    set_min_chunk(min_chunk)
    data = bytearray((QUIET_FILLER * 3000).encode()[:60_000])
    w = word.encode()
    near = w[:-1] + (b"\x80" if w[-1] != 0x80 else b"\x81")  # the last byte differs
    for place in places:
        at = place - place % 256 + edge  # a window's edge, or past it by `edge`
        at = min(at, len(data) - len(w))
        while at > 0 and data[at] & 0xC0 == 0x80:  # a character's start
            at -= 1
        data[at : at + len(w)] = near if miss and place % 2 else w
    text = bytes(data).decode("utf-8", "replace").encode()
    cut = len(text) // 3
    while text[cut] & 0xC0 == 0x80:
        cut -= 1
    items = [text, text[:cut], text + w]
    decoded = [d.decode() for d in items]
    subs, bad = _core.checked_batch(False, items, word, None, _core.UNICODE, threads)
    assert bad == [-1, -1, -1]
    assert subs == [d.count(word) for d in decoded]
    for sep, pattern, count in ((None, None, str.split), (None, r"\w+", None)):
        mode = _core.UNICODE | token_rule(pattern, False, sep, _core.UNICODE, "the texts")
        words, _ = _core.checked_batch(True, items, word, sep, mode, threads)
        assert words == [
            (d.split() if count else re.findall(r"\w+", d)).count(word) for d in decoded
        ]
