"""textops keeps working in fork-started worker processes.

GNU libgomp hangs a forked child that enters a parallel region after the
parent ran one (GCC bug 52303); multiprocessing and ProcessPoolExecutor fork
by default on Linux before Python 3.14.  Each test first runs a genuinely
parallel call in this process, then has a forked worker count.  Every wait
has a timeout, so a hang fails the test instead of hanging the suite.
"""

import json
import multiprocessing
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

import textops

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="fork semantics tested on Linux"
)

TIMEOUT = 60
TEXT = "the cat sat on the mat\u3000thethe the\n" * 40_000  # ~1.2 MB of UTF-8
DATA = TEXT.encode()
FORK = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None


def child_counts(threads):
    """The counts computed in the worker process."""
    return [
        textops.word_count(TEXT, "the", threads=threads),
        textops.substring_count(TEXT, "the", threads=threads),
        textops.word_count(DATA, b"the", threads=threads),
        textops.substring_count(DATA, b"the", threads=threads),
        textops.parallel_word_count([TEXT, DATA[:1000].decode()], "the", threads=threads),
    ]


def expected_counts():
    return [
        TEXT.split().count("the"),
        TEXT.count("the"),
        DATA.split().count(b"the"),
        DATA.count(b"the"),
        [t.split().count("the") for t in (TEXT, DATA[:1000].decode())],
    ]


@pytest.fixture
def parent_ran_parallel_region(set_min_chunk):
    """Run a multi-threaded call in this process before forking."""
    set_min_chunk(1024)
    assert textops.word_count(TEXT, "the", threads=2) == TEXT.split().count("the")
    assert textops.substring_count(DATA, b"the", threads=2) == DATA.count(b"the")


@contextmanager
def fork_executor():
    """A one-worker fork ProcessPoolExecutor whose worker is killed on failure.

    A hung worker would make the normal shutdown(wait=True) wait forever.
    """
    executor = ProcessPoolExecutor(max_workers=1, mp_context=FORK)
    try:
        yield executor
    except BaseException:
        for process in list((executor._processes or {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


@pytest.mark.parametrize("threads", [None, 1, 2])
def test_multiprocessing_pool_fork_child(parent_ran_parallel_region, threads):
    """A fork Pool worker counts correctly (and does not hang)."""
    with FORK.Pool(1) as pool:  # __exit__ terminates a hung worker
        result = pool.apply_async(child_counts, (threads,)).get(timeout=TIMEOUT)
    assert result == expected_counts()


@pytest.mark.parametrize("threads", [None, 1, 2])
def test_process_pool_executor_fork_child(parent_ran_parallel_region, threads):
    """A fork ProcessPoolExecutor worker counts correctly (and does not hang)."""
    with fork_executor() as executor:
        result = executor.submit(child_counts, threads).result(timeout=TIMEOUT)
    assert result == expected_counts()


def test_parent_still_parallel_after_fork(parent_ran_parallel_region):
    """Forking does not break the parent: it still counts on several threads."""
    with FORK.Pool(1) as pool:
        pool.apply_async(child_counts, (2,)).get(timeout=TIMEOUT)
    assert textops.word_count(TEXT, "the", threads=2) == TEXT.split().count("the")
    assert textops.get_num_threads() >= 1


# --------------------------------------------------------------------------
# Every start method, after the parent used every thread count, and with
# textops first used in the child
# --------------------------------------------------------------------------

METHODS = [
    m for m in ("fork", "forkserver", "spawn") if m in multiprocessing.get_all_start_methods()
]


@pytest.fixture
def parent_used_every_thread_count(set_min_chunk):
    """Run each thread count (and the default) here, in teams, before the pool."""
    set_min_chunk(1024)
    for threads in (None, 1, 2, 3, 8, 64):
        assert textops.word_count(TEXT, "the", threads=threads) == TEXT.split().count("the")
        assert textops.line_word_counts(DATA, b"the", threads=threads)[:2] == [3, 3]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("pool", ["Pool", "ProcessPoolExecutor"])
def test_every_start_method(parent_used_every_thread_count, method, pool):
    """Workers of every start method count right on 1, 2 and default threads."""
    context = multiprocessing.get_context(method)
    if pool == "Pool":
        with context.Pool(2) as workers:
            results = [workers.apply_async(child_counts, (t,)) for t in (None, 1, 2)]
            got = [r.get(timeout=TIMEOUT) for r in results]
    else:
        executor = ProcessPoolExecutor(max_workers=2, mp_context=context)
        try:
            got = [
                f.result(timeout=TIMEOUT)
                for f in [executor.submit(child_counts, t) for t in (None, 1, 2)]
            ]
        except BaseException:
            for process in list((executor._processes or {}).values()):
                process.kill()
            raise
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
    assert got == [expected_counts()] * 3


FIRST_USE_IN_CHILD = r"""
import json, multiprocessing, sys
from concurrent.futures import ProcessPoolExecutor

TEXT = "the cat sat on the mat\u3000thethe the\n" * 40_000

def child(threads):
    import textops  # first import and first use happen here
    return [textops.word_count(TEXT, "the", threads=threads),
            textops.substring_count(TEXT.encode(), b"the", threads=threads),
            sum(textops.line_word_counts(TEXT, "the", threads=threads))]

if __name__ == "__main__":
    assert "textops" not in sys.modules
    results = {}
    for method in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context(method)
        with context.Pool(1) as pool:
            results[method] = pool.apply_async(child, (2,)).get(timeout=60)
        with ProcessPoolExecutor(1, mp_context=context) as executor:
            assert executor.submit(child, None).result(timeout=60) == results[method]
    print(json.dumps(results))
"""


def test_textops_first_used_in_child(tmp_path):
    """A parent that never imported textops: its workers (fork, forkserver,
    spawn) import it and count on several threads."""
    script = tmp_path / "first_use.py"
    script.write_text(FIRST_USE_IN_CHILD)
    root = str(Path(textops.__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=root)
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    text = "the cat sat on the mat\u3000thethe the\n" * 40_000
    expected = [
        text.split().count("the"),
        text.count("the"),
        sum(line.split().count("the") for line in text.splitlines()),
    ]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == dict.fromkeys(METHODS, expected)


def child_thread_settings():
    """get_num_threads() in a forked child, by default and after set_num_threads(2)."""
    default = textops.get_num_threads()
    textops.set_num_threads(2)
    try:
        return [default, textops.get_num_threads()]
    finally:
        textops.set_num_threads(None)


def test_get_num_threads_in_fork_child_says_what_runs(parent_ran_parallel_region):
    """In a forked child every call runs on one thread: get_num_threads()
    said 2 after set_num_threads(2) there; it reports 1."""
    with FORK.Pool(1) as pool:
        result = pool.apply_async(child_thread_settings).get(timeout=TIMEOUT)
    assert result == [1, 1]
    textops.set_num_threads(2)  # the parent is not a forked child
    try:
        assert textops.get_num_threads() == 2
    finally:
        textops.set_num_threads(None)
