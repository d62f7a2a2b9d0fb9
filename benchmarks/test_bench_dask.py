"""The targets of issue 11 (textops on Dask), one benchmark group per row.

Run from the repository root (``pytest`` alone runs only ``tests/``), small::

    TEXTOPS_BENCH_DASK_MB=16 TEXTOPS_BENCH_DASK_FILES=16 TEXTOPS_BENCH_DASK_ROWS=200000 \\
        python -m pytest benchmarks/test_bench_dask.py --benchmark-only

Inputs: ``$TEXTOPS_BENCH_DASK_FILES`` files (default 50) of generated
English-like text (``textops._bench.generate_books``), ``$TEXTOPS_BENCH_DASK_MB``
MB in all (default 200); a dask dataframe of ``$TEXTOPS_BENCH_DASK_ROWS`` rows
(default 10,000,000) of short documents. Every benchmark runs on a real
``distributed.LocalCluster`` (2 worker processes of 1 thread, or 1 for the
scaling row; the bound rows run in this process with no Dask), asserts its result against the single-machine textops answer,
and records ``extra_info`` ``impl`` and ``bytes``. Slow baselines run one
round (``benchmark.pedantic``).

Groups: ``dask-files`` (rows 1 and 2: textops.dask.word_frequencies vs
Dask's ``read_text(...).str.split().flatten().frequencies()`` vs a fold of
per-file ``Counter``s; and the bound of both, ``textops.file_word_frequencies``
of the same files on both cores with no Dask), ``dask-docs`` (row 3:
per-document word_count vs ``Series.map``), ``dask-scaling`` (row 4: 1 worker
vs 2), ``dask-scaling-bound`` (the same count with no Dask on 1 thread vs 2:
what this machine gives), ``dask-merge`` (the merge alone: compact partials
vs Counters), ``dask-matrix`` (``textops.dask.count_matrix`` of the files vs
scikit-learn's ``CountVectorizer(input="filename")`` on the client),
``dask-memory`` (row 5: the client's peak memory growth while 1 GB of files,
``$TEXTOPS_BENCH_DASK_GB``, are counted; ``extra_info["client_growth_mb"]``).
"""

from __future__ import annotations

import functools
import operator
import os
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

dask = pytest.importorskip("dask")
db = pytest.importorskip("dask.bag")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import textops
import textops.dask as tdask
from textops._bench import generate_books

MB = float(os.environ.get("TEXTOPS_BENCH_DASK_MB", "200"))
FILES = int(os.environ.get("TEXTOPS_BENCH_DASK_FILES", "50"))
ROWS = int(os.environ.get("TEXTOPS_BENCH_DASK_ROWS", "10000000"))
GB = float(os.environ.get("TEXTOPS_BENCH_DASK_GB", "1"))


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    root = tmp_path_factory.mktemp("dask-bench")
    books = generate_books(int(MB * 1e6 / FILES) * 4, n_books=4)
    out = []
    for i in range(FILES):
        path = root / f"part{i:04d}.txt"
        path.write_text(books[i % len(books)][: int(MB * 1e6 / FILES)], encoding="utf-8")
        out.append(str(path))
    return out


@pytest.fixture(scope="module")
def nbytes(paths):
    return sum(os.path.getsize(p) for p in paths)


@pytest.fixture(scope="module")
def expected(paths):
    return textops.file_word_frequencies(paths)


def _client(workers):
    cluster = distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    return cluster, distributed.Client(cluster, set_as_default=False)


@pytest.fixture(scope="module")
def client2():
    cluster, client = _client(2)
    with cluster, client:
        yield client


@pytest.fixture(scope="module")
def client1():
    cluster, client = _client(1)
    with cluster, client:
        yield client


def _file_counter(path):
    with open(path, encoding="utf-8") as f:
        return Counter(f.read().split())


def _split_count(doc, word):
    return doc.split().count(word)


