"""Many words at once: the row "word_counts(BOOKS, 100 words) vs 100
word_count calls" of the issue "A million small documents, a hundred words
at once" (targets: 100 words at least 10x, 1,000 words at least 50x).

Run from the repository root, on the books (100 MB by default)::

    TEXTOPS_CORPUS=../shared/corpus python -m pytest benchmarks/test_bench_many_words.py \\
        --benchmark-only --benchmark-group-by=group --benchmark-columns=min,mean,rounds

Groups ``many-words[N words, T threads]`` for N in 1, 10, 100, 1,000 and T in
1, 2, each pairing ``textops.word_counts(BOOKS, words, threads=T)`` with one
``textops.word_count(BOOKS, w, threads=T)`` call per word, on the same text
(the 1,000 calls take seconds a round, so they run ``SLOW_ROUNDS``). The
words are drawn deterministically from the vocabulary of BOOKS
(``text.split()``): half from the 200 most frequent tokens, half from the
rest (most of them rare), so both the hits and the misses of the word
table are measured. Both sides are asserted against ``Counter(text.split())``.
"""

from __future__ import annotations

import functools
import random
from collections import Counter

import pytest

import textops
from textops._bench import utf8_size

SIZES = (1, 10, 100, 1000)
THREADS = (1, 2)
SLOW_ROUNDS = 2


@functools.cache
def _vocabulary(key: int, text: str) -> Counter:
    return Counter(text.split())


@functools.cache
def _words(key: int, text: str, size: int) -> tuple:
    """``size`` distinct tokens of the text: half frequent, half not."""
    ranked = [w for w, _ in _vocabulary(key, text).most_common()]
    rng = random.Random(size)
    frequent = rng.sample(ranked[:200], min(200, (size + 1) // 2))
    rest = rng.sample(ranked[200:], size - len(frequent))
    return tuple(frequent + rest)


def _expected(text: str, words: tuple) -> dict:
    counts = _vocabulary(id(text), text)
    return {w: counts[w] for w in words}


def _one_call_per_word(text: str, words: tuple, threads: int) -> dict:
    return {w: textops.word_count(text, w, threads=threads) for w in words}


@pytest.mark.parametrize("impl", ("word_count calls", "word_counts"))
@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("size", SIZES)
def test_many_words(benchmark, books, size, threads, impl):
    """One ``word_count`` call per word, then ``word_counts(text, words)``
    (one pass for all the words), next to each other in the run."""
    words = _words(id(books), books, size)
    benchmark.group = f"many-words[{size} words, {threads} threads]"
    benchmark.extra_info.update(impl=impl, bytes=utf8_size(books), words=size, threads=threads)
    if impl == "word_counts":
        got = benchmark.pedantic(
            textops.word_counts,
            args=(books, words),
            kwargs={"threads": threads},
            rounds=7,
            iterations=1,
            warmup_rounds=1,
        )
    else:
        got = benchmark.pedantic(
            _one_call_per_word,
            args=(books, words, threads),
            rounds=SLOW_ROUNDS if size >= 100 else 5,
            iterations=1,
        )
    assert got == _expected(books, words)
