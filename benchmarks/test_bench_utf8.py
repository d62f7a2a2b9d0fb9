"""UTF-8 validation at memory speed (issue 12): the files of
``$TEXTOPS_CORPUS_INTL`` and ``$TEXTOPS_CORPUS``, each book repeated to
``$TEXTOPS_BENCH_UTF8_MB`` MB (default 50) in a temporary file.

Run from the repository root::

    TEXTOPS_CORPUS=../shared/corpus TEXTOPS_CORPUS_INTL=../shared/corpus-intl \\
        python -m pytest benchmarks/test_bench_utf8.py --benchmark-only

Groups (``benchmark.group``):

- ``utf8-validate[book]``: the UTF-8 check alone (``_core.utf8_check``) on
  the book's bytes, one thread, on each backend the CPU runs (``extra_info``
  ``backend``); bytes / time is the throughput (target: >= 8 GB/s on
  non-ASCII text).
- ``utf8-file[book-word]``: ``file_substring_count(path, w)`` (utf-8, the
  file checked and counted in one pass, block by block), the same file as bytes
  (``file_substring_count(path, w_bytes, encoding=None)``: mapped and
  counted, no check) and ``rg --count-matches -F w path`` (skipped when
  ``rg`` is not on PATH), each a benchmark of its own. The utf-8 benchmark
  also times the three side by side, interleaved (the minimum of
  ``RATIO_ROUNDS`` rounds each, so other load on the machine hits all of
  them alike), and records ``bytes_over_utf8`` (target >= 0.8) and
  ``rg_over_utf8`` (target >= 3) in its ``extra_info``, and prints them.

Words per book, from the book itself: the rare one is the most frequent
word of at least five letters that occurs at most once per 10 KB, the
frequent one the most frequent word of two letters. Every result is
asserted against ``bytes.count`` of the file.
"""

from __future__ import annotations

import mmap
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import textops
from conftest import ripgrep_count  # benchmarks/conftest.py, on pytest's path
from textops import _core

RATIO_ROUNDS = 15
DEFAULT_MB = 50.0


def _books() -> list[Path]:
    """The ``*.txt`` books of both corpora, non-English first."""
    found: list[Path] = []
    for env in ("TEXTOPS_CORPUS_INTL", "TEXTOPS_CORPUS"):
        where = os.environ.get(env, "")
        if where:
            found.extend(sorted(Path(where).glob("*.txt")))
    return found


BOOKS = _books()
PARAMS = [pytest.param(p, id=p.stem) for p in BOOKS] or [
    pytest.param(
        None,
        id="no-corpus",
        marks=pytest.mark.skip(
            reason="set TEXTOPS_CORPUS_INTL and/or TEXTOPS_CORPUS to *.txt books"
        ),
    )
]


def _mb() -> float:
    value = os.environ.get("TEXTOPS_BENCH_UTF8_MB", "")
    try:
        return float(value) if value else DEFAULT_MB
    except ValueError:
        raise pytest.UsageError(f"TEXTOPS_BENCH_UTF8_MB={value!r} is not a number") from None


class Book:
    """A book repeated to the size in a temporary file, its bytes and words."""

    def __init__(self, source: Path, folder: Path) -> None:
        unit = source.read_bytes()
        self.data = unit * max(1, -(-int(_mb() * 1e6) // len(unit)))
        self.path = folder / source.name
        self.path.write_bytes(self.data)
        words = Counter(unit.decode("utf-8").split())
        letters = [(n, w) for w, n in words.items() if w.isalpha()]
        rare = [(n, w) for n, w in letters if len(w) >= 5 and n * 10_000 <= len(unit)]
        two = [(n, w) for n, w in letters if len(w) == 2]
        self.rare = max(rare)[1]
        self.frequent = max(two or [(n, w) for n, w in letters if len(w) <= 2])[1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("utf8-books")


@pytest.fixture(scope="module", params=PARAMS)
def book(request: pytest.FixtureRequest, folder: Path) -> Iterator[Book]:
    """One book at a time on disk (pytest groups the tests by book), its
    file removed after them."""
    made = Book(request.param, folder)
    try:
        yield made
    finally:
        made.path.unlink(missing_ok=True)


def _info(benchmark: Any, group: str, impl: str, nbytes: int, **more: Any) -> None:
    benchmark.group = group
    benchmark.extra_info.update({"impl": impl, "bytes": nbytes, **more})


@pytest.mark.parametrize("backend", _core.search_backends())
def test_utf8_validate(benchmark, book, backend):
    """The check alone, one thread, on the book's bytes in memory."""
    _info(
        benchmark,
        f"utf8-validate[{book.path.stem}]",
        "textops utf8_check",
        len(book.data),
        backend=backend,
        threads=1,
    )
    previous = _core.set_search_backend(backend)
    try:
        assert benchmark(_core.utf8_check, book.data, 1) == -1
    finally:
        _core.set_search_backend(previous)


def _calls(book: Book, word: str) -> dict[str, Callable[[], int]]:
    path, wb = book.path, word.encode()
    calls: dict[str, Callable[[], int]] = {
        "utf8": lambda: textops.file_substring_count(path, word),
        "bytes": lambda: textops.file_substring_count(path, wb, encoding=None),
    }
    if shutil.which("rg") is not None:
        calls["rg"] = lambda: ripgrep_count(path, word)
    return calls


def _ratios(calls: dict[str, Callable[[], int]], want: int) -> dict[str, float]:
    """Each call's minimum time over RATIO_ROUNDS interleaved rounds."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(RATIO_ROUNDS):
        for name, call in calls.items():
            start = time.perf_counter()
            got = call()
            best[name] = min(best[name], time.perf_counter() - start)
            assert got == want, name
    return best


@pytest.mark.parametrize("which", ["rare", "frequent"])
@pytest.mark.parametrize("impl", ["utf8", "bytes", "rg"])
def test_utf8_file(benchmark, book, which, impl):
    """``file_substring_count`` with the check, without, and ripgrep."""
    word = book.rare if which == "rare" else book.frequent
    calls = _calls(book, word)
    if impl not in calls:
        pytest.skip("ripgrep (rg) is not on PATH: an optional peer (apt-get install ripgrep)")
    names = {
        "utf8": "file_substring_count(utf-8)",
        "bytes": "file_substring_count(bytes)",
        "rg": "ripgrep process",
    }
    want = book.data.count(word.encode())
    _info(
        benchmark,
        f"utf8-file[{book.path.stem}-{which}]",
        names[impl],
        len(book.data),
        word=word,
        threads=textops.get_num_threads(),
    )
    if impl == "utf8":
        best = _ratios(calls, want)
        ratios = {"bytes_over_utf8": best["bytes"] / best["utf8"]}
        if "rg" in best:
            ratios["rg_over_utf8"] = best["rg"] / best["utf8"]
        benchmark.extra_info.update({f"min_ms_{k}": v * 1e3 for k, v in best.items()})
        benchmark.extra_info.update(ratios)
        shown = " ".join(f"{k} {v:.2f}" for k, v in ratios.items())
        print(f"\n{book.path.stem} {which} {word!r}: {shown}")
    assert benchmark(calls[impl]) == want


def test_mmap_bytes_count(benchmark, book):
    """The reference of the issue's table: the mapped file counted as bytes
    (mapped once beforehand, hot page cache), rare word."""
    with open(book.path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        wb = book.rare.encode()
        _info(
            benchmark,
            f"utf8-file[{book.path.stem}-rare]",
            "substring_count(mmap)",
            len(book.data),
            word=book.rare,
        )
        assert benchmark(textops.substring_count, mm, wb) == book.data.count(wb)