def _info(benchmark, impl, nbytes, workers=2):
    benchmark.extra_info.update(impl=impl, bytes=nbytes, workers=workers)


# --- rows 1 and 2: file frequencies ----------------------------------------


def test_textops_dask_files(benchmark, client2, paths, nbytes, expected):
    benchmark.group = "dask-files"
    _info(benchmark, "textops.dask.word_frequencies", nbytes)
    got = benchmark(lambda: client2.compute(tdask.word_frequencies(paths)).result())
    assert got == expected and list(got) == list(expected)


def test_dask_read_text_frequencies(benchmark, client2, paths, nbytes, expected):
    benchmark.group = "dask-files"
    _info(benchmark, "db.read_text.str.split.flatten.frequencies", nbytes)
    bag = db.read_text(paths).str.split().flatten().frequencies()
    got = benchmark.pedantic(lambda: client2.compute(bag).result(), rounds=1, iterations=1)
    assert dict(got) == expected


def test_dask_counter_fold(benchmark, client2, paths, nbytes, expected):
    benchmark.group = "dask-files"
    _info(benchmark, "bag.map(Counter(open(p).read().split())).fold(add)", nbytes)
    bag = db.from_sequence(paths, npartitions=len(paths)).map(_file_counter).fold(operator.add)
    got = benchmark.pedantic(lambda: client2.compute(bag).result(), rounds=1, iterations=1)
    assert got == expected


def test_single_machine_files(benchmark, paths, nbytes, expected):
    """The bound of rows 1 and 2: the same count in the client's process on
    both cores, with no Dask at all."""
    benchmark.group = "dask-files"
    _info(benchmark, "textops.file_word_frequencies, no Dask", nbytes, workers=0)
    got = benchmark(textops.file_word_frequencies, paths, threads=2)
    assert got == expected


# --- row 4: 1 worker vs 2 ----------------------------------------------------


def test_textops_dask_files_one_worker(benchmark, client1, paths, nbytes, expected):
    benchmark.group = "dask-scaling"
    _info(benchmark, "textops.dask.word_frequencies", nbytes, workers=1)
    got = benchmark(lambda: client1.compute(tdask.word_frequencies(paths)).result())
    assert got == expected


def test_textops_dask_files_two_workers(benchmark, client2, paths, nbytes, expected):
    benchmark.group = "dask-scaling"
    _info(benchmark, "textops.dask.word_frequencies", nbytes, workers=2)
    got = benchmark(lambda: client2.compute(tdask.word_frequencies(paths)).result())
    assert got == expected


@pytest.mark.parametrize("threads", [1, 2])
def test_single_machine_files_threads(benchmark, paths, nbytes, expected, threads):
    """What the machine itself gives from 1 core to 2 on this count, with no
    Dask: the bound of row 4."""
    benchmark.group = "dask-scaling-bound"
    _info(benchmark, f"textops.file_word_frequencies, threads={threads}", nbytes, workers=0)
    got = benchmark(textops.file_word_frequencies, paths, threads=threads)
    assert got == expected


# --- row 3: per-document word_count on a dataframe ---------------------------


