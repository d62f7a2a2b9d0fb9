"""The ``str`` rows of the issue "Every language at full speed, with no copy".

Run from the repository root::

    TEXTOPS_CORPUS=../shared/corpus TEXTOPS_CORPUS_INTL=../shared/corpus-intl \\
        python -m pytest benchmarks/test_bench_storage.py --benchmark-only \\
        --benchmark-group-by=group --benchmark-columns=min,mean

Inputs: each book of ``$TEXTOPS_CORPUS_INTL`` (``*.txt``; skipped when it
is not set: the project ships no such text), and the English books of
``$TEXTOPS_CORPUS`` joined, each repeated to ``$TEXTOPS_BENCH_MB`` MB of
UTF-8 (at least 50). textops counts a ``str`` in CPython's own storage
(1, 2 or 4 bytes a character), so no call makes a UTF-8 form.

Groups (``storage-<book>-<word>``), each pairing textops with
``text.count(w)``, for a rare word (at most one per 10 KB) and a frequent
two-letter word of the book's language:

- ``first``: ``substring_count(t, w)`` on a new ``str`` object each round
  (made before the timer starts; targets 4x ``text.count`` for the rare
  word, 2x for the frequent one);
- ``repeated``: the same ``str`` every round (targets 8x / 4x);
- ``python``: ``t.count(w)``;
- ``memory bound`` (rare words only): glibc ``memchr`` of an absent byte
  over the same storage, one half on each of two threads (ctypes calls,
  which release the GIL; about 0.1 ms of thread hand-off is in it): no
  count that reads the text once runs faster on two threads, so a
  textops figure at this bound is as fast as the machine allows.

Every benchmark checks its count against ``t.count(w)``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import textops
from conftest import corpus_mb  # benchmarks/conftest.py, on pytest's path
from textops import _core

# (rare word, frequent two-letter word) per book, chosen from the books.
WORDS = {
    "greek_papissa_ioanna": ("ουδείς", "να"),
    "persian_masnavi": ("اندیشه", "از"),
    "russian_idiot": ("пробормотал", "не"),
    "sanskrit_garuda_purana": ("संशयः", "एव"),
    "spanish_don_quijote": ("condición", "de"),
    "english": ("Valjean", "of"),
}
ROUNDS = 7
# Untimed rounds first for the calls on a text already made (not the first
# calls): the text is made anew for each test, and its first reads varied
# the repeated rows by up to 2x between runs.
WARMUP = 2


def _repeat(text: str) -> str:
    size = max(50.0, corpus_mb()) * 1e6
    return text * max(1, round(size / len(text.encode("utf-8", "surrogatepass"))))


def _book(name: str) -> str:
    if name == "english":
        where = os.environ.get("TEXTOPS_CORPUS", "")
        paths = sorted(Path(where).glob("*.txt")) if where else []
        if not paths:
            pytest.skip("set TEXTOPS_CORPUS to a directory of English *.txt books")
        return _repeat("\n".join(p.read_text(encoding="utf-8") for p in paths))
    where = os.environ.get("TEXTOPS_CORPUS_INTL", "")
    path = Path(where) / f"{name}.txt" if where else None
    if path is None or not path.is_file():
        pytest.skip(f"set TEXTOPS_CORPUS_INTL to the folder of {name}.txt")
    return _repeat(path.read_text(encoding="utf-8"))


_TEXTS: dict = {}


def _text(name: str) -> str:
    if name not in _TEXTS:
        _TEXTS.clear()  # one book in memory at a time
        _TEXTS[name] = _book(name)
    return _TEXTS[name]


CASES = [(book, word) for book, pair in WORDS.items() for word in pair]


@pytest.mark.parametrize(("book", "word"), CASES)
def test_python(benchmark, book, word):
    text = _text(book)
    benchmark.group = f"storage-{book}-{word}"
    top = max(text)
    width = 1 if top <= "\xff" else 2 if top <= "\uffff" else 4
    benchmark.extra_info.update(impl="text.count(w)", bytes_per_char=width)
    got = benchmark.pedantic(text.count, args=(word,), rounds=ROUNDS, warmup_rounds=WARMUP)
    assert got == text.count(word)


@pytest.mark.parametrize(("book", "word"), CASES)
def test_textops_repeated(benchmark, book, word):
    text = _text(book)
    benchmark.group = f"storage-{book}-{word}"
    benchmark.extra_info.update(impl="substring_count, same str")
    got = benchmark.pedantic(
        textops.substring_count, args=(text, word), rounds=ROUNDS, warmup_rounds=WARMUP
    )
    assert got == text.count(word)


@pytest.mark.parametrize(("book", "word"), CASES)
def test_textops_first_call(benchmark, book, word):
    text = _text(book)
    benchmark.group = f"storage-{book}-{word}"
    benchmark.extra_info.update(impl="substring_count, new str each round")

    def fresh():
        # a new object with the same characters, made outside the timer
        return (text[:-1] + text[-1:],), {}

    got = benchmark.pedantic(lambda t: textops.substring_count(t, word), setup=fresh, rounds=ROUNDS)
    assert got == text.count(word)


@pytest.mark.parametrize("book", list(WORDS))
def test_memory_bound(benchmark, book):
    """memchr of a byte absent from the storage of the book's str, its two
    halves on two threads at once: the memory's speed for this text."""
    text = _text(book)
    word = WORDS[book][0]
    benchmark.group = f"storage-{book}-{word}"
    storage = _core._storage(text)
    if storage is None:
        pytest.skip("the storage of a str is read on CPython only")
    address, size, _ = storage
    memchr = ctypes.CDLL(ctypes.util.find_library("c")).memchr
    memchr.restype = ctypes.c_void_p
    memchr.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    absent = next(b for b in range(256) if bytes([b]) not in ctypes.string_at(address, size))
    benchmark.extra_info.update(impl="memchr of an absent byte, 2 threads", bytes=size)
    half = size // 2
    with ThreadPoolExecutor(2) as pool:

        def both() -> list:
            parts = [(address, half), (address + half, size - half)]
            return list(pool.map(lambda p: memchr(p[0], absent, p[1]), parts))

        assert benchmark.pedantic(both, rounds=ROUNDS * 3, warmup_rounds=WARMUP) == [None, None]
