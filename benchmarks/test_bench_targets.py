"""The targets of the issue "Count at memory speed", one benchmark group per row and word.

Run from the repository root (``pytest`` alone runs only ``tests/``)::

    python -m pytest benchmarks --benchmark-only --benchmark-json=bench.json
    python benchmarks/report.py bench.json --png benchmarks/throughput.png --markdown

Inputs (see ``conftest.py``): BOOKS (``books``, a ``str`` of about
``$TEXTOPS_BENCH_MB`` MB, its UTF-8 ``books_bytes`` and the same bytes
``books_mmap``'ed from a file), DOCS (``docs``, short documents cut from
BOOKS) and 1 GB of BOOKS' bytes (``gigabyte``). Words: "the" (frequent),
"whale" and "Valjean" (rare) and one absent word.

Groups (``benchmark.group``): ``row1-substring[w]`` (rows 1, 4 and 9 on
BOOKS), ``row2-word[w]`` (rows 2 and 4), ``row3-memory-speed``,
``row5-substring[w]`` (rows 5 and 9 on DOCS), ``row5-word[w]``,
``row6-small-call``, ``row7-python-threads[w]``, ``row8-file[w]``. Row 10
(peak memory) is measured by ``tests/test_memory.py``.

Every benchmark records ``extra_info``: ``impl`` (what runs, e.g.
``textops.substring_count`` or ``str.count``), ``bytes`` (UTF-8 bytes read
per call, so bytes / time is the throughput), ``word`` and, for textops and
where relevant, ``threads``. Every benchmark asserts its count against the
pure-Python reference computed once. ``benchmarks/report.py`` finds the
benchmarks of a row by group, ``impl`` and ``threads``.

Peers (row 9, optional, skipped with the reason when not installed; each
timed on inputs converted once beforehand, each returning its own result
type, converted to a list only for the assertion):

- polars ``Series.str.count_matches(w, literal=True)``: non-overlapping, left
  to right, like ``str.count`` (``"aaaa"`` has 2 ``"aa"``); the empty needle
  counts code points + 1, also like ``str.count``.
- pyarrow ``compute.count_substring`` (``large_string`` arrays):
  non-overlapping too, but the empty needle counts UTF-8 bytes + 1
  (``"thé café"``: 11, where ``str.count`` says 9).
- StringZilla ``Str.count`` (``allowoverlap=False`` by default, so
  non-overlapping); the empty needle counts bytes + 1, as pyarrow does.
  StringZilla has no batch count (``Strs`` holds a batch but has no
  ``count``), so DOCS are measured as a Python loop of ``stringzilla.count``.

The four words here are non-empty, ASCII and not self-overlapping, so every
peer and ripgrep must agree with Python, and each benchmark asserts it.

Slow pure-Python baselines (``split()`` over 100 MB takes seconds) run
``SLOW_ROUNDS`` fixed rounds with ``benchmark.pedantic``; everything else uses
pytest-benchmark's calibration.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from typing import Any

import pytest

import textops
from conftest import ripgrep_count  # benchmarks/conftest.py, on pytest's path
from textops._bench import (
    process_pool_split,
    python_count_each,
    python_split_each,
    textops_one_thread_both,
    textops_parallel,
    textops_parallel_substring,
    textops_sequential,
    textops_two_python_threads,
    thread_pool_split,
    utf8_size,
)

FREQUENT = "the"
RARE = ["whale", "Valjean"]
ABSENT = "zyzzyva"
WORDS = [FREQUENT, *RARE, ABSENT]
#: 1, 2 and the default number of threads, each once.
THREADS = sorted({1, 2, textops.get_num_threads()})
SLOW_ROUNDS = 3


@pytest.fixture(params=WORDS)
def word(request: pytest.FixtureRequest, expected_substring_count: Callable[[str], int]) -> str:
    """Each word of the issue in turn; the absent one is checked to be absent."""
    if request.param == ABSENT:
        assert expected_substring_count(ABSENT) == 0, f"{ABSENT!r} occurs in the corpus"
    return request.param


@pytest.fixture(params=THREADS, ids=lambda n: f"threads={n}")
def threads(request: pytest.FixtureRequest) -> int:
    return request.param


@pytest.fixture(scope="session")
def docs_nbytes(docs: list[str]) -> int:
    """UTF-8 size of all DOCS together."""
    return utf8_size(docs)


def _info(
    benchmark: Any,
    group: str,
    impl: str,
    nbytes: int,
    word: str | None = None,
    threads: int | None = None,
) -> None:
    """Name the benchmark's group and record what it measures in ``extra_info``."""
    benchmark.group = group
    benchmark.extra_info.update(impl=impl, bytes=nbytes)
    if word is not None:
        benchmark.extra_info["word"] = word
    if threads is not None:
        benchmark.extra_info["threads"] = threads
        benchmark.extra_info["default_threads"] = threads == textops.get_num_threads()


