"""Probes chosen from the text (issue 12).

The vector filter tests the needle bytes that are rarest in a sample of the
text searched (a few KB spread over it; a text under 64 KB keeps a fixed
table). The choice only changes speed: these tests check that the counts
stay exactly Python's on non-English text whatever the sample says, on
every backend, thread count and chunk size, for str, UTF-8 bytes and the
2- and 4-byte forms of the same text, and that the choice is deterministic
and learnt from the text.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textops
from textops import _core

# The shortest text whose probes come from a sample (TX_TUNE_MIN).
TUNE_MIN = 64 * 1024

# Words of several scripts: 2-byte (Cyrillic, Greek, Persian), 3-byte
# (Devanagari, CJK), Latin with accents, and ASCII.
POOL = (
    "князь то не на Лизавета Рогожин Настасья",
    "το να σήμερον Ιωάννα οίτινες",
    "از را در هزاران آفتاب",
    "वा तु एव जायते कृत्वा",
    "的 是 一 不 了 京都 東京",
    "de la según también después Dulcinea",
    "the of whale Valjean",
)
WORDS = tuple(" ".join(POOL).split())
GAPS = (" ", "  ", "\n", ", ", ". ", "\u3000", "\t")

ENCODINGS = ("str", "utf-8", "utf-16-le", "utf-32-le")


def encode(text: str, encoding: str) -> str | bytes:
    """``text`` as a str, or as bytes in ``encoding`` (any bytes: the
    UTF-16 and UTF-32 forms are the storage the str counts will search)."""
    return text if encoding == "str" else text.encode(encoding)


@st.composite
def big_texts(draw) -> str:
    """Non-English text of about 70-200 KB of UTF-8: a drawn run of words
    repeated, between a drawn prefix and suffix, so that the samples and
    the chunk cuts fall anywhere in it."""
    pieces = st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)).map("".join),
        min_size=1,
        max_size=60,
    ).map("".join)
    prefix, fragment, suffix = draw(pieces), draw(pieces), draw(pieces)
    size = draw(st.integers(70_000, 200_000))
    times = size // len(fragment.encode()) + 1
    return prefix + fragment * times + suffix


@st.composite
def needles_in(draw, text: str) -> str:
    """A slice of the text (1 to 12 characters, or up to 80: past the 64
    bytes the vector filters take), a pool word, or a self-overlapping run."""
    start = draw(st.integers(0, len(text) - 1))
    length = draw(st.one_of(st.integers(1, 12), st.integers(13, 80)))
    return draw(
        st.one_of(
            st.just(text[start : start + length]),
            st.sampled_from(WORDS),
            st.sampled_from(("аааа", "αα", "्", "ा", "  ")),
        )
    )


@st.composite
def cases(draw) -> tuple[str, str, str]:
    text = draw(big_texts())
    return text, draw(needles_in(text)), draw(st.sampled_from(ENCODINGS))


# Tiny chunks: every piece under TUNE_MIN, the fixed table; large ones:
# pieces of their own over it.
CHUNKS = (7, 70_000)


@given(case=cases())
def test_counts_exact_on_every_backend(case, search_backend, set_min_chunk):
    """substring_count, word_count and the batch count are str.count,
    split().count and their lists, whatever the probes."""
    text, needle, encoding = case
    t, w = encode(text, encoding), encode(needle, encoding)
    expected = t.count(w)
    expected_words = t.split().count(w) if encoding in ("str", "utf-8") else None
    halves = [t[: len(t) // 2], t, t[len(t) // 3 :]]
    expected_batch = [h.count(w) for h in halves]
    for chunk in CHUNKS:
        set_min_chunk(chunk)
        for threads in (1, 2, 3):
            context = dict(encoding=encoding, needle=needle, chunk=chunk, threads=threads)
            assert textops.substring_count(t, w, threads=threads) == expected, context
            if expected_words is not None:
                assert textops.word_count(t, w, threads=threads) == expected_words, context
            got = textops.parallel_substring_count(halves, w, threads=threads)
            assert got == expected_batch, context


@given(text=big_texts(), word=st.sampled_from(WORDS))
def test_word_rules_exact(text, word, search_backend):
    """The \\w rule (the scan's word edges) with probes from the text."""
    import re

    expected = re.findall(r"\w+", text).count(word)
    for threads in (1, 2, 3):
        assert textops.word_count(text, word, pattern=r"\w+", threads=threads) == expected


def _cyrillic_text(size: int = 100_000) -> bytes:
    unit = "князь сказал то, что не знал; он на неё смотрел. ".encode()
    return unit * (size // len(unit) + 1)


def test_choice_is_learnt_from_the_text():
    """In Cyrillic text the two bytes every letter shares (0xD0, 0xD1) are
    the commonest: the fast test probes the letters' second bytes."""
    text = _cyrillic_text()
    needle = "Лизавета".encode()
    quiet, at = _core.probes(text, needle)
    assert quiet in (2, 3)
    assert len(set(at)) == 4
    assert all(needle[i] not in (0xD0, 0xD1) for i in at[:quiet])


def test_choice_is_deterministic():
    """The same bytes give the same choice, wherever they are in memory;
    a text under 64 KB keeps the fixed table, whatever its bytes."""
    text = _cyrillic_text()
    for needle in ("Лизавета".encode(), "то".encode(), b"the whale", bytes(range(1, 60))):
        first = _core.probes(text, needle)
        assert _core.probes(bytes(bytearray(text)), needle) == first
        assert _core.probes(text, needle) == first
        small = text[: TUNE_MIN - 1]
        assert _core.probes(small, needle) == _core.probes(b"", needle)
    assert _core.probes(text, b"x") == (0, [0, 0, 0, 0])
    assert _core.probes(text, b"x" * 65) == (0, [0, 0, 0, 0])


def sample_slices(n: int) -> list[tuple[int, int]]:
    """Where the sample of an n-byte text lies (search.c: 16 slices spread
    evenly, in all 1/512 of the text and at most 4 KB). Only the tests
    below use it, to build texts whose sample misleads; were the layout to
    change they would still check exact counts."""
    budget = min(4096, n // 512)
    slice_ = budget // 16
    gap = (n - slice_) // 15
    return [(j * gap, j * gap + slice_) for j in range(16)]


def misleading(n: int, inside: bytes, outside: bytes) -> bytes:
    """An n-byte text that is ``outside`` repeated, but ``inside`` where
    the sample is."""
    text = bytearray((outside * (n // len(outside) + 1))[:n])
    for a, b in sample_slices(n):
        text[a:b] = (inside * ((b - a) // len(inside) + 1))[: b - a]
    return bytes(text)


NEEDLES = (b"qz", b"qzq", b"q!z~", b"qz!~q", b"q!z~qz", b"q!z~qz!~", b"q!z~qz!~q!z", b"q" * 5)


@pytest.mark.parametrize("needle", NEEDLES)
def test_misleading_samples_stay_exact(needle, search_backend):
    """A byte rare in the sample but everywhere elsewhere ('q'), and the
    reverse: the probes are then the worst ones, the counts still exact."""
    n = 1 << 20
    frequent_q = b"qq!q~z q!z~qz!~q q!z~qz!~q!z qzqz"  # matches and near misses
    no_q = b"z!~ z! ~z"
    cases_ = {
        "rare in the sample": misleading(n, no_q, frequent_q),
        "frequent in the sample": misleading(n, frequent_q, no_q),
    }
    quiet, at = _core.probes(cases_["rare in the sample"], b"q!z~")
    assert at[0] == 0  # the sample saw no 'q': the fast test probes it
    for name, text in cases_.items():
        expected = text.count(needle)
        expected_words = text.split().count(needle)
        for threads in (1, 2, 3):
            context = dict(case=name, needle=needle, threads=threads)
            assert textops.substring_count(text, needle, threads=threads) == expected, context
            assert textops.word_count(text, needle, threads=threads) == expected_words, context
            halves = [text[: n // 2], text[n // 2 :]]
            got = textops.parallel_substring_count(halves, needle, threads=threads)
            assert got == [h.count(needle) for h in halves], context


def test_text_rewritten_during_the_sample_and_count():
    """A bytearray rewritten by another thread while it is sampled and
    counted: any count may come back (the text changed), but every call
    returns, and once the text is left alone the count is exact again."""
    text = bytearray(_cyrillic_text(3_000_000))
    needle = "то".encode()
    stop = threading.Event()

    def rewrite() -> None:
        flip = 0
        while not stop.is_set():
            flip ^= 1
            for at in range(0, len(text), 4099):
                text[at] = 0xD1 if flip else 0x20

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        for _ in range(20):
            got = textops.substring_count(text, needle, threads=2)
            assert 0 <= got <= len(text) // len(needle)
    finally:
        stop.set()
        writer.join()
    assert textops.substring_count(text, needle, threads=2) == bytes(text).count(needle)


# --- the non-English books, when present -----------------------------------

# Per book: a rare word (at most 1 per 10 KB) and a frequent two-letter one.
BOOK_WORDS = {
    "russian_idiot": ("Лизавета", "то"),
    "greek_papissa_ioanna": ("σήμερον", "το"),
    "persian_masnavi": ("هزاران", "از"),
    "sanskrit_garuda_purana": ("जायते", "वा"),
    "spanish_don_quijote": ("según", "de"),
}


def _books() -> list[Path]:
    where = os.environ.get("TEXTOPS_CORPUS_INTL", "")
    return sorted(Path(where).glob("*.txt")) if where else []


@pytest.mark.skipif(not _books(), reason="set TEXTOPS_CORPUS_INTL to the non-English books")
@pytest.mark.parametrize("path", _books(), ids=lambda p: p.stem)
def test_books_exact(path, search_backend):
    """Each book as bytes and as str: its words, and slices of it."""
    text = path.read_text(encoding="utf-8")
    words = [*BOOK_WORDS.get(path.stem, ()), text[1000:1002], text[5000:5009], text[9000:9070]]
    for encoding in ENCODINGS:
        t = encode(text, encoding)
        for word in words:
            w = encode(word, encoding)
            expected = t.count(w)
            for threads in (1, 3):
                got = textops.substring_count(t, w, threads=threads)
                assert got == expected, (encoding, word, threads)
