"""textops keeps working in fork-started worker processes.

GNU libgomp hangs a forked child that enters a parallel region after the
parent ran one (GCC bug 52303); multiprocessing and ProcessPoolExecutor fork
by default on Linux before Python 3.14.  Each test first runs a genuinely
parallel call in this process, then has a forked worker count.  Every wait
has a timeout, so a hang fails the test instead of hanging the suite.
"""
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import pytest

import textops

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork semantics tested on Linux")

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