def _slow(benchmark: Any, fn: Callable[..., Any], *args: Any) -> Any:
    """Time a slow baseline over a few fixed rounds."""
    return benchmark.pedantic(fn, args=args, rounds=SLOW_ROUNDS, iterations=1)


# --- row 1: substring_count(BOOKS, w) vs BOOKS.count(w); rows 4 and 9 -------


def test_row1_str_count(benchmark, books, books_bytes, word, expected_substring_count):
    """``BOOKS.count(w)``: CPython's own substring count, the reference."""
    _info(benchmark, f"row1-substring[{word}]", "str.count", len(books_bytes), word)
    assert benchmark(books.count, word) == expected_substring_count(word)


def test_row1_textops(benchmark, books, books_bytes, word, threads, expected_substring_count):
    """``textops.substring_count(BOOKS, w, threads=n)`` for n in 1, 2 and the default."""
    _info(
        benchmark,
        f"row1-substring[{word}]",
        "textops.substring_count",
        len(books_bytes),
        word,
        threads,
    )
    assert benchmark(
        textops.substring_count, books, word, threads=threads
    ) == expected_substring_count(word)


def test_row1_textops_bytes(benchmark, books_bytes, word, expected_substring_count):
    """``textops.substring_count`` on BOOKS' UTF-8 bytes, default threads (an extra: bytes input)."""
    _info(
        benchmark,
        f"row1-substring[{word}]",
        "textops.substring_count(bytes)",
        len(books_bytes),
        word,
        textops.get_num_threads(),
    )
    assert benchmark(
        textops.substring_count, books_bytes, word.encode()
    ) == expected_substring_count(word)


def test_row1_textops_books_batch(benchmark, corpus, books_bytes, word, expected_substring_count):
    """``sum(parallel_substring_count(books, w))``: the separate books as one batch (an extra)."""
    _info(
        benchmark,
        f"row1-substring[{word}]",
        "textops.parallel_substring_count(books)",
        len(books_bytes),
        word,
        textops.get_num_threads(),
    )
    assert benchmark(textops_parallel_substring, corpus.books, word) == expected_substring_count(
        word
    )


@pytest.fixture(scope="session")
def polars_books(books: str) -> Any:
    pl = pytest.importorskip("polars", reason="polars is an optional peer: pip install '.[bench]'")
    return pl.Series([books])


@pytest.fixture(scope="session")
def pyarrow_books(books: str) -> Any:
    pa = pytest.importorskip(
        "pyarrow", reason="pyarrow is an optional peer: pip install '.[bench]'"
    )
    return pa.array([books], type=pa.large_string())


@pytest.fixture(scope="session")
def stringzilla_books(books: str) -> Any:
    sz = pytest.importorskip(
        "stringzilla", reason="stringzilla is an optional peer: pip install '.[bench]'"
    )
    return sz.Str(books)


def test_row9_polars_books(benchmark, polars_books, books_bytes, word, expected_substring_count):
    """polars ``Series([BOOKS]).str.count_matches(w, literal=True)`` (non-overlapping, like str.count)."""
    _info(benchmark, f"row1-substring[{word}]", "polars", len(books_bytes), word)
    result = benchmark(polars_books.str.count_matches, word, literal=True)
    assert result.to_list() == [expected_substring_count(word)]


