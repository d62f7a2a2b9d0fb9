"""Benchmark corpus and comparison behind ``python -m textops bench``.

This module is the one home of the benchmark corpus (the deterministic
English-like text generator and the loader for real ``.txt`` books) and of the
implementations being compared. ``benchmarks/`` (the pytest-benchmark suite)
imports them from here, so the command-line benchmark and the suite measure
the same code on the same text.

In every table of :func:`run` each implementation computes the same number
(or list of numbers, one per document) as the table's pure-Python reference,
and :func:`run` checks that they all agree.
"""

from __future__ import annotations

import functools
import os
import platform
import random
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

import textops

# ---------------------------------------------------------------------------
# Corpus
# ---------------------------------------------------------------------------

#: Real English words, most frequent first. Words placed at a given rank of
#: the Zipf distribution come from ``_PLACED`` below.
_COMMON_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "he",
    "was",
    "it",
    "his",
    "I",
    "with",
    "as",
    "had",
    "for",
    "you",
    "her",
    "not",
    "on",
    "is",
    "at",
    "be",
    "but",
    "by",
    "she",
    "him",
    "said",
    "all",
    "which",
    "my",
    "from",
    "they",
    "have",
    "were",
    "this",
    "so",
    "me",
    "an",
    "one",
    "there",
    "no",
    "what",
    "or",
    "their",
    "we",
    "would",
    "been",
    "when",
    "them",
    "if",
    "will",
    "are",
    "who",
    "The",
    "He",
    "It",
    "And",
    "But",
    "man",
    "then",
    "into",
    "more",
    "up",
    "out",
    "some",
    "could",
    "do",
    "upon",
    "now",
    "only",
    "your",
    "like",
    "did",
    "than",
    "about",
    "these",
    "any",
    "time",
    "very",
    "little",
    "can",
    "over",
    "before",
    "again",
    "old",
    "know",
    "after",
    "great",
    "down",
    "well",
    "see",
    "way",
    "where",
    "good",
    "long",
    "us",
    "our",
    "such",
    "made",
    "must",
    "never",
    "himself",
    "come",
    "through",
    "much",
    "how",
    "should",
    "came",
    "other",
    "its",
    "thought",
    "without",
    "own",
    "eyes",
    "hand",
    "first",
    "face",
    "two",
    "men",
    "may",
    "went",
    "sea",
    "ship",
    "head",
    "day",
    "house",
    "night",
    "moment",
    "door",
    "life",
    "heart",
    "father",
    "mother",
    "young",
    "voice",
    "nothing",
    "something",
    "looked",
    "room",
    "away",
    "yet",
    "still",
    "while",
    "once",
    "every",
    "here",
    "last",
    "left",
    "Mr.",
    "Mrs.",
    "Prince",
    "Madame",
    "Monsieur",
    "count",
    "army",
    "letter",
    "water",
]

#: Rare words at fixed ranks, so that "whale" and "Valjean" are present but
#: uncommon, as in the real corpus. "Dantès" keeps some non-ASCII text in.
_PLACED = {
    "whale": 300,
    "Ahab": 450,
    "Valjean": 600,
    "Cosette": 700,
    "Dantès": 800,
    "Natasha": 900,
    "Darcy": 1000,
    "Bloom": 1100,
}

_ONSETS = [
    "b",
    "br",
    "c",
    "ch",
    "cl",
    "d",
    "dr",
    "f",
    "fl",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "pr",
    "r",
    "s",
    "sh",
    "sl",
    "st",
    "t",
    "th",
    "tr",
    "v",
    "w",
    "wh",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "ie", "oo", "ou", "ow"]
_CODAS = ["", "", "", "n", "r", "s", "st", "nd", "ll", "ck", "th", "m"]

