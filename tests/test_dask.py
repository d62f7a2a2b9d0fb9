"""textops.dask on real Dask: the synchronous and threaded schedulers and
real distributed.LocalCluster processes, against Python and single-machine
textops."""

import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

dask = pytest.importorskip("dask")
db = pytest.importorskip("dask.bag")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import textops
import textops.dask as tdask
from strategies import BYTES, STR, texts
from textops import TextopsTypeError

# Words with non-ASCII letters, Unicode whitespace inside the texts, and a
# vocabulary large enough that partials differ in their keys and order.
VOCAB = ["the", "a", "é", "the\u00e9", "Ωmega", "x", "日本", "cat", "hat"] + [
    f"w{i}" for i in range(300)
]
SPACES = [" ", " ", "\n", "\t", "\u3000", "\u2028", "  "]
WORDS = ["the", "é", "日本", "w7", "absent", "w299"]


def make_texts(n, seed):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.randrange(0, 30)
        out.append("".join(rng.choice(VOCAB) + rng.choice(SPACES) for _ in range(k)))
    return out


TEXTS = make_texts(400, 1)


def python_frequencies(items, sep=None):
    return Counter(w for t in items for w in t.split(sep))


def assert_same_counter(got, want):
    assert type(got) is Counter
    assert got == want
    assert list(got) == list(want)  # first-occurrence order, as Counter's