def test_row9_pyarrow_books(benchmark, pyarrow_books, books_bytes, word, expected_substring_count):
    """``pyarrow.compute.count_substring`` on a one-element large_string array (non-overlapping)."""
    import pyarrow.compute as pc

    _info(benchmark, f"row1-substring[{word}]", "pyarrow", len(books_bytes), word)
    result = benchmark(pc.count_substring, pyarrow_books, word)
    assert result.to_pylist() == [expected_substring_count(word)]


def test_row9_stringzilla_books(
    benchmark, stringzilla_books, books_bytes, word, expected_substring_count
):
    """StringZilla ``Str(BOOKS).count(w)`` (``allowoverlap=False`` by default, like str.count)."""
    _info(benchmark, f"row1-substring[{word}]", "stringzilla", len(books_bytes), word)
    assert benchmark(stringzilla_books.count, word) == expected_substring_count(word)


# --- row 2: word_count(BOOKS, w) vs BOOKS.split().count(w); row 4 -----------


def test_row2_split_count(benchmark, books, books_bytes, word, expected_word_count):
    """``BOOKS.split().count(w)``: the pure-Python reference, a few rounds."""
    _info(benchmark, f"row2-word[{word}]", "str.split().count", len(books_bytes), word)
    assert _slow(benchmark, lambda: books.split().count(word)) == expected_word_count(word)


def test_row2_textops(benchmark, books, books_bytes, word, threads, expected_word_count):
    """``textops.word_count(BOOKS, w, threads=n)`` for n in 1, 2 and the default."""
    _info(benchmark, f"row2-word[{word}]", "textops.word_count", len(books_bytes), word, threads)
    assert benchmark(textops.word_count, books, word, threads=threads) == expected_word_count(word)


def test_row2_textops_books_batch(benchmark, corpus, books_bytes, word, expected_word_count):
    """``sum(parallel_word_count(books, w))``: the separate books as one batch (an extra)."""
    _info(
        benchmark,
        f"row2-word[{word}]",
        "textops.parallel_word_count(books)",
        len(books_bytes),
        word,
        textops.get_num_threads(),
    )
    assert benchmark(textops_parallel, corpus.books, word) == expected_word_count(word)


def test_row2_textops_books_sequential(benchmark, corpus, books_bytes, word, expected_word_count):
    """``sum(sequential_word_count(books, w))``: the books one after the other on one thread (an extra)."""
    _info(
        benchmark,
        f"row2-word[{word}]",
        "textops.sequential_word_count(books)",
        len(books_bytes),
        word,
        1,
    )
    assert benchmark(textops_sequential, corpus.books, word) == expected_word_count(word)


@pytest.mark.parametrize(
    "pool", [thread_pool_split, process_pool_split], ids=["threads", "processes"]
)
def test_row2_python_pool(benchmark, corpus, books_bytes, pool, expected_word_count):
    """The split loop on a Thread/ProcessPoolExecutor, one book per task, "the" only (an extra).

    The process pool is created on every round and the books are pickled to
    the workers, as a script does it (default start method; the workers run
    only pure Python). The thread pool shows that ``str.split`` holds the GIL.
    """
    _info(
        benchmark, f"row2-word[{FREQUENT}]", f"python {pool.__name__}", len(books_bytes), FREQUENT
    )
    assert _slow(benchmark, pool, corpus.books, FREQUENT) == expected_word_count(FREQUENT)


# --- row 3: a rare word in 1 GB of bytes vs memchr, one thread --------------


def test_row3_memchr(benchmark, gigabyte):
    """``buf.find(b"\\x01")``: memchr of a byte that is absent, the memory-speed yardstick."""
    _info(benchmark, "row3-memory-speed", "bytes.find(b'\\x01')", len(gigabyte), threads=1)
    assert benchmark(gigabyte.find, b"\x01") == -1