# Decorations around words and between them, with relative weights. The curly
# quotes and the em dash make the text non-ASCII, like Gutenberg books.
_PREFIXES = ("", "\u201c", "(")
_PREFIX_WEIGHTS = (96.5, 3.0, 0.5)
_SUFFIXES = ("", ",", ".", ";", ":", "?", "!", "\u201d", ".\u201d", ",\u201d", ")")
_SUFFIX_WEIGHTS = (80.0, 8.0, 6.0, 1.0, 0.5, 0.5, 0.5, 1.0, 1.5, 0.5, 0.5)
_SEPARATORS = (" ", "\n", "\n\n", "\u2014", "  ")
_SEPARATOR_WEIGHTS = (84.0, 11.0, 1.5, 2.0, 1.5)

#: Default size of the vocabulary and default seed of the generator.
VOCABULARY_SIZE = 3000
DEFAULT_SEED = 1851
#: Generated books are at most this large; larger corpora repeat them.
MAX_BOOK_BYTES = 2_000_000


def vocabulary(size: int = VOCABULARY_SIZE, seed: int = DEFAULT_SEED) -> list[str]:
    """Return ``size`` distinct words ordered by rank (most frequent first).

    Real words come first, the rare words of ``_PLACED`` sit at their ranks,
    and made-up words built from English-like syllables fill the rest.
    """
    if size <= max(_PLACED.values()):
        raise ValueError(
            f"{size} is not a valid vocabulary size, must be above {max(_PLACED.values())}"
        )
    rng = random.Random(seed)
    words = list(_COMMON_WORDS)
    seen = set(words) | set(_PLACED)
    while len(words) < size - len(_PLACED):
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            for _ in range(rng.choice((1, 1, 2, 2, 2, 3)))
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    for word, rank in sorted(_PLACED.items(), key=lambda item: item[1]):
        words.insert(rank - 1, word)
    return words


