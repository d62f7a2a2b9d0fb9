"""Worst cases: inputs that nothing cuts, needles that overlap themselves.

No input may make textops slower than its Python reference (issue "Hostile
input, second round", item 5). Each case is one benchmark group
``worst[case]`` holding the Python reference (``impl`` names the expression)
and the textops call on 2 threads; ``benchmarks/report.py`` checks that
textops is at least 2x faster in each. Run it alone with::

    python -m pytest benchmarks/test_bench_worst.py --benchmark-only

Inputs, ``$TEXTOPS_BENCH_WORST_MB`` megabytes each (default 100):

- PLAIN: one byte repeated, ``b"a" * n``: no whitespace, no line break and
  no separator, so one token, one line and one piece of text for every
  function; every needle made of ``a`` overlaps itself;
- LINE: BOOKS' UTF-8 bytes with every line break made a space: one giant
  line of ordinary words.

Every benchmark records ``extra_info`` (``impl``, ``bytes``, ``threads`` for
textops) and asserts its result against the reference's, computed once.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest

import textops

THREADS = 2
SLOW_ROUNDS = 3


def worst_mb() -> float:
    """The size of each input in MB, from ``$TEXTOPS_BENCH_WORST_MB`` (default 100)."""
    value = os.environ.get("TEXTOPS_BENCH_WORST_MB", "")
    try:
        number = float(value) if value else 100.0
    except ValueError:
        raise pytest.UsageError(f"TEXTOPS_BENCH_WORST_MB={value!r} is not a number") from None
    if not number > 0:
        raise pytest.UsageError(
            f"TEXTOPS_BENCH_WORST_MB={value!r} is not a valid value, must be above 0"
        )
    return number


@functools.cache
def plain() -> bytes:
    """PLAIN: ``b"a"`` repeated, no whitespace, line break or separator."""
    return b"a" * int(worst_mb() * 1e6)


@pytest.fixture(scope="session")
def giant_line(books_bytes: bytes) -> bytes:
    """LINE: BOOKS' bytes without line breaks, cut or repeated to the size."""
    line = books_bytes.replace(b"\r", b" ").replace(b"\n", b" ")
    size = int(worst_mb() * 1e6)
    return (line * (size // len(line) + 1))[:size]


class Case(NamedTuple):
    """A worst case: the reference expression and the textops call, on one input."""

    name: str
    reference: str
    python: Callable[[bytes], Any]
    textops: Callable[[bytes], Any]
    line: bool = False  # the input is LINE, else PLAIN


A3, A100, SEP = b"aaa", b"a" * 100, b"b"
CASES = [
    Case(
        "whitespace-free word_count",
        "t.split().count(w)",
        lambda t: t.split().count(A3),
        lambda t: textops.word_count(t, A3, threads=THREADS),
    ),
    Case(
        "whitespace-free substring_count",
        "t.count(w)",
        lambda t: t.count(A3),
        lambda t: textops.substring_count(t, A3, threads=THREADS),
    ),
    Case(
        "self-overlapping long needle",
        "t.count(w)",
        lambda t: t.count(A100),
        lambda t: textops.substring_count(t, A100, threads=THREADS),
    ),
    Case(
        "self-overlapping separator",
        "t.split(sep).count(w)",
        lambda t: t.split(b"aa").count(b""),
        lambda t: textops.word_count(t, b"", sep=b"aa", threads=THREADS),
    ),
    Case(
        "separator-free word_count",
        "t.split(sep).count(w)",
        lambda t: t.split(SEP).count(A3),
        lambda t: textops.word_count(t, A3, sep=SEP, threads=THREADS),
    ),
    Case(
        "separator is the whole text",
        "t.split(t).count(w)",
        lambda t: t.split(t).count(b""),
        lambda t: textops.word_count(t, b"", sep=t, threads=THREADS),
    ),
    Case(
        "one giant line of one token",
        "[l.split().count(w) for l in t.splitlines()]",
        lambda t: [line.split().count(A3) for line in t.splitlines()],
        lambda t: textops.line_word_counts(t, A3, threads=THREADS),
    ),
    Case(
        "one giant line of words",
        "[l.split().count(w) for l in t.splitlines()]",
        lambda t: [line.split().count(b"the") for line in t.splitlines()],
        lambda t: textops.line_word_counts(t, b"the", threads=THREADS),
        line=True,
    ),
    Case(
        "batch of one token",
        "[t.split().count(w) for t in texts]",
        lambda t: [x.split().count(A3) for x in (t, t)],
        lambda t: textops.parallel_word_count([t, t], A3, threads=THREADS),
    ),
    Case(
        "single-token word_counts",
        "{w: t.split().count(w) for w in ws}",
        lambda t: {w: t.split().count(w) for w in (A3, b"a")},
        lambda t: textops.word_counts(t, [A3, b"a"], threads=THREADS),
    ),
    Case(
        "single-token word_frequencies",
        "Counter(t.split())",
        lambda t: Counter(t.split()),
        lambda t: textops.word_frequencies(t, threads=THREADS),
    ),
    Case(
        "separator-free word_frequencies",
        "Counter(t.split(sep))",
        lambda t: Counter(t.split(SEP)),
        lambda t: textops.word_frequencies(t, sep=SEP, threads=THREADS),
    ),
]


@pytest.fixture(params=CASES, ids=lambda case: case.name)
def case(request: pytest.FixtureRequest) -> Case:
    return request.param


@pytest.fixture
def text(case: Case, request: pytest.FixtureRequest) -> bytes:
    return request.getfixturevalue("giant_line") if case.line else plain()


_expected: dict[str, Any] = {}


def expected(case: Case, text: bytes) -> Any:
    """The reference's result for the case, computed once."""
    if case.name not in _expected:
        _expected[case.name] = case.python(text)
    return _expected[case.name]


def _info(benchmark: Any, case: Case, impl: str, text: bytes, threads: int | None = None) -> None:
    benchmark.group = f"worst[{case.name}]"
    benchmark.extra_info.update(impl=impl, bytes=len(text))
    if threads is not None:
        benchmark.extra_info["threads"] = threads


def test_worst_python(benchmark, case, text):
    """The Python reference expression, a few fixed rounds."""
    _info(benchmark, case, case.reference, text)
    result = benchmark.pedantic(case.python, args=(text,), rounds=SLOW_ROUNDS, iterations=1)
    assert result == expected(case, text)


def test_worst_textops(benchmark, case, text):
    """The textops function on 2 threads."""
    _info(benchmark, case, "textops", text, THREADS)
    result = benchmark(case.textops, text)
    assert result == expected(case, text)
