"""Data-science functions against what a user would write without them.

Run (from the repository root, on the 100 MB books text of the issue)::

    TEXTOPS_BENCH_MB=100 python -m pytest benchmarks/test_bench_datasci.py \\
        --benchmark-only --benchmark-columns=min,mean,rounds

Groups and the ratio each one is about (the issue's targets):

* ``word_frequencies``: ``textops.word_frequencies(text)`` against
  ``Counter(text.split())`` (at least 5x).
* ``word_counts[100 words]``: ``textops.word_counts(text, words)`` against
  one ``textops.word_count(text, w)`` call per word (at least 5x).
* ``corpus[the]``: ``Corpus.word_count`` against ``parallel_word_count`` on
  the original list of 1,000,000 documents of 40-200 characters (at least 2x).

Every benchmark asserts its result against the pure-Python reference.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

import textops

SLOW_ROUNDS = 2
N_WORDS = 100
N_DOCS = 1_000_000


def _setup(benchmark: Any, group: str, nbytes: int, source: str) -> None:
    benchmark.group = group
    benchmark.extra_info["bytes"] = nbytes
    benchmark.extra_info["corpus"] = source


@pytest.fixture(scope="session")
def reference_counter(corpus) -> Counter:
    """``Counter(text.split())`` of the joined books, computed once."""
    return Counter(corpus.text.split())


@pytest.fixture(scope="session")
def hundred_words(reference_counter) -> list:
    """50 of the most frequent tokens and 50 from further down the ranking."""
    ranked = [w for w, _ in reference_counter.most_common()]
    rng = random.Random(7)
    rest = ranked[50:]
    return ranked[:50] + rng.sample(rest, min(N_WORDS - 50, len(rest)))


def test_python_counter_split(benchmark, corpus, reference_counter):
    """``Counter(text.split())``."""
    _setup(benchmark, "word_frequencies", corpus.nbytes, corpus.source)
    result = benchmark.pedantic(
        lambda: Counter(corpus.text.split()), rounds=SLOW_ROUNDS, iterations=1
    )
    assert result == reference_counter


def test_textops_word_frequencies(benchmark, corpus, reference_counter):
    """``textops.word_frequencies(text)``."""
    _setup(benchmark, "word_frequencies", corpus.nbytes, corpus.source)
    result = benchmark.pedantic(
        textops.word_frequencies, args=(corpus.text,), rounds=5, iterations=1, warmup_rounds=1
    )
    assert list(result.items()) == list(reference_counter.items())


def _one_call_per_word(text: str, words: list) -> dict:
    return {w: textops.word_count(text, w) for w in words}


def test_word_count_per_word(benchmark, corpus, reference_counter, hundred_words):
    """One ``textops.word_count(text, w)`` call per word."""
    _setup(benchmark, f"word_counts[{N_WORDS} words]", corpus.nbytes, corpus.source)
    result = benchmark.pedantic(
        _one_call_per_word,
        args=(corpus.text, hundred_words),
        rounds=SLOW_ROUNDS,
        iterations=1,
        warmup_rounds=1,
    )
    assert result == {w: reference_counter[w] for w in hundred_words}


def test_textops_word_counts(benchmark, corpus, reference_counter, hundred_words):
    """``textops.word_counts(text, words)``: one pass for all the words."""
    _setup(benchmark, f"word_counts[{N_WORDS} words]", corpus.nbytes, corpus.source)
    result = benchmark.pedantic(
        textops.word_counts,
        args=(corpus.text, hundred_words),
        rounds=5,
        iterations=1,
        warmup_rounds=1,
    )
    assert result == {w: reference_counter[w] for w in hundred_words}


# --- Corpus: pack once, query many times ------------------------------------


@pytest.fixture(scope="session")
def short_docs(corpus) -> list:
    """1,000,000 documents of 40-200 characters cut from the books."""
    text = corpus.text
    rng = random.Random(11)
    docs, at = [], 0
    for _ in range(N_DOCS):
        size = rng.randint(40, 200)
        if at + size > len(text):
            at = 0
        docs.append(text[at : at + size])
        at += size
    return docs


@pytest.fixture(scope="session")
def packed_docs(short_docs) -> textops.Corpus:
    return textops.Corpus(short_docs)


@pytest.fixture(scope="session")
def expected_doc_counts(short_docs) -> list:
    return [d.split().count("the") for d in short_docs]


def test_parallel_word_count_on_list(benchmark, short_docs, expected_doc_counts):
    """``parallel_word_count(docs, "the")`` on the list of 1M str documents."""
    _setup(benchmark, "corpus[the]", sum(len(d) for d in short_docs), "1M short documents")
    result = benchmark.pedantic(
        textops.parallel_word_count,
        args=(short_docs, "the"),
        rounds=5,
        iterations=1,
        warmup_rounds=1,
    )
    assert result == expected_doc_counts


def test_corpus_word_count(benchmark, packed_docs, expected_doc_counts):
    """``Corpus(docs).word_count("the")``: the documents packed beforehand."""
    _setup(benchmark, "corpus[the]", packed_docs.nbytes, "1M short documents")
    result = benchmark.pedantic(
        packed_docs.word_count, args=("the",), rounds=5, iterations=1, warmup_rounds=1
    )
    assert result.tolist() == expected_doc_counts


def test_corpus_packing(benchmark, short_docs):
    """``Corpus(docs)``: the one-time cost of packing (for information)."""
    _setup(benchmark, "corpus packing", sum(len(d) for d in short_docs), "1M short documents")
    result = benchmark.pedantic(textops.Corpus, args=(short_docs,), rounds=3, iterations=1)
    assert len(result) == N_DOCS