def generate_book(n_bytes: int, seed: int = DEFAULT_SEED) -> str:
    """Return about ``n_bytes`` of deterministic English-like text.

    Words follow a Zipf distribution (weight ``1 / rank``) over
    :func:`vocabulary`, with punctuation, quotes, em dashes, line breaks and
    paragraph breaks. The same ``n_bytes`` and ``seed`` always give the same
    text.
    """
    if n_bytes < 0:
        raise ValueError(f"{n_bytes} is not a valid size, must be 0 or more")
    words = vocabulary(seed=DEFAULT_SEED)
    cum_weights: list[float] = []
    total = 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cum_weights.append(total)
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < n_bytes:
        # About 6.5 bytes per word and separator; draw in chunks.
        k = min(200_000, max(1_000, (n_bytes - size) // 6))
        chunk = "".join(
            map(
                "".join,
                zip(
                    rng.choices(_PREFIXES, _PREFIX_WEIGHTS, k=k),
                    rng.choices(words, cum_weights=cum_weights, k=k),
                    rng.choices(_SUFFIXES, _SUFFIX_WEIGHTS, k=k),
                    rng.choices(_SEPARATORS, _SEPARATOR_WEIGHTS, k=k),
                ),
            )
        )
        parts.append(chunk)
        size += len(chunk)
    text = "".join(parts)
    if len(text) <= n_bytes:
        return text
    cut = text.rfind("\n", 0, n_bytes + 1)
    return text[: cut + 1] if cut > 0 else text[:n_bytes]


def generate_books(total_bytes: int, *, n_books: int = 6, seed: int = DEFAULT_SEED) -> list[str]:
    """Return ``n_books`` generated books of about ``total_bytes`` in all.

    Each book is generated once (at most :data:`MAX_BOOK_BYTES`) and then
    repeated by :func:`repeat_to_size` to reach the total, which keeps the
    generation fast for large corpora.
    """
    if n_books < 1:
        raise ValueError(f"{n_books} is not a valid number of books, must be 1 or more")
    per_book = max(1, -(-total_bytes // n_books))
    reps = -(-per_book // MAX_BOOK_BYTES)
    books = [generate_book(per_book // reps, seed=seed * 1000 + i) for i in range(n_books)]
    return repeat_to_size(books, total_bytes)


def load_books(directory: str | os.PathLike[str]) -> list[str]:
    """Return the text of every ``*.txt`` file in ``directory``, sorted by name.

    Files are read as UTF-8 with newlines kept exactly as stored.
    """
    paths = sorted(Path(directory).glob("*.txt"))
    if not paths:
        raise FileNotFoundError(f"no *.txt books in {os.fspath(directory)!r}")
    books = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            books.append(f.read())
    return books


def utf8_size(books: Sequence[str]) -> int:
    """Return the total size of ``books`` in UTF-8 bytes."""
    return sum(len(book.encode("utf-8", "surrogatepass")) for book in books)


def repeat_to_size(books: Sequence[str], target_bytes: int) -> list[str]:
    """Repeat every book the same whole number of times (at least once).

    The number is chosen so that the total is as close as possible to
    ``target_bytes``. Copies are joined with a newline, so that the word
    count of a repeated book is exactly that many times the original's.
    """
    size = utf8_size(books)
    reps = max(1, round(target_bytes / size)) if size else 1
    if reps == 1:
        return list(books)
    return ["\n".join([book] * reps) for book in books]


def split_at_whitespace(text: str) -> tuple[str, str]:
    """Split ``text`` near its middle at a newline.

    Both halves together have exactly the words (and the matches of any
    needle without a newline) that ``text`` has.
    """
    cut = text.find("\n", len(text) // 2)
    if cut < 0:
        cut = text.rfind("\n", 0, len(text) // 2)
    if cut < 0:
        return text, ""
    return text[:cut], text[cut:]


def cut_documents(
    text: str,
    n_docs: int,
    *,
    min_chars: int = 40,
    max_chars: int = 200,
    seed: int = DEFAULT_SEED,
) -> list[str]:
    """Return ``n_docs`` short documents cut from ``text`` at random places.

    Each document is a slice of ``text`` of ``min_chars`` to ``max_chars``
    code points (uniformly drawn), starting at a random offset; the same
    arguments always give the same documents. Slices may start or end inside
    a word, as excerpts of real records do.
    """
    if n_docs < 0:
        raise ValueError(f"{n_docs} is not a valid number of documents, must be 0 or more")
    if not 0 < min_chars <= max_chars:
        raise ValueError(
            f"{min_chars}..{max_chars} is not a valid length range, must be 0 < min <= max"
        )
    if len(text) < max_chars:
        raise ValueError(f"the text has {len(text)} characters, fewer than max_chars={max_chars}")
    rng = random.Random(seed)
    last_start = len(text) - max_chars
    docs = []
    for _ in range(n_docs):
        start = rng.randint(0, last_start)
        docs.append(text[start : start + rng.randint(min_chars, max_chars)])
    return docs


class BenchCorpus(NamedTuple):
    """The benchmark input in the shapes the implementations take (not a
    :class:`textops.Corpus`: plain ``str`` books)."""

    source: str  #: where the books came from
    books: list[str]  #: the books, each a separate ``str``
    text: str  #: the books joined by newlines
    halves: tuple[str, str]  #: ``text`` cut in two at a newline
    nbytes: int  #: UTF-8 size of the books


#: The environment variable naming a folder of ``*.txt`` books to measure on.
CORPUS_ENV = "TEXTOPS_CORPUS"
#: How make_corpus labels generated text.
GENERATED = f"generated English-like text (no books given: --corpus DIR or ${CORPUS_ENV})"


def find_corpus_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The folder of books to measure on, or None for generated text.

    ``explicit`` (``--corpus``) wins; else ``$TEXTOPS_CORPUS`` when it names
    a folder holding ``*.txt`` files (one that holds none warns and gives
    generated text). Nothing outside the repository is looked for, so a
    fresh clone measures generated text.

    >>> find_corpus_dir("books") == Path("books")
    True
    """
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get(CORPUS_ENV)
    if not env:
        return None
    if any(Path(env).glob("*.txt")):
        return Path(env)
    warnings.warn(
        f"{CORPUS_ENV}={env!r} holds no *.txt books; measuring generated text",
        RuntimeWarning,
        stacklevel=2,
    )
    return None


def make_corpus(target_bytes: int, corpus_dir: str | os.PathLike[str] | None = None) -> BenchCorpus:
    """Build a :class:`BenchCorpus` of about ``target_bytes``.

    Uses the ``*.txt`` books of ``corpus_dir`` when given (each repeated to
    reach the size), else the generated books.
    """
    if target_bytes < 1:
        raise ValueError(f"{target_bytes} is not a valid corpus size, must be 1 byte or more")
    if corpus_dir is None:
        books = generate_books(target_bytes)
        source = GENERATED
    else:
        books = repeat_to_size(load_books(corpus_dir), target_bytes)
        source = os.fspath(corpus_dir)
    text = "\n".join(books)
    return BenchCorpus(source, books, text, split_at_whitespace(text), utf8_size(books))


# ---------------------------------------------------------------------------
# Implementations: each returns the total count over the corpus
# ---------------------------------------------------------------------------


def cpu_count() -> int:
    """Return the number of CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def split_count(text: str, word: str) -> int:
    """Return ``text.split().count(word)`` (the pure-Python reference)."""
    return text.split().count(word)


def thread_pool_split(books: Sequence[str], word: str, workers: int | None = None) -> int:
    """The split loop on a ``ThreadPoolExecutor``, one book per task.

    ``str.split`` holds the GIL, so this shows what threads alone give.
    """
    with ThreadPoolExecutor(max_workers=workers or cpu_count()) as pool:
        return sum(pool.map(split_count, books, repeat(word)))


def process_pool_split(books: Sequence[str], word: str, workers: int | None = None) -> int:
    """The split loop on a ``ProcessPoolExecutor``, one book per task.

    The pool is created on every call and the books are pickled to the
    workers, as a user script does it, so the time includes process start-up
    and the transfer of the text. The default start method is used (fork on
    Linux before Python 3.14); the workers run only pure Python.
    """
    with ProcessPoolExecutor(max_workers=workers or cpu_count()) as pool:
        return sum(pool.map(split_count, books, repeat(word)))


def textops_sequential(books: Sequence[str], word: str) -> int:
    """``textops.sequential_word_count`` over the books, summed."""
    return sum(textops.sequential_word_count(books, word))


def textops_parallel(books: Sequence[str], word: str) -> int:
    """``textops.parallel_word_count`` over the books, summed."""
    return sum(textops.parallel_word_count(books, word))


def textops_word_count(text: str, word: str, threads: int) -> int:
    """``textops.word_count`` on the whole text with ``threads`` threads."""
    return textops.word_count(text, word, threads=threads)


@functools.cache
def python_threads() -> ThreadPoolExecutor:
    """Two Python threads, started on first use and kept for every round.

    Row 7 measures counting from Python threads, not starting them: on this
    kind of machine starting and joining two threads takes about 1 ms,
    which is 15-20% of a round on a rare word.
    """
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="textops-bench")


def textops_two_python_threads(halves: Sequence[str], word: str) -> int:
    """Each half to one of two Python threads (:func:`python_threads`),
    which calls ``word_count(half, w, threads=1)``.

    textops releases the GIL, so the Python threads run at the same time.
    """
    return sum(python_threads().map(lambda half: textops.word_count(half, word, threads=1), halves))


def textops_one_thread_both(halves: Sequence[str], word: str) -> int:
    """One Python thread of :func:`python_threads` does
    ``word_count(half, w, threads=1)`` for every half.

    The baseline of :func:`textops_two_python_threads`: the same work, one
    text after the other, on the same kind of thread.
    """
    return (
        python_threads()
        .submit(lambda: sum(textops.word_count(half, word, threads=1) for half in halves))
        .result()
    )


def python_count_each(docs: Sequence[str], sub: str) -> list[int]:
    """Pure Python, one count per document: ``[d.count(sub) for d in docs]``."""
    return [d.count(sub) for d in docs]


def python_split_each(docs: Sequence[str], word: str) -> list[int]:
    """Pure Python, one count per document: ``[d.split().count(word) for d in docs]``."""
    return [d.split().count(word) for d in docs]


def textops_parallel_substring(books: Sequence[str], sub: str) -> int:
    """``textops.parallel_substring_count`` over the books, summed."""
    return sum(textops.parallel_substring_count(books, sub))


def textops_substring_count(text: str, sub: str, threads: int) -> int:
    """``textops.substring_count`` on the whole text with ``threads`` threads."""
    return textops.substring_count(text, sub, threads=threads)


# ---------------------------------------------------------------------------
# The command-line benchmark
# ---------------------------------------------------------------------------


class Row(NamedTuple):
    """One measured implementation."""

    name: str
    seconds: float
    count: Any  #: an int, or one int per document


Impls = list[tuple[str, Callable[[], Any]]]


def best_of(fn: Callable[[], Any], repeat_count: int) -> tuple[float, Any]:
    """Call ``fn`` ``repeat_count`` times; return the best time and the result.

    If the calls disagree, a result differing from the first is returned, so the
    check in :func:`run` reports it.
    """
    best = float("inf")
    first: Any = None
    result: Any = None
    for i in range(repeat_count):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
        if i == 0:
            first = result = value
        elif value != first:
            result = value
    return best, result


def machine_info() -> str:
    """Return one line describing the machine and the textops build."""
    version = getattr(textops, "__version__", None)
    if version is None:
        from importlib import metadata

        try:
            version = metadata.version("textops")
        except metadata.PackageNotFoundError:  # built in place, not installed
            version = "unknown"
    return (
        f"textops {version} | Python {platform.python_version()} | "
        f"cores: {cpu_count()} | openmp: {textops.openmp_enabled()} | "
        f"threads: {textops.get_num_threads()}"
    )


def _total(count: Any) -> int:
    return sum(count) if isinstance(count, list) else count


def _table(title: str, rows: Sequence[Row], nbytes: int) -> list[str]:
    """Format ``rows`` under ``title``; speed-ups are against the first row."""
    baseline = rows[0].seconds
    lines = [f"{title}: {_total(rows[0].count)}"]
    for row in rows:
        gbps = nbytes / row.seconds / 1e9 if row.seconds > 0 else float("inf")
        speedup = baseline / row.seconds if row.seconds > 0 else float("inf")
        lines.append(f"  {row.name:<48} {row.seconds:>9.4f} {gbps:>8.3f} {speedup:>8.1f}x")
    return lines


def run(
    mb: float = 20.0,
    word: str = "the",
    repeat_count: int = 3,
    corpus_dir: str | os.PathLike[str] | None = None,
    n_docs: int = 200_000,
) -> int:
    """Run the headline comparison, print the tables and return the exit status.

    The tables follow rows 1, 2, 5 and 7 of the targets measured in full by
    ``benchmarks/``: ``substring_count`` and ``word_count`` on the corpus as
    one ``str`` against ``text.count(w)`` and ``text.split().count(w)`` (with
    Python thread and process pools and the textops batch functions over
    the separate books as well), the batch functions on ``n_docs`` short
    documents cut from the corpus against list comprehensions, and two Python
    threads calling textops at once against one. Returns 0 when every
    implementation in a table gives the count of the table's first row, and
    1 otherwise.
    """
    if not mb > 0:
        raise ValueError(f"{mb} is not a valid corpus size, must be above 0 MB")
    if repeat_count < 1:
        raise ValueError(f"{repeat_count} is not a valid repeat count, must be 1 or more")
    if n_docs < 1:
        raise ValueError(f"{n_docs} is not a valid number of documents, must be 1 or more")
    if word.split() != [word]:
        raise ValueError(f"{word!r} is not a valid word, must be non-empty without whitespace")

    print(machine_info())
    start = time.perf_counter()
    corpus = make_corpus(int(mb * 1e6), find_corpus_dir(corpus_dir))
    books, text, halves = corpus.books, corpus.text, corpus.halves
    docs = cut_documents(text, n_docs)
    docs_nbytes = utf8_size(docs)
    print(
        f"corpus: {corpus.source}, {len(books)} books, {corpus.nbytes / 1e6:.1f} MB UTF-8; "
        f"{n_docs:,} documents of 40-200 characters cut from it, {docs_nbytes / 1e6:.1f} MB "
        f"(built in {time.perf_counter() - start:.1f} s); word {word!r}, best of {repeat_count}"
    )
    threads = sorted({1, 2, textops.get_num_threads()})
    workers = cpu_count()

    substring_impls: Impls = [("Python: text.count(w)", lambda: text.count(word))]
    substring_impls += [
        (
            f"substring_count(text, w, threads={n})",
            functools.partial(textops_substring_count, text, word, n),
        )
        for n in threads
    ]
    word_impls: Impls = [
        ("Python: text.split().count(w)", lambda: split_count(text, word)),
        (
            f"ThreadPoolExecutor({workers}), a book per task",
            lambda: thread_pool_split(books, word, workers),
        ),
        (
            f"ProcessPoolExecutor({workers}), a book per task",
            lambda: process_pool_split(books, word, workers),
        ),
        ("sum(sequential_word_count(books, w))", lambda: textops_sequential(books, word)),
        ("sum(parallel_word_count(books, w))", lambda: textops_parallel(books, word)),
    ]
    word_impls += [
        (f"word_count(text, w, threads={n})", functools.partial(textops_word_count, text, word, n))
        for n in threads
    ]
    docs_substring_impls: Impls = [
        ("Python: [d.count(w) for d in docs]", lambda: python_count_each(docs, word)),
        ("parallel_substring_count(docs, w)", lambda: textops.parallel_substring_count(docs, word)),
    ]
    docs_word_impls: Impls = [
        ("Python: [d.split().count(w) for d in docs]", lambda: python_split_each(docs, word)),
        ("parallel_word_count(docs, w)", lambda: textops.parallel_word_count(docs, word)),
    ]
    thread_impls: Impls = [
        (
            "1 Python thread: word_count(half, threads=1) x2",
            lambda: textops_one_thread_both(halves, word),
        ),
        (
            "2 Python threads: word_count(half, threads=1)",
            lambda: textops_two_python_threads(halves, word),
        ),
    ]
    tables = [
        (f"1. substring count in one text, {word!r}", substring_impls, corpus.nbytes),
        (f"2. word count in one text, {word!r}", word_impls, corpus.nbytes),
        (f"5. substring count per document, {word!r}, total", docs_substring_impls, docs_nbytes),
        (f"5. word count per document, {word!r}, total", docs_word_impls, docs_nbytes),
        (f"7. word count in two halves of the text, {word!r}", thread_impls, corpus.nbytes),
    ]

    print(f"\n  {'implementation':<48} {'seconds':>9} {'GB/s':>8} {'speed-up':>9}")
    status = 0
    for title, impls, nbytes in tables:
        rows = [Row(name, *best_of(fn, repeat_count)) for name, fn in impls]
        print("\n".join(_table(title, rows, nbytes)))
        for row in rows[1:]:
            if row.count != rows[0].count:
                print(
                    f"MISMATCH: {row.name} gave {_total(row.count)}, "
                    f"{rows[0].name} gave {_total(rows[0].count)}",
                    file=sys.stderr,
                )
                status = 1
    print(
        f"\ntotal {time.perf_counter() - start:.1f} s; all counts agree"
        if status == 0
        else f"\ntotal {time.perf_counter() - start:.1f} s; COUNTS DIFFER"
    )
    return status
