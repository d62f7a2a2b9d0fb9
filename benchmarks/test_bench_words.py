"""The speed rows of the issue "Count words the way text analysis counts them".

Run from the repository root, for instance on the books::

    TEXTOPS_CORPUS=../shared/corpus python -m pytest benchmarks/test_bench_words.py \
        --benchmark-only --benchmark-group-by=group --benchmark-columns=min,mean

Inputs: BOOKS (``conftest.py``: the books repeated to ``$TEXTOPS_BENCH_MB``
MB, one ``str``) and, when ``$TEXTOPS_CORPUS_INTL`` names a directory of
``*.txt`` books (``../shared/corpus-intl`` holds Greek, Persian, Russian,
Sanskrit and Spanish ones), those books joined and repeated to the same
size (skipped otherwise: the project ships no such text).

Groups, each pairing textops with the Python expression that defines it:

- ``words-freq[books|intl]``: ``word_frequencies(t, pattern=r"\\w+",
  lowercase=True)`` against ``Counter(re.findall(r"\\w+", t.lower()))``
  (target 30x on 2 threads);
- ``words-count[w]``: ``word_count(t, w, pattern=r"\\w+")`` against
  ``re.findall(r"\\w+", t).count(w)`` (target 100x) and against
  ``substring_count(t, w)`` (target: within 2x);
- ``words-count-lower[w]``: the same with ``lowercase=True`` against
  ``re.findall(r"\\w+", t.lower()).count(w)`` (target 50x).

Every benchmark asserts its result against the reference, computed once.
The references take seconds on 100 MB, so they run ``SLOW_ROUNDS`` rounds.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from pathlib import Path

import pytest

import textops
from conftest import corpus_mb, warm  # benchmarks/conftest.py, on pytest's path
from textops._bench import utf8_size

WORD = r"\w+"
WORDS = ["the", "whale"]
THREADS = sorted({1, 2, textops.get_num_threads()})
SLOW_ROUNDS = 2


@pytest.fixture(scope="session")
def intl() -> str:
    """The books of ``$TEXTOPS_CORPUS_INTL`` joined and repeated to the
    size of BOOKS, or a skip when it is not set."""
    where = os.environ.get("TEXTOPS_CORPUS_INTL", "")
    paths = sorted(Path(where).glob("*.txt")) if where else []
    if not paths:
        pytest.skip("set TEXTOPS_CORPUS_INTL to a directory of non-English *.txt books")
    unit = "\n".join(p.read_text(encoding="utf-8") for p in paths) + "\n"
    text = unit * max(1, round(corpus_mb() * 1e6 / utf8_size(unit)))
    warm([text])
    return text


@functools.cache
def _reference_frequencies(key: int, text: str) -> Counter:
    return Counter(re.findall(WORD, text.lower()))


def _slow(benchmark, fn, *args):
    return benchmark.pedantic(fn, args=args, rounds=SLOW_ROUNDS, iterations=1)


def _text(request, name: str) -> str:
    return request.getfixturevalue("books" if name == "books" else "intl")


@pytest.mark.parametrize("name", ["books", "intl"])
def test_freq_python(benchmark, request, name):
    text = _text(request, name)
    benchmark.group = f"words-freq[{name}]"
    benchmark.extra_info.update(impl="Counter(re.findall(lower))", bytes=utf8_size(text))
    got = _slow(benchmark, lambda t: Counter(re.findall(WORD, t.lower())), text)
    assert got == _reference_frequencies(id(text), text)


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("name", ["books", "intl"])
def test_freq_textops(benchmark, request, name, threads):
    text = _text(request, name)
    benchmark.group = f"words-freq[{name}]"
    benchmark.extra_info.update(
        impl="textops.word_frequencies(pattern, lowercase)", bytes=utf8_size(text), threads=threads
    )
    got = benchmark(textops.word_frequencies, text, pattern=WORD, lowercase=True, threads=threads)
    want = _reference_frequencies(id(text), text)
    assert got == want and list(got) == list(want)


@functools.cache
def _reference_count(key: int, text: str, word: str, lower: bool) -> int:
    return re.findall(WORD, text.lower() if lower else text).count(word)


@pytest.mark.parametrize("lower", [False, True], ids=["count", "count-lower"])
@pytest.mark.parametrize("word", WORDS)
def test_count_python(benchmark, books, word, lower):
    benchmark.group = f"words-{'count-lower' if lower else 'count'}[{word}]"
    benchmark.extra_info.update(impl="re.findall().count", bytes=utf8_size(books), word=word)
    got = _slow(benchmark, lambda t: re.findall(WORD, t.lower() if lower else t).count(word), books)
    assert got == _reference_count(id(books), books, word, lower)


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("lower", [False, True], ids=["count", "count-lower"])
@pytest.mark.parametrize("word", WORDS)
def test_count_textops(benchmark, books, word, lower, threads):
    benchmark.group = f"words-{'count-lower' if lower else 'count'}[{word}]"
    benchmark.extra_info.update(
        impl="textops.word_count(pattern)", bytes=utf8_size(books), word=word, threads=threads
    )
    got = benchmark(textops.word_count, books, word, pattern=WORD, lowercase=lower, threads=threads)
    assert got == _reference_count(id(books), books, word, lower)


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("word", WORDS)
def test_count_substring(benchmark, books, word, threads):
    benchmark.group = f"words-count[{word}]"
    benchmark.extra_info.update(
        impl="textops.substring_count", bytes=utf8_size(books), word=word, threads=threads
    )
    assert benchmark(textops.substring_count, books, word, threads=threads) == books.count(word)