@pytest.mark.parametrize("needle", [*RARE, ABSENT])
def test_row3_textops(benchmark, gigabyte, needle):
    """``textops.substring_count(buf, w, threads=1)`` on the same bytes."""
    expected = gigabyte.count(needle.encode())
    _info(
        benchmark, "row3-memory-speed", "textops.substring_count", len(gigabyte), needle, threads=1
    )
    assert benchmark(textops.substring_count, gigabyte, needle.encode(), threads=1) == expected


# --- row 5: DOCS, one count per document; row 9 on DOCS ---------------------


def test_row5_count_each(benchmark, docs, docs_nbytes, word, expected_doc_counts):
    """``[d.count(w) for d in DOCS]``."""
    _info(benchmark, f"row5-substring[{word}]", "[d.count(w)]", docs_nbytes, word)
    assert _slow(benchmark, python_count_each, docs, word) == expected_doc_counts(word)


def test_row5_textops_substring(benchmark, docs, docs_nbytes, word, threads, expected_doc_counts):
    """``textops.parallel_substring_count(DOCS, w, threads=n)``."""
    _info(
        benchmark,
        f"row5-substring[{word}]",
        "textops.parallel_substring_count",
        docs_nbytes,
        word,
        threads,
    )
    assert benchmark(
        textops.parallel_substring_count, docs, word, threads=threads
    ) == expected_doc_counts(word)


def test_row5_split_each(benchmark, docs, docs_nbytes, word, expected_doc_words):
    """``[d.split().count(w) for d in DOCS]``."""
    _info(benchmark, f"row5-word[{word}]", "[d.split().count(w)]", docs_nbytes, word)
    assert _slow(benchmark, python_split_each, docs, word) == expected_doc_words(word)


def test_row5_textops_word(benchmark, docs, docs_nbytes, word, threads, expected_doc_words):
    """``textops.parallel_word_count(DOCS, w, threads=n)``."""
    _info(
        benchmark, f"row5-word[{word}]", "textops.parallel_word_count", docs_nbytes, word, threads
    )
    assert benchmark(
        textops.parallel_word_count, docs, word, threads=threads
    ) == expected_doc_words(word)


@pytest.fixture(scope="session")
def polars_docs(docs: list[str]) -> Any:
    pl = pytest.importorskip("polars", reason="polars is an optional peer: pip install '.[bench]'")
    return pl.Series(docs)


@pytest.fixture(scope="session")
def pyarrow_docs(docs: list[str]) -> Any:
    pa = pytest.importorskip(
        "pyarrow", reason="pyarrow is an optional peer: pip install '.[bench]'"
    )
    return pa.array(docs, type=pa.large_string())


def test_row9_polars_docs(benchmark, polars_docs, docs_nbytes, word, expected_doc_counts):
    """polars ``Series(DOCS).str.count_matches(w, literal=True)``; the result stays a Series."""
    _info(benchmark, f"row5-substring[{word}]", "polars", docs_nbytes, word)
    result = benchmark(polars_docs.str.count_matches, word, literal=True)
    assert result.to_list() == expected_doc_counts(word)


def test_row9_pyarrow_docs(benchmark, pyarrow_docs, docs_nbytes, word, expected_doc_counts):
    """``pyarrow.compute.count_substring`` on DOCS as a large_string array; the result stays an array."""
    import pyarrow.compute as pc

    _info(benchmark, f"row5-substring[{word}]", "pyarrow", docs_nbytes, word)
    result = benchmark(pc.count_substring, pyarrow_docs, word)
    assert result.to_pylist() == expected_doc_counts(word)


def test_row9_stringzilla_docs(benchmark, docs, docs_nbytes, word, expected_doc_counts):
    """``[stringzilla.count(d, w) for d in DOCS]``: a Python loop, as StringZilla has no batch count.

    (``stringzilla.Strs`` holds a batch of strings but offers no ``count``.)
    """
    sz = pytest.importorskip(
        "stringzilla", reason="stringzilla is an optional peer: pip install '.[bench]'"
    )
    _info(benchmark, f"row5-substring[{word}]", "stringzilla (Python loop)", docs_nbytes, word)
    assert _slow(benchmark, lambda: [sz.count(d, word) for d in docs]) == expected_doc_counts(word)