@pytest.fixture(scope="module")
def cluster2x1():
    """2 worker processes, 1 thread each."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def cluster1x2():
    """1 worker process with 2 threads."""
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield client


@pytest.fixture(params=["sync", "threads", "cluster2x1", "cluster1x2"])
def compute(request):
    """compute(lazy) on one of the schedulers."""
    if request.param in ("sync", "threads"):
        return lambda lazy: lazy.compute(scheduler=request.param)
    client = request.getfixturevalue(request.param)
    return lambda lazy: client.compute(lazy).result(timeout=120)


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory):
    """20 files (some empty, some non-ASCII) of generated text."""
    root = tmp_path_factory.mktemp("corpus")
    paths = []
    for i in range(20):
        path = root / f"f{i:02d}.txt"
        path.write_text("".join(make_texts(30 if i % 7 else 0, 100 + i)), encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.fixture
def small_groups(monkeypatch):
    """Files go to tasks 3 at a time, so 20 files make 7 tasks."""
    monkeypatch.setattr(tdask, "GROUP_FILES", 3)


# --- the merge of partials, on its own --------------------------------------


def _tree_merge(parts, rng):
    """Merge partials as a tree of random shape, keeping their order."""
    while len(parts) > 1:
        i = rng.randrange(len(parts) - 1)
        j = rng.randrange(i + 2, len(parts) + 1)
        parts = parts[:i] + [tdask._merge(parts[i:j])] + parts[j:]
    return parts[0] if parts else tdask._merge([])


@given(data=st.data(), alphabet=st.sampled_from([STR, BYTES]), seed=st.integers(0, 2**32))
def test_merge_of_partials_is_counter_sum_in_first_occurrence_order(data, alphabet, seed):
    chunks = data.draw(st.lists(st.lists(texts(alphabet, max_pieces=12), max_size=5), max_size=8))
    parts = [tdask._texts_frequencies(chunk, None, tdask._SPLIT, 1) for chunk in chunks]
    merged = tdask._counter(_tree_merge(parts, random.Random(seed)))
    assert_same_counter(merged, python_frequencies([t for c in chunks for t in c]))


# --- a bag of texts, on every scheduler --------------------------------------


def test_bag_of_str_texts(compute):
    bag = db.from_sequence(TEXTS, npartitions=9)
    want = python_frequencies(TEXTS)
    assert_same_counter(compute(tdask.word_frequencies(bag, split_every=3)), want)
    assert_same_counter(compute(tdask.word_frequencies(bag)), textops.word_frequencies(TEXTS))
    assert compute(tdask.word_counts(bag, WORDS)) == {
        w: sum(t.split().count(w) for t in TEXTS) for w in WORDS
    }
    assert compute(tdask.word_count(bag, "the")) == sum(t.split().count("the") for t in TEXTS)
    assert compute(tdask.substring_count(bag, "he")) == sum(t.count("he") for t in TEXTS)
    sep_want = python_frequencies(TEXTS, " ")
    assert_same_counter(compute(tdask.word_frequencies(bag, sep=" ")), sep_want)


def test_bag_of_bytes_texts_and_lone_surrogates():
    raw = [t.encode("utf-8") for t in TEXTS[:100]]
    bag = db.from_sequence(raw, npartitions=5)
    assert_same_counter(
        tdask.word_frequencies(bag).compute(scheduler="threads"), python_frequencies(raw)
    )
    assert tdask.word_count(bag, b"the").compute(scheduler="sync") == sum(
        t.split().count(b"the") for t in raw
    )
    assert tdask.substring_count(bag, 32).compute(scheduler="sync") == sum(
        t.count(b" ") for t in raw
    )
    odd = ["a \ud800 b", "\udfff a", "b \ud800"]
    assert_same_counter(
        tdask.word_frequencies(db.from_sequence(odd, npartitions=3)).compute(scheduler="sync"),
        python_frequencies(odd),
    )


def test_empty_bag_and_empty_partitions():
    empty = db.from_sequence([], npartitions=1)
    assert tdask.word_frequencies(empty).compute(scheduler="sync") == Counter()
    assert tdask.word_count(empty, "a").compute(scheduler="sync") == 0
    assert tdask.word_counts(empty, ["a"]).compute(scheduler="sync") == {"a": 0}
    some = db.from_sequence(["", "", "a b", "", ""], npartitions=5)
    assert_same_counter(tdask.word_frequencies(some).compute(scheduler="sync"), Counter(["a", "b"]))


# --- a dask dataframe Series -------------------------------------------------


def _series_values():
    values = list(TEXTS[:200])
    for i in range(0, 200, 17):
        values[i] = None
    return values


def test_series_totals(compute):
    values = _series_values()
    present = [v for v in values if v is not None]
    series = dd.from_pandas(pd.Series(values, dtype=object), npartitions=6)
    assert_same_counter(compute(tdask.word_frequencies(series)), python_frequencies(present))
    assert_same_counter(compute(series.textops.word_frequencies()), python_frequencies(present))
    assert compute(tdask.word_counts(series, WORDS)) == {
        w: sum(t.split().count(w) for t in present) for w in WORDS
    }
    assert compute(tdask.word_count(series, "é")) == sum(t.split().count("é") for t in present)
    assert compute(tdask.substring_count(series, "t")) == sum(t.count("t") for t in present)


@pytest.mark.parametrize("dtype", [object, "string[pyarrow]"], ids=str)
def test_series_accessor_per_document(compute, dtype):
    values = _series_values()
    index = pd.Index([f"r{i}" for i in range(len(values))])
    local = pd.Series(values, index=index, dtype=dtype, name="text")
    frame = dd.from_pandas(
        pd.DataFrame({"text": local, "n": range(len(values))}), npartitions=5, sort=False
    )
    lazy = frame["text"].textops.word_count("the", threads=1)
    assert str(lazy.dtype) == "Int64" and lazy.name == "text"
    got = compute(lazy)
    assert got.dtype == "Int64" and got.index.tolist() == index.tolist()
    assert got.tolist() == [pd.NA if v is None else v.split().count("the") for v in values]
    assert got.tolist() == local.textops.word_count("the").tolist()
    subs = compute(frame["text"].textops.substring_count("he"))
    assert subs.tolist() == [pd.NA if v is None else v.count("he") for v in values]


def test_series_of_non_strings_raises():
    with dask.config.set({"dataframe.convert-string": False}):  # else 3 becomes "3"
        series = dd.from_pandas(pd.Series(["a", 3, "b"], dtype=object), npartitions=1)
    with pytest.raises(TextopsTypeError, match="position 1"):
        tdask.word_frequencies(series).compute(scheduler="sync")


# --- files -------------------------------------------------------------------


def test_files(compute, corpus_files, small_groups):
    decoded = [Path(p).read_bytes().decode("utf-8") for p in corpus_files]
    want = textops.file_word_frequencies(corpus_files)
    assert_same_counter(want, python_frequencies(decoded))
    assert_same_counter(compute(tdask.word_frequencies(corpus_files, split_every=2)), want)
    glob = os.path.join(os.path.dirname(corpus_files[0]), "f*.txt")
    assert_same_counter(compute(tdask.word_frequencies(glob)), want)
    assert compute(tdask.word_counts(corpus_files, WORDS)) == {
        w: sum(t.split().count(w) for t in decoded) for w in WORDS
    }
    assert compute(tdask.word_count(corpus_files, "the")) == sum(
        t.split().count("the") for t in decoded
    )
    assert compute(tdask.substring_count(corpus_files, "é")) == sum(t.count("é") for t in decoded)
    raw = [Path(p).read_bytes() for p in corpus_files]
    assert_same_counter(
        compute(tdask.word_frequencies(corpus_files, encoding=None)), python_frequencies(raw)
    )
    assert compute(tdask.word_count(corpus_files, b"the", encoding=None)) == sum(
        t.split().count(b"the") for t in raw
    )


def test_missing_file_raises_the_single_machine_error(cluster2x1, corpus_files, small_groups):
    paths = corpus_files[:5] + [corpus_files[0] + ".missing"] + corpus_files[5:]
    with pytest.raises(FileNotFoundError) as local:
        textops.file_word_frequencies(paths)
    for lazy in (
        tdask.word_frequencies(paths),
        tdask.word_count(paths, "the"),
        tdask.word_counts(paths, ["the"]),
    ):
        with pytest.raises(FileNotFoundError) as remote:
            cluster2x1.compute(lazy).result(timeout=60)
        assert str(remote.value) == str(local.value)
        assert remote.value.filename == paths[5]


def test_invalid_utf8_file_raises_the_single_machine_error(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok \xff no")
    with pytest.raises(UnicodeDecodeError) as local:
        textops.file_word_frequencies([str(bad)])
    with pytest.raises(UnicodeDecodeError) as remote:
        tdask.word_frequencies([str(bad)]).compute(scheduler="threads")
    assert str(remote.value) == str(local.value)


# --- bad arguments, raised on the client when the graph is made --------------


def test_bad_arguments(corpus_files, tmp_path):
    with pytest.raises(TextopsTypeError, match="collection"):
        tdask.word_frequencies(3)
    frame = dd.from_pandas(pd.DataFrame({"text": ["a"]}), npartitions=1)
    with pytest.raises(TextopsTypeError, match="DataFrame"):
        tdask.word_count(frame, "a")
    with pytest.raises(FileNotFoundError, match="no file matches"):
        tdask.word_frequencies(str(tmp_path / "none*.txt"))
    with pytest.raises(TextopsTypeError, match="word"):
        tdask.word_count(corpus_files, b"the")
    with pytest.raises(TextopsTypeError, match="word"):
        frame["text"].textops.word_count(b"a")
    with pytest.raises(TextopsTypeError, match="threads"):
        tdask.word_count(corpus_files, "the", threads="2")
    with pytest.raises(TextopsTypeError, match="single"):
        tdask.word_counts(corpus_files, "the")


def test_a_collection_of_str_and_bytes_raises():
    bag = db.from_sequence(["a b", b"a"], npartitions=2)  # each partition is fine
    with pytest.raises(TextopsTypeError, match="one kind"):
        tdask.word_frequencies(bag).compute(scheduler="sync")
    with pytest.raises(TextopsTypeError):  # within a partition: textops' own error
        tdask.word_frequencies(db.from_sequence(["a", b"a"], npartitions=1)).compute(
            scheduler="sync"
        )


# --- threads inside tasks ----------------------------------------------------


def test_task_threads(cluster1x2):
    assert tdask.task_threads(None) is None  # the synchronous case: every core
    assert tdask.task_threads(3) == 3
    on_thread = db.from_sequence([0], npartitions=1).map(lambda _: tdask.task_threads(None))
    assert on_thread.compute(scheduler="threads") == [1]
    # a worker running 2 tasks at once: 1 thread each, whatever its OpenMP says
    assert cluster1x2.submit(tdask.task_threads, None, pure=False).result() == 1
    assert cluster1x2.submit(tdask.task_threads, 2, pure=False).result() == 2
    # a textops default set on the worker is its own choice and is kept
    cluster1x2.run(textops.set_num_threads, 2)
    try:
        assert cluster1x2.submit(tdask.task_threads, None, pure=False).result() is None
        assert cluster1x2.submit(textops.get_num_threads, pure=False).result() == 2
    finally:
        cluster1x2.run(textops.set_num_threads, None)


def test_forked_worker_counts_on_one_thread_and_does_not_hang(corpus_files, small_groups):
    textops.word_frequencies(TEXTS, threads=2)  # OpenMP's pool exists before the fork
    want = textops.file_word_frequencies(corpus_files)
    with (
        dask.config.set({"distributed.worker.multiprocessing-method": "fork"}),
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        assert client.submit(textops.get_num_threads, pure=False).result(timeout=60) == 1
        got = client.compute(tdask.word_frequencies(corpus_files, threads=2)).result(timeout=60)
        assert_same_counter(got, want)


# --- a worker lost mid-computation (last: it restarts a worker) -------------


def _texts_after(event_name, texts):
    """The texts, once the distributed Event of that name is set."""
    distributed.Event(event_name).wait()
    return texts


def test_worker_killed_mid_computation_gives_the_exact_result(cluster2x1):
    client = cluster2x1
    chunks = [TEXTS[i::8] for i in range(8)]
    event = distributed.Event("textops-dask-go", client=client)
    # the last partition waits for the event: the others are counted and
    # merged meanwhile, and their partials sit in the workers' memory
    parts = [dask.delayed(list)(c) for c in chunks[:-1]]
    parts.append(dask.delayed(_texts_after)(event.name, chunks[-1]))
    lazy = tdask.word_frequencies(db.from_delayed(parts), split_every=2)
    want = python_frequencies([t for c in chunks for t in c])
    future = client.compute(lazy)
    deadline = time.monotonic() + 60
    while True:
        held = {w: keys for w, keys in client.has_what().items() if keys}
        if held:
            break
        assert time.monotonic() < deadline, "the computation did not start"
        time.sleep(0.05)
    victim = next(iter(held))
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    assert not future.done()
    deadline = time.monotonic() + 60
    while victim in client.scheduler_info()["workers"]:
        assert time.monotonic() < deadline, "the killed worker was not noticed"
        time.sleep(0.05)
    event.set()
    assert_same_counter(future.result(timeout=120), want)


# --- count_matrix: each task's matrix, merged on the sorted union of terms ---

MATRIX_RULES = [
    {},  # CountVectorizer's defaults: r"(?u)\b\w\w+\b", lowercase
    {"pattern": r"\w+", "lowercase": False, "ngram_range": (1, 2)},
    {"pattern": None, "lowercase": True, "ngram_range": (2, 2), "stop_words": ["the", "a"]},
]


def assert_same_matrix(got, want):
    """The same CSR arrays (a row's columns in the same order) and the same
    vocabulary, in column order."""
    (X, vocabulary), (Y, expected) = got, want
    assert type(X) is type(Y) and X.shape == Y.shape and X.dtype == Y.dtype
    assert X.indptr.tolist() == Y.indptr.tolist()
    assert X.indices.tolist() == Y.indices.tolist()
    assert X.data.tolist() == Y.data.tolist()
    assert list(vocabulary.items()) == list(expected.items())


def _matrix_parts(chunks, options):
    return [tdask._texts_matrix(chunk, options, 1) for chunk in chunks]


@given(
    data=st.data(),
    alphabet=st.sampled_from([STR, BYTES]),
    rule=st.sampled_from(MATRIX_RULES),
    seed=st.integers(0, 2**32),
)
def test_merge_of_matrices_is_the_matrix_of_all_documents(data, alphabet, rule, seed):
    chunks = data.draw(st.lists(st.lists(texts(alphabet, max_pieces=12), max_size=5), max_size=8))
    rule = dict(rule)
    if alphabet is BYTES:
        rule["pattern"] = rule.get("pattern", r"(?u)\b\w\w+\b")
        if rule["pattern"] is not None:
            rule["pattern"] = rb"\w+" if rule["pattern"] == r"\w+" else rb"\b\w\w+\b"
        rule["stop_words"] = [w.encode() for w in rule.get("stop_words", [])]
    options = tdask._MatrixOptions(
        rule.get("pattern", r"(?u)\b\w\w+\b"),
        rule.get("lowercase", True),
        rule.get("ngram_range", (1, 1)),
        tuple(rule.get("stop_words", ())),
    )
    rng = random.Random(seed)
    parts = _matrix_parts(chunks, options)
    while len(parts) > 1:  # a tree of random shape, in order
        i = rng.randrange(len(parts) - 1)
        j = rng.randrange(i + 2, len(parts) + 1)
        parts = parts[:i] + [tdask._merge_matrices(parts[i:j])] + parts[j:]
    merged = tdask._matrix_result(tdask._merge_matrices(parts))
    documents = [t for chunk in chunks for t in chunk]
    assert_same_matrix(merged, textops.count_matrix(documents, **rule))


@pytest.mark.parametrize("rule", MATRIX_RULES, ids=["default", "words-bigrams", "split-bigrams"])
def test_count_matrix_of_a_bag(compute, rule):
    bag = db.from_sequence(TEXTS, npartitions=9)
    assert_same_matrix(
        compute(tdask.count_matrix(bag, split_every=3, **rule)),
        textops.count_matrix(TEXTS, **rule),
    )


def test_count_matrix_is_scikit_learns(cluster2x1):
    feature_extraction = pytest.importorskip("sklearn.feature_extraction.text")
    bag = db.from_sequence(TEXTS, npartitions=7)
    for rule, params in [
        ({}, {}),
        ({"ngram_range": (1, 2)}, {"ngram_range": (1, 2)}),
        ({"pattern": r"\w+", "lowercase": False}, {"token_pattern": r"\w+", "lowercase": False}),
    ]:
        vectorizer = feature_extraction.CountVectorizer(**params)
        want = vectorizer.fit_transform(TEXTS)
        X, vocabulary = cluster2x1.compute(tdask.count_matrix(bag, **rule)).result(timeout=120)
        assert vocabulary == vectorizer.vocabulary_
        assert (want != X).nnz == 0 and X.shape == want.shape


def test_count_matrix_of_a_series_and_of_files(compute, corpus_files, small_groups):
    values = _series_values()
    series = dd.from_pandas(pd.Series(values, dtype="string[pyarrow]"), npartitions=6)
    documents = ["" if v is None else v for v in values]  # a missing value: an empty document
    assert_same_matrix(compute(tdask.count_matrix(series)), textops.count_matrix(documents))
    decoded = [Path(p).read_bytes().decode("utf-8") for p in corpus_files]
    assert_same_matrix(
        compute(tdask.count_matrix(corpus_files, split_every=2)), textops.count_matrix(decoded)
    )
    raw = [Path(p).read_bytes() for p in corpus_files]
    assert_same_matrix(
        compute(tdask.count_matrix(corpus_files, pattern=rb"\w+", encoding=None)),
        textops.count_matrix(raw, pattern=rb"\w+"),
    )


def test_count_matrix_empty_and_errors(corpus_files, tmp_path):
    X, vocabulary = tdask.count_matrix(db.from_sequence([], npartitions=1)).compute(
        scheduler="sync"
    )
    assert X.shape == (0, 0) and vocabulary == {}
    X, vocabulary = tdask.count_matrix(db.from_sequence(["a", "", "b"], npartitions=3)).compute(
        scheduler="sync"
    )
    assert X.shape == (3, 0) and vocabulary == {}  # terms have two characters or more
    with pytest.raises(textops.TextopsValueError, match="ngram_range"):
        tdask.count_matrix(corpus_files, ngram_range=(1, 3))
    with pytest.raises(TextopsTypeError, match="stop_words"):
        tdask.count_matrix(corpus_files, stop_words="the")
    with pytest.raises(textops.TextopsValueError, match="pattern"):
        tdask.count_matrix(corpus_files, pattern=r"[a-z]+")
    with pytest.raises(TextopsTypeError):  # a bytes pattern for str files
        tdask.count_matrix(corpus_files, pattern=rb"\w+")
    with pytest.raises(FileNotFoundError) as remote:
        tdask.count_matrix([corpus_files[0], str(tmp_path / "gone.txt")]).compute(
            scheduler="threads"
        )
    assert remote.value.filename == str(tmp_path / "gone.txt")
    with pytest.raises(TextopsTypeError, match="one kind"):
        tdask.count_matrix(db.from_sequence(["ab", b"ab"], npartitions=2), pattern=None).compute(
            scheduler="sync"
        )
