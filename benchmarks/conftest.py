"""Fixtures of the textops benchmark suite: the inputs and the expected counts.

The corpus is, in order of preference:

1. the ``*.txt`` books in the directory ``$TEXTOPS_CORPUS``;
2. generated English-like text (``textops._bench.generate_books``), so that a
   fresh clone runs the suite without any files
(``textops._bench.find_corpus_dir``, the rule ``textops bench`` follows).

Each book is repeated to reach about ``$TEXTOPS_BENCH_MB`` megabytes (UTF-8)
in all, 100 by default. Books are read from where they are; nothing is copied
into the repository (the mmap input is a temporary file, deleted at the end).

The inputs of the issue "Count at memory speed", all built once per session:

- ``books``: BOOKS, the books joined by newlines, one ``str``;
- ``books_bytes``: its UTF-8 bytes; ``books_mmap``: the same bytes in a
  temporary file, opened with ``mmap``;
- ``docs``: DOCS, ``$TEXTOPS_BENCH_DOCS`` (default 1,000,000) documents of
  40-200 characters cut from BOOKS;
- ``gigabyte``: BOOKS' bytes repeated to ``$TEXTOPS_BENCH_ROW3_MB`` (default
  1000) megabytes, for the comparison with ``memchr``.

Every ``str`` input has been counted by textops once before any benchmark
runs: for a non-ASCII ``str`` (the books have curly quotes and accents) that
first call makes the UTF-8 copy CPython keeps on the string, a one-time cost
per string that the benchmarks then do not see.

The ``expected_*`` fixtures compute the pure-Python reference once per word
(``functools.cache``); every benchmark asserts its result against them.
"""

from __future__ import annotations

import functools
import mmap
import os
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

import textops
from textops._bench import (
    BenchCorpus,
    cut_documents,
    find_corpus_dir,
    make_corpus,
    python_count_each,
    python_split_each,
)

DEFAULT_MB = 100.0
DEFAULT_DOCS = 1_000_000
DEFAULT_ROW3_MB = 1000.0


def corpus_dir() -> Path | None:
    """Return the directory of real books to use, or None for generated text."""
    return find_corpus_dir()


def _env_number(name: str, default: float) -> float:
    """Return the positive number in ``$name``, or ``default`` when it is unset."""
    value = os.environ.get(name, "")
    try:
        number = float(value) if value else default
    except ValueError:
        raise pytest.UsageError(f"{name}={value!r} is not a number") from None
    if not number > 0:
        raise pytest.UsageError(f"{name}={value!r} is not a valid value, must be above 0")
    return number


def corpus_mb() -> float:
    """Return the target corpus size in MB from ``$TEXTOPS_BENCH_MB`` (default 100)."""
    return _env_number("TEXTOPS_BENCH_MB", DEFAULT_MB)


def n_docs() -> int:
    """Return the number of DOCS from ``$TEXTOPS_BENCH_DOCS`` (default 1,000,000)."""
    return int(_env_number("TEXTOPS_BENCH_DOCS", DEFAULT_DOCS))


def row3_mb() -> float:
    """Return the size of row 3's bytes in MB from ``$TEXTOPS_BENCH_ROW3_MB`` (default 1000)."""
    return _env_number("TEXTOPS_BENCH_ROW3_MB", DEFAULT_ROW3_MB)


def pytest_report_header(config: pytest.Config) -> str:
    source = corpus_dir() or "generated text"
    return (
        f"textops benchmark corpus: {source}, about {corpus_mb():g} MB; "
        f"{n_docs():,} docs; row 3: {row3_mb():g} MB; "
        f"textops default threads: {textops.get_num_threads()}"
    )


def warm(texts: Sequence[str]) -> None:
    """Count in every ``str`` of ``texts`` once, so CPython caches its UTF-8 form."""
    textops.parallel_substring_count(list(texts), "\x00")


@pytest.fixture(scope="session")
def corpus() -> BenchCorpus:
    """The books, their concatenation and its two halves (built and warmed once)."""
    built = make_corpus(int(corpus_mb() * 1e6), corpus_dir())
    warm([built.text, *built.halves, *built.books])
    return built


@pytest.fixture(scope="session")
def books(corpus: BenchCorpus) -> str:
    """BOOKS: every book (repeated to the size) joined by newlines, one ``str``."""
    return corpus.text


@pytest.fixture(scope="session")
def books_bytes(books: str) -> bytes:
    """BOOKS in UTF-8."""
    return books.encode("utf-8")


@pytest.fixture(scope="session")
def books_file(books_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """BOOKS' UTF-8 bytes written to a temporary file (outside the repository)."""
    path = tmp_path_factory.mktemp("books") / "books.txt"
    path.write_bytes(books_bytes)
    return path


@pytest.fixture(scope="session")
def books_mmap(books_file: Path) -> Iterator[mmap.mmap]:
    """``books_file`` opened with ``mmap``, every page read once (hot cache)."""
    with open(books_file, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        textops.substring_count(mm, b"\x00")
        yield mm


@pytest.fixture(scope="session")
def docs(books: str) -> list[str]:
    """DOCS: short documents (40-200 characters) cut from BOOKS, warmed."""
    cut = cut_documents(books, n_docs())
    warm(cut)
    return cut


@pytest.fixture(scope="session")
def gigabyte(books_bytes: bytes) -> bytes:
    """BOOKS' bytes, each copy ending in a newline, repeated to at least ``row3_mb()`` MB."""
    unit = books_bytes + b"\n"
    return unit * -(-int(row3_mb() * 1e6) // len(unit))


@pytest.fixture(scope="session")
def word_frequencies(corpus: BenchCorpus) -> Counter[str]:
    """How often each token of ``book.split()`` occurs, over all books (one pass).

    The books are joined by newlines into BOOKS, so ``books.split().count(w)``
    is exactly ``word_frequencies[w]``.
    """
    frequencies: Counter[str] = Counter()
    for book in corpus.books:
        frequencies.update(book.split())
    return frequencies


@pytest.fixture(scope="session")
def expected_word_count(word_frequencies: Counter[str]) -> Callable[[str], int]:
    """``expected_word_count(w)``: ``books.split().count(w)``."""
    return lambda word: word_frequencies[word]


@pytest.fixture(scope="session")
def expected_substring_count(books: str) -> Callable[[str], int]:
    """``expected_substring_count(s)``: ``books.count(s)``, computed once per needle."""
    return functools.cache(books.count)


@pytest.fixture(scope="session")
def expected_doc_counts(docs: list[str]) -> Callable[[str], list[int]]:
    """``expected_doc_counts(s)``: ``[d.count(s) for d in docs]``, computed once per needle."""
    return functools.cache(lambda sub: python_count_each(docs, sub))


@pytest.fixture(scope="session")
def expected_doc_words(docs: list[str]) -> Callable[[str], list[int]]:
    """``expected_doc_words(w)``: ``[d.split().count(w) for d in docs]``, computed once per word."""
    return functools.cache(lambda word: python_split_each(docs, word))


def ripgrep_count(path: Path, word: str) -> int:
    """Run ``rg --count-matches -F word path`` and return its count (0 when rg finds none)."""
    done = subprocess.run(
        ["rg", "--no-config", "--count-matches", "-F", word, str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode == 1 and not done.stdout:
        return 0
    if done.returncode != 0:
        raise RuntimeError(f"rg failed with status {done.returncode}: {done.stderr.strip()}")
    return int(done.stdout)