# --- row 6: one call on a 60-character str ----------------------------------


@pytest.fixture(scope="session")
def small_text(books: str) -> str:
    """An ASCII 60-character excerpt of BOOKS that contains the word "the"."""
    start = books.find(f" {FREQUENT} ", len(books) // 2)
    while start >= 0:
        text = books[start - 20 : start + 40]
        if text.isascii() and len(text) == 60:
            textops.substring_count(text, FREQUENT)
            return text
        start = books.find(f" {FREQUENT} ", start + 1)
    pytest.skip(f"no ASCII excerpt of BOOKS around {FREQUENT!r}")


#: implementation -> (function of (text, word), is it a word count rather than a substring count)
SMALL_CALLS: dict[str, tuple[Callable[[str, str], int], bool]] = {
    "textops.word_count": (textops.word_count, True),
    "textops.substring_count": (textops.substring_count, False),
    "str.split().count": (lambda text, word: text.split().count(word), True),
    "str.count": (str.count, False),
}


@pytest.mark.parametrize("impl", list(SMALL_CALLS))
def test_row6_small_call(benchmark, small_text, impl):
    """One call on a 60-character ``str``; pytest-benchmark's median is the figure."""
    fn, counts_words = SMALL_CALLS[impl]
    expected = small_text.split().count(FREQUENT) if counts_words else small_text.count(FREQUENT)
    _info(benchmark, "row6-small-call", impl, len(small_text), FREQUENT)
    assert benchmark(fn, small_text, FREQUENT) == expected


# --- row 7: two Python threads, each word_count(half, threads=1) ------------


def test_row7_one_thread(benchmark, corpus, books_bytes, word, expected_word_count):
    """One Python thread counts both halves of BOOKS, ``word_count(half, w, threads=1)`` each."""
    _info(benchmark, f"row7-python-threads[{word}]", "1 Python thread", len(books_bytes), word, 1)
    assert benchmark(textops_one_thread_both, corpus.halves, word) == expected_word_count(word)


def test_row7_two_threads(benchmark, corpus, books_bytes, word, expected_word_count):
    """Two ``threading.Thread``s, one half of BOOKS each, ``word_count(half, w, threads=1)``."""
    _info(benchmark, f"row7-python-threads[{word}]", "2 Python threads", len(books_bytes), word, 1)
    assert benchmark(textops_two_python_threads, corpus.halves, word) == expected_word_count(word)


# --- row 8: the mmap'ed file vs ripgrep --------------------------------------


def test_row8_textops_mmap(benchmark, books_mmap, books_bytes, word, expected_substring_count):
    """``textops.substring_count(mm, w)`` on the mmap'ed BOOKS file (hot page cache), default threads."""
    _info(
        benchmark,
        f"row8-file[{word}]",
        "textops.substring_count(mmap)",
        len(books_bytes),
        word,
        textops.get_num_threads(),
    )
    assert benchmark(
        textops.substring_count, books_mmap, word.encode()
    ) == expected_substring_count(word)


def test_row8_ripgrep(
    benchmark, books_file, books_mmap, books_bytes, word, expected_substring_count
):
    """The whole ``rg --count-matches -F w FILE`` process on the same file (hot page cache).

    ``--count-matches`` counts every non-overlapping match, as ``bytes.count``
    does for these words (none overlaps itself, none holds a newline).
    """
    if shutil.which("rg") is None:
        pytest.skip("ripgrep (rg) is not on PATH: an optional peer (apt-get install ripgrep)")
    _info(benchmark, f"row8-file[{word}]", "ripgrep process", len(books_bytes), word)
    assert benchmark(ripgrep_count, books_file, word) == expected_substring_count(word)
