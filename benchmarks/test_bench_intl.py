"""Every language at full speed (issue 12): the UTF-8 bytes of each book, one thread.

Run from the repository root, with the books where the variables say::

    TEXTOPS_CORPUS_INTL=../shared/corpus-intl TEXTOPS_CORPUS=../shared/corpus \\
        python -m pytest benchmarks/test_bench_intl.py --benchmark-only \\
        --benchmark-json=intl.json

Inputs: each ``*.txt`` book of ``$TEXTOPS_CORPUS_INTL`` (skipped when it is
not set), its UTF-8 bytes repeated to at least ``$TEXTOPS_BENCH_INTL_MB``
megabytes (50 by default): the fixture ``book``, one per book; the English
books of ``$TEXTOPS_CORPUS`` joined and repeated the same way (``english``,
skipped when not set). Nothing is copied into the repository.

Words (``WORDS``): per book a rare word (at most one per 10 KB of the book)
and a frequent two-letter word, both from the book itself; "the" on the
English books.

Groups (``benchmark.group``): ``intl[BOOK]`` holds, for that book,
``textops.substring_count(buf, w, threads=1)`` for each word, ``memchr``
(``buf.find`` of a byte the book lacks) and StringZilla
``Str(buf).count(w)`` (non-overlapping, as ``bytes.count``; skipped when not
installed); ``intl[english]`` holds "the". The targets, as ratios of these
in one run: the rare word at 0.7 of memchr or more; both words faster than
StringZilla; the two-letter word at 0.7 of "the" or more. Every benchmark
records ``extra_info`` ``impl``, ``bytes`` and ``word``, and asserts its
count against ``bytes.count``.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import pytest

import textops
from textops._bench import find_corpus_dir

#: Per book (file stem): a rare word, then a frequent two-letter word.
WORDS = {
    "greek_papissa_ioanna": ("σήμερον", "το"),
    "persian_masnavi": ("هزاران", "از"),
    "russian_idiot": ("Лизавета", "то"),
    "sanskrit_garuda_purana": ("जायते", "वा"),
    "spanish_don_quijote": ("según", "de"),
}
ABSENT = b"\x00"


def _mb() -> float:
    value = os.environ.get("TEXTOPS_BENCH_INTL_MB", "")
    try:
        mb = float(value) if value else 50.0
    except ValueError:
        raise pytest.UsageError(f"TEXTOPS_BENCH_INTL_MB={value!r} is not a number") from None
    if not mb > 0:
        raise pytest.UsageError(f"TEXTOPS_BENCH_INTL_MB={value!r} must be above 0")
    return mb


def _repeated(unit: bytes) -> bytes:
    """``unit`` repeated to at least ``_mb()`` megabytes."""
    return unit * -(-int(_mb() * 1e6) // len(unit))


def _books() -> list[Path]:
    where = os.environ.get("TEXTOPS_CORPUS_INTL", "")
    return sorted(Path(where).glob("*.txt")) if where else []


@functools.cache
def _book_bytes(path: Path) -> bytes:
    return _repeated(path.read_bytes())


@pytest.fixture(params=_books() or [None], ids=lambda p: p.stem if p else "none")
def book(request: pytest.FixtureRequest) -> tuple[str, bytes]:
    """(name, UTF-8 bytes of one book repeated to the size), one per book."""
    if request.param is None:
        pytest.skip("set TEXTOPS_CORPUS_INTL to a directory of non-English *.txt books")
    return request.param.stem, _book_bytes(request.param)


@pytest.fixture(scope="session")
def english() -> bytes:
    """The English books joined by newlines, repeated to the size."""
    where = find_corpus_dir()
    if where is None:
        pytest.skip("set TEXTOPS_CORPUS to the English books")
    return _repeated(b"\n".join(p.read_bytes() for p in sorted(where.glob("*.txt"))))


@functools.cache
def _count(buf: bytes, word: bytes) -> int:
    return buf.count(word)


def _info(benchmark: Any, name: str, impl: str, buf: bytes, word: str | None) -> None:
    benchmark.group = f"intl[{name}]"
    benchmark.extra_info.update(impl=impl, bytes=len(buf))
    if word is not None:
        benchmark.extra_info["word"] = word


def _words(name: str) -> tuple[str, ...]:
    if name not in WORDS:
        pytest.skip(f"no words chosen for {name}")
    return WORDS[name]


@pytest.mark.parametrize("which", [0, 1], ids=["rare", "frequent"])
def test_textops(benchmark, book, which):
    """``textops.substring_count(buf, w, threads=1)``."""
    name, buf = book
    word = _words(name)[which]
    w = word.encode()
    _info(benchmark, name, "textops.substring_count", buf, word)
    benchmark.extra_info["threads"] = 1
    assert benchmark(textops.substring_count, buf, w, threads=1) == _count(buf, w)


def test_memchr(benchmark, book):
    """``buf.find`` of a byte the book lacks: memchr over the whole buffer."""
    name, buf = book
    _info(benchmark, name, "memchr", buf, None)
    assert benchmark(buf.find, ABSENT) == -1


@pytest.mark.parametrize("which", [0, 1], ids=["rare", "frequent"])
def test_stringzilla(benchmark, book, which):
    """StringZilla ``Str(buf).count(w)`` (non-overlapping)."""
    sz = pytest.importorskip("stringzilla", reason="stringzilla is an optional peer")
    name, buf = book
    word = _words(name)[which]
    w = word.encode()
    s = sz.Str(buf)
    _info(benchmark, name, "stringzilla", buf, word)
    assert benchmark(s.count, w) == _count(buf, w)


def test_the_english(benchmark, english):
    """The word "the" on the English books, the yardstick of the two-letter words."""
    _info(benchmark, "english", "textops.substring_count", english, "the")
    benchmark.extra_info["threads"] = 1
    assert benchmark(textops.substring_count, english, b"the", threads=1) == _count(english, b"the")