@pytest.fixture(scope="module")
def docs_frame(paths):
    with open(paths[0], encoding="utf-8") as f:
        words = f.read(4_000_000).split()
    docs = [
        " ".join(words[i % (len(words) - 20) :][: 5 + i % 15]) for i in range(min(ROWS, 100_000))
    ]
    reps = -(-ROWS // len(docs))
    series = pd.Series((docs * reps)[:ROWS], dtype="string[pyarrow]")
    return series, dd.from_pandas(pd.DataFrame({"text": series}), npartitions=8)


def test_textops_dask_accessor(benchmark, client2, docs_frame):
    series, frame = docs_frame
    benchmark.group = "dask-docs"
    _info(benchmark, "ddf.text.textops.word_count", int(series.str.len().sum()))
    lazy = frame["text"].textops.word_count("the")
    got = benchmark(lambda: client2.compute(lazy).result())
    assert got.tolist() == series.textops.word_count("the").tolist()


def test_dask_map_split_count(benchmark, client2, docs_frame):
    series, frame = docs_frame
    benchmark.group = "dask-docs"
    _info(benchmark, "ddf.text.map(d.split().count(w))", int(series.str.len().sum()))
    lazy = frame["text"].map(functools.partial(_split_count, word="the"), meta=("text", "int64"))
    got = benchmark.pedantic(lambda: client2.compute(lazy).result(), rounds=1, iterations=1)
    assert got.tolist() == series.textops.word_count("the").tolist()


# --- the merge alone: compact partials vs Counters ---------------------------


@pytest.fixture(scope="module")
def per_file(paths):
    return [textops.file_word_frequencies([p]) for p in paths]


def test_merge_compact_partials(benchmark, paths, expected):
    benchmark.group = "dask-merge"
    benchmark.extra_info.update(impl="textops.dask partials, tree of 8")
    parts = [tdask._files_frequencies([[p]], None, tdask._SPLIT, "utf-8", 1) for p in paths]

    def merge():
        level = parts
        while len(level) > 1:
            level = [tdask._merge(level[i : i + 8]) for i in range(0, len(level), 8)]
        return tdask._counter(level[0])

    assert benchmark(merge) == expected


def test_merge_counter_fold(benchmark, per_file, expected):
    benchmark.group = "dask-merge"
    benchmark.extra_info.update(impl="Counter fold(operator.add)")

    def merge():
        total = Counter()
        for c in per_file:
            total = total + c
        return total

    assert benchmark(merge) == expected


# --- the document-term matrix: textops.dask vs scikit-learn on the client ----


def test_textops_dask_count_matrix(benchmark, client2, paths, nbytes):
    benchmark.group = "dask-matrix"
    _info(benchmark, "textops.dask.count_matrix(paths)", nbytes)
    X, vocabulary = benchmark(lambda: client2.compute(tdask.count_matrix(paths)).result())
    benchmark.extra_info.update(nnz=int(X.nnz), terms=len(vocabulary))
    Y, expected = textops.count_matrix([Path(p).read_text(encoding="utf-8") for p in paths])
    assert vocabulary == expected and (X != Y).nnz == 0


def test_sklearn_count_vectorizer_filenames(benchmark, paths, nbytes):
    text = pytest.importorskip("sklearn.feature_extraction.text")
    benchmark.group = "dask-matrix"
    _info(benchmark, "sklearn CountVectorizer(input='filename'), client", nbytes, workers=0)
    vectorizer = text.CountVectorizer(input="filename")
    X = benchmark.pedantic(lambda: vectorizer.fit_transform(paths), rounds=1, iterations=1)
    assert X.shape[0] == len(paths)


# --- row 5: client memory while the workers count a gigabyte -----------------


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_client_memory_counting_a_gigabyte(benchmark, client2, tmp_path_factory):
    root = tmp_path_factory.mktemp("dask-gigabyte")
    book = generate_books(4_000_000, n_books=1)[0].encode("utf-8")
    big = []
    for i in range(max(1, int(GB * 1e9 / len(book)))):
        path = root / f"g{i:04d}.txt"
        path.write_bytes(book)
        big.append(str(path))
    benchmark.group = "dask-memory"
    _info(benchmark, "textops.dask.word_frequencies, client RSS", len(book) * len(big))
    peak, done = [_rss()], threading.Event()

    def sample():
        while not done.is_set():
            peak.append(_rss())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    before = _rss()
    sampler.start()
    try:
        got = benchmark.pedantic(
            lambda: client2.compute(tdask.word_frequencies(big)).result(), rounds=1, iterations=1
        )
    finally:
        done.set()
        sampler.join()
    growth = (max(peak) - before) / 1e6
    benchmark.extra_info["client_growth_mb"] = round(growth, 1)
    assert got == Counter(
        {w: c * len(big) for w, c in textops.word_frequencies(book.decode()).items()}
    )
