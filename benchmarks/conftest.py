"""Fixtures of the textops benchmark suite: the corpus and the expected counts.

The corpus is, in order of preference:

1. the ``*.txt`` books in the directory ``$TEXTOPS_CORPUS``;
2. the books in ``../shared/corpus`` relative to the repository root;
3. generated English-like text (``textops._bench.generate_books``), so that a
   fresh clone runs the suite without any files.

Each book is repeated to reach about ``$TEXTOPS_BENCH_MB`` megabytes (UTF-8)
in all, 50 by default. Books are read from where they are; nothing is copied
into the repository.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from textops._bench import Corpus, make_corpus, python_split_loop, python_str_count

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MB = 50.0


def corpus_dir() -> Path | None:
    """Return the directory of real books to use, or None for generated text."""
    env = os.environ.get("TEXTOPS_CORPUS")
    if env:
        return Path(env)
    shared = REPO_ROOT.parent / "shared" / "corpus"
    if shared.is_dir() and any(shared.glob("*.txt")):
        return shared
    return None


def corpus_mb() -> float:
    """Return the target corpus size in MB from ``$TEXTOPS_BENCH_MB``."""
    value = os.environ.get("TEXTOPS_BENCH_MB", "")
    try:
        mb = float(value) if value else DEFAULT_MB
    except ValueError:
        raise pytest.UsageError(f"TEXTOPS_BENCH_MB={value!r} is not a number of megabytes") from None
    if not mb > 0:
        raise pytest.UsageError(f"TEXTOPS_BENCH_MB={value!r} is not a valid size, must be above 0")
    return mb


def pytest_report_header(config: pytest.Config) -> str:
    source = corpus_dir() or "generated text"
    return f"textops benchmark corpus: {source}, about {corpus_mb():g} MB"


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The books, their concatenation and its two halves (built once)."""
    return make_corpus(int(corpus_mb() * 1e6), corpus_dir())


@pytest.fixture(scope="session")
def expected_word_count(corpus: Corpus) -> Callable[[str], int]:
    """``expected_word_count(w)``: the pure-Python total of ``t.split().count(w)``, computed once per word."""
    return functools.cache(lambda word: python_split_loop(corpus.books, word))


@pytest.fixture(scope="session")
def expected_substring_count(corpus: Corpus) -> Callable[[str], int]:
    """``expected_substring_count(s)``: the total of ``t.count(s)``, computed once per needle."""
    return functools.cache(lambda sub: python_str_count(corpus.books, sub))
