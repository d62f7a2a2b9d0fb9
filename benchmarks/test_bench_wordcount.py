"""Word and substring counting: textops against pure Python, on the same corpus.

Run (from the repository root; ``pytest tests`` never collects this directory)::

    python -m pytest benchmarks --benchmark-only --benchmark-json=bench.json

Environment: ``TEXTOPS_CORPUS`` (a directory of ``*.txt`` books) and
``TEXTOPS_BENCH_MB`` (corpus size, default 50); see ``conftest.py``.

Every benchmark counts the same word over the same books and asserts the
total that the pure-Python reference ``sum(t.split().count(w) for t in books)``
(or ``sum(t.count(w) for t in books)``) gave. Results are grouped per word:
``word_count[the]``, ``substring_count[whale]``, ... ``extra_info["bytes"]``
is the UTF-8 size of the corpus, so bytes / mean time is the throughput.

The pure-Python baselines take about a second per round on 50 MB, so they run
a few fixed rounds with ``benchmark.pedantic``; the textops benchmarks use
pytest-benchmark's calibration, whose discarded first calls also absorb
one-time costs (the UTF-8 copy CPython caches on a non-ASCII ``str``, the
start of the OpenMP threads).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from textops._bench import (
    Corpus,
    process_pool_split,
    python_split_loop,
    python_str_count,
    textops_parallel,
    textops_parallel_substring,
    textops_sequential,
    textops_substring_count,
    textops_two_python_threads,
    textops_word_count,
    thread_pool_split,
)

WORDS = ["the", "whale"]  # frequent and rare
THREADS = [1, 2]
SLOW_ROUNDS = 3


@pytest.fixture(params=WORDS)
def word(request: pytest.FixtureRequest) -> str:
    return request.param


def _setup(benchmark: Any, group: str, word: str, corpus: Corpus) -> None:
    benchmark.group = f"{group}[{word}]"
    benchmark.extra_info["bytes"] = corpus.nbytes
    benchmark.extra_info["word"] = word
    benchmark.extra_info["corpus"] = corpus.source


def _slow(benchmark: Any, fn: Callable[..., int], *args: Any) -> int:
    return benchmark.pedantic(fn, args=args, rounds=SLOW_ROUNDS, iterations=1)


# --- word count: pure Python -------------------------------------------------


def test_python_split_loop(benchmark, corpus, word, expected_word_count):
    """``sum(t.split().count(w) for t in books)`` on one thread."""
    _setup(benchmark, "word_count", word, corpus)
    assert _slow(benchmark, python_split_loop, corpus.books, word) == expected_word_count(word)


def test_python_thread_pool(benchmark, corpus, word, expected_word_count):
    """The split loop on a ThreadPoolExecutor, one book per task (GIL-bound)."""
    _setup(benchmark, "word_count", word, corpus)
    assert _slow(benchmark, thread_pool_split, corpus.books, word) == expected_word_count(word)


def test_python_process_pool(benchmark, corpus, word, expected_word_count):
    """The split loop on a ProcessPoolExecutor, one book per task.

    A new pool per round, with the books pickled to the workers: the time
    includes process start-up and the transfer of the text, which is what a
    script pays. Default start method (fork on Linux before Python 3.14); the
    workers run only pure Python, never OpenMP.
    """
    _setup(benchmark, "word_count", word, corpus)
    assert _slow(benchmark, process_pool_split, corpus.books, word) == expected_word_count(word)


# --- word count: textops -----------------------------------------------------


def test_textops_sequential_word_count(benchmark, corpus, word, expected_word_count):
    """``sum(textops.sequential_word_count(books, w))``."""
    _setup(benchmark, "word_count", word, corpus)
    assert benchmark(textops_sequential, corpus.books, word) == expected_word_count(word)


def test_textops_parallel_word_count(benchmark, corpus, word, expected_word_count):
    """``sum(textops.parallel_word_count(books, w))``."""
    _setup(benchmark, "word_count", word, corpus)
    assert benchmark(textops_parallel, corpus.books, word) == expected_word_count(word)


@pytest.mark.parametrize("threads", THREADS)
def test_textops_word_count(benchmark, corpus, word, threads, expected_word_count):
    """``textops.word_count(text, w, threads=n)`` on all books joined by newlines."""
    _setup(benchmark, "word_count", word, corpus)
    benchmark.extra_info["threads"] = threads
    assert benchmark(textops_word_count, corpus.text, word, threads) == expected_word_count(word)


def test_textops_two_python_threads(benchmark, corpus, word, expected_word_count):
    """Two ``threading.Thread``s, each ``word_count(half, w, threads=1)``: the GIL is released."""
    _setup(benchmark, "word_count", word, corpus)
    assert benchmark(textops_two_python_threads, corpus.halves, word) == expected_word_count(word)


# --- substring count ---------------------------------------------------------


def test_python_str_count(benchmark, corpus, word, expected_substring_count):
    """``sum(t.count(w) for t in books)``."""
    _setup(benchmark, "substring_count", word, corpus)
    assert benchmark(python_str_count, corpus.books, word) == expected_substring_count(word)


def test_textops_parallel_substring_count(benchmark, corpus, word, expected_substring_count):
    """``sum(textops.parallel_substring_count(books, w))``."""
    _setup(benchmark, "substring_count", word, corpus)
    assert benchmark(textops_parallel_substring, corpus.books, word) == expected_substring_count(word)


@pytest.mark.parametrize("threads", THREADS)
def test_textops_substring_count(benchmark, corpus, word, threads, expected_substring_count):
    """``textops.substring_count(text, w, threads=n)`` on all books joined by newlines."""
    _setup(benchmark, "substring_count", word, corpus)
    benchmark.extra_info["threads"] = threads
    assert benchmark(textops_substring_count, corpus.text, word, threads) == expected_substring_count(word)
