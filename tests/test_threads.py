"""Thread control (set/get_num_threads, env var, threadpoolctl), results that
do not depend on the thread count, and calls from several Python threads."""

import json
import os
import random
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import textops
from strategies import assert_exact

PACKAGE_ROOT = str(Path(textops.__file__).resolve().parent.parent)


def run_python(code, **env_overrides):
    """Run ``code`` in a fresh interpreter that imports this textops build.

    TEXTOPS_NUM_THREADS and OMP_NUM_THREADS are removed unless given, so the
    child starts from the package defaults.  Returns the parsed JSON printed
    on the child's last stdout line.
    """
    env = {
        k: v for k, v in os.environ.items() if k not in ("TEXTOPS_NUM_THREADS", "OMP_NUM_THREADS")
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_ROOT, env.get("PYTHONPATH")]))
    env.update(env_overrides)
    # cwd: `python -c` puts it first on sys.path, where a source checkout's
    # unbuilt textops/ folder would hide the installed package
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=PACKAGE_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def make_text(size, seed=0):
    """A deterministic English-like text of about ``size`` characters."""
    rng = random.Random(seed)
    vocabulary = [
        "the",
        "cat",
        "a",
        "sat",
        "on",
        "mat",
        "thethe",
        "é",
        "世界",
        "\u3000",
        "\n",
        "\r\n",
    ]
    words = rng.choices(vocabulary, k=size // 3)
    return " ".join(words)


@pytest.fixture
def default_num_threads():
    """get_num_threads() before the test; the default is restored afterwards."""
    before = textops.get_num_threads()
    yield before
    textops.set_num_threads(None)
    assert textops.get_num_threads() == before


# --------------------------------------------------------------------------
# Thread-count settings
# --------------------------------------------------------------------------


def test_openmp_enabled_returns_bool():
    """openmp_enabled() answers with a real bool."""
    assert type(textops.openmp_enabled()) is bool


def test_get_num_threads_is_positive_int():
    """The default thread count is a plain int >= 1."""
    count = textops.get_num_threads()
    assert type(count) is int and count >= 1


@pytest.mark.parametrize("threads", [1, 2, 3, 8])
def test_set_num_threads_round_trip(default_num_threads, threads):
    """set_num_threads(n) makes get_num_threads() return n."""
    textops.set_num_threads(threads)
    assert textops.get_num_threads() == threads
    assert textops.word_count("a b a", "a") == "a b a".split().count("a")


@pytest.mark.parametrize("value", ["1", "3", "5"])
def test_env_var_sets_default(value):
    """TEXTOPS_NUM_THREADS is the default when set_num_threads was not called."""
    text = make_text(3000)
    got = run_python(
        "import json, textops\n"
        f"text = {text!r}\n"
        "print(json.dumps([textops.get_num_threads(), textops.word_count(text, 'the')]))",
        TEXTOPS_NUM_THREADS=value,
    )
    assert got == [int(value), text.split().count("the")]


def test_set_num_threads_overrides_env_var():
    """An explicit set_num_threads wins over TEXTOPS_NUM_THREADS."""
    got = run_python(
        "import json, textops\n"
        "textops.set_num_threads(2)\n"
        "print(json.dumps(textops.get_num_threads()))",
        TEXTOPS_NUM_THREADS="5",
    )
    assert got == 2


def test_threadpoolctl_limits_default():
    """threadpool_limits(1) makes get_num_threads() return 1, then restores it."""
    pytest.importorskip("threadpoolctl")
    if not textops.openmp_enabled():
        pytest.skip("textops was built without OpenMP")
    before, inside, after, apis = run_python(
        "import json, textops\n"
        "from threadpoolctl import threadpool_info, threadpool_limits\n"
        "before = textops.get_num_threads()\n"
        "with threadpool_limits(1):\n"
        "    inside = textops.get_num_threads()\n"
        "    assert textops.word_count('a b a', 'a') == 2\n"
        "after = textops.get_num_threads()\n"
        "apis = sorted({info['user_api'] for info in threadpool_info()})\n"
        "print(json.dumps([before, inside, after, apis]))",
        OMP_NUM_THREADS="3",
    )
    assert "openmp" in apis
    assert (before, inside, after) == (3, 1, 3)


# --------------------------------------------------------------------------
# Same results on every thread count
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def medium_text():
    return make_text(1_500_000, seed=1)


@pytest.mark.parametrize("min_chunk", [None, 5])
def test_results_identical_across_thread_counts(medium_text, min_chunk, set_min_chunk):
    """threads=1..8 give the reference results, with default and tiny chunks."""
    if min_chunk is not None:
        set_min_chunk(min_chunk)
    text = medium_text
    data = text.encode()
    bodies = [text[:1000], text, text[5000:9000], ""]
    expected = {
        "word": text.split().count("the"),
        "word_sep": text.split("the").count(" "),
        "sub": text.count("the"),
        "bytes_sub": data.count(b"the"),
        "lines": [line.split().count("cat") for line in text.splitlines()],
        "batch": [body.split().count("the") for body in bodies],
    }
    for threads in range(1, 9):
        got = {
            "word": textops.word_count(text, "the", threads=threads),
            "word_sep": textops.word_count(text, " ", sep="the", threads=threads),
            "sub": textops.substring_count(text, "the", threads=threads),
            "bytes_sub": textops.substring_count(data, b"the", threads=threads),
            "lines": textops.line_word_counts(text, "cat", threads=threads),
            "batch": textops.parallel_word_count(bodies, "the", threads=threads),
        }
        assert_exact(got, expected, threads=threads)


@pytest.mark.parametrize("threads", [16, 64, 1000])
def test_more_threads_than_cores(threads, set_min_chunk):
    """Asking for far more threads than cores still gives the reference."""
    set_min_chunk(3)
    text = make_text(5000, seed=2)
    assert_exact(textops.word_count(text, "the", threads=threads), text.split().count("the"))
    assert_exact(textops.substring_count(text, "at", threads=threads), text.count("at"))
    bodies = [text, text[:100], text[7:2000]]
    assert_exact(
        textops.parallel_word_count(bodies, "cat", threads=threads),
        [body.split().count("cat") for body in bodies],
    )


def test_calls_from_many_python_threads(medium_text):
    """Eight Python threads calling textops at once all get correct results."""
    data = medium_text.encode()
    words = ["the", "cat", "a", "sat", "mat", "thethe", "é", "世界"]
    tokens = medium_text.split()
    expected = {word: (tokens.count(word), data.count(word.encode())) for word in words}

    def count(word):
        return word, (
            textops.word_count(medium_text, word, threads=2),
            textops.substring_count(data, word.encode(), threads=2),
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(pool.map(count, words * 3))
    assert results == expected


# --------------------------------------------------------------------------
# The GIL is released during the C call
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huge_bytes():
    """90 MB in 10 lines: long enough that a one-thread call takes milliseconds."""
    return (b"ab cd ab " * 1_000_000 + b"\n") * 10


GIL_CALLS = {
    "word_count": lambda text: textops.word_count(text, b"ab", threads=1),
    "substring_count": lambda text: textops.substring_count(text, b"ab", threads=1),
    "line_word_counts": lambda text: textops.line_word_counts(text, b"ab", threads=1),
    "parallel_word_count": lambda text: textops.parallel_word_count([text], b"ab", threads=1),
}


@pytest.mark.parametrize("name", GIL_CALLS)
def test_gil_released_during_call(huge_bytes, gil_never_forced, name):
    """The main thread runs Python code (and textops) while a worker is in C.

    The worker sets ``entering`` and then calls textops; ``returned`` is set
    when the call is back.  The main thread blocks until ``entering`` is set
    and then needs the GIL to continue.  As the switch interval is huge, the
    worker is never forced to give the GIL away: the main thread can only run
    if the worker releases the GIL voluntarily, i.e. inside the C call.  Once
    the main thread holds the GIL the worker cannot return from textops
    (it needs the GIL back), so seeing ``returned`` unset proves the two
    overlapped.  Were the GIL held for the whole call, the main thread would
    only resume after the worker finished, and see ``returned`` set, in every
    attempt.  An attempt can only be inconclusive if the C call finishes
    before the main thread wakes up, so the text is big and we retry.
    """
    call = GIL_CALLS[name]
    overlapped = []
    for _attempt in range(5):
        entering, returned = threading.Event(), threading.Event()
        results = []

        def worker():
            entering.set()
            results.append(call(huge_bytes))
            returned.set()

        thread = threading.Thread(target=worker)
        thread.start()
        entering.wait()
        in_call = not returned.is_set()
        # Python bytecode and a second textops call, still during the worker's call.
        main_result = textops.word_count(b"ab cd ab", b"ab", threads=2)
        still_in_call = not returned.is_set()
        thread.join()
        assert main_result == b"ab cd ab".split().count(b"ab")
        assert len(results) == 1
        overlapped.append(in_call and still_in_call)
        if overlapped[-1]:
            break
    assert any(overlapped), "the main thread never ran while the worker was inside textops"


# --------------------------------------------------------------------------
# Many Python threads at once: exact results, no deadlock, bounded OS threads
# --------------------------------------------------------------------------

STRESS_SECONDS = float(os.environ.get("TEXTOPS_STRESS_SECONDS", "4"))

# Run in a fresh interpreter, so that /proc/self/task counts only its own
# threads. 16 Python threads call every function on shared str and bytes
# texts (large enough for a team) with threads None/1/2/3/8 until the time
# is up, and compare each result with the reference. Then they park, still
# alive, and the OS threads are counted once the count has settled.
#
# Why settled: when a team is smaller than the one before, GNU libgomp ends
# the surplus workers, and starts new ones when a team grows again. An
# ending worker stays listed in /proc/self/task until it has exited, so a
# count taken mid-run can include workers on their way out (26 instead of
# at most 25 was seen on a loaded machine). The mid-run peak is reported.
STRESS_CHILD = r"""
import json, os, sys, threading, time
import textops

seconds, nworkers, largest_team = float(sys.argv[1]), 16, 8
text = ("the cat sat on the mat\u3000é thethe the\r\n" * 30000)
data = text.encode()
bodies = [text, text[:5000], "", text[7:70000]]

def os_threads():
    return len(os.listdir("/proc/self/task"))

calls = [
    (lambda t: textops.word_count(text, "the", threads=t), text.split().count("the")),
    (lambda t: textops.word_count(data, b"the", sep=b" ", threads=t), data.split(b" ").count(b"the")),
    (lambda t: textops.substring_count(data, b"the", threads=t), data.count(b"the")),
    (lambda t: textops.substring_count(text, "é t", threads=t), text.count("é t")),
    (lambda t: textops.line_word_counts(text, "the", threads=t), [ln.split().count("the") for ln in text.splitlines()]),
    (lambda t: textops.parallel_word_count(bodies, "the", threads=t), [b.split().count("the") for b in bodies]),
    (lambda t: textops.parallel_substring_count([data, data[:99]], b"at", threads=t), [data.count(b"at"), data[:99].count(b"at")]),
]
thread_counts = (None, 1, 2, 3, largest_team)
start_threads = os_threads()
peak, done, wrong = [start_threads], [0] * nworkers, []
parked, leave = threading.Semaphore(0), threading.Event()
deadline = time.monotonic() + seconds

def work(i):
    k = i
    while time.monotonic() < deadline:
        call, expected = calls[k % len(calls)]
        threads = thread_counts[k % len(thread_counts)]
        result = call(threads)
        if result != expected:
            wrong.append((k % len(calls), threads))
        peak[0] = max(peak[0], os_threads())
        done[i] += 1
        k += 1
    parked.release()
    leave.wait()

workers = [threading.Thread(target=work, args=(i,)) for i in range(nworkers)]
for w in workers:
    w.start()
hung = sum(not parked.acquire(timeout=max(deadline + 60 - time.monotonic(), 0))
           for w in workers)
# every worker alive and idle: the count can only fall now
bound = start_threads + nworkers + (largest_team if textops.openmp_enabled() else 0)
settle = time.monotonic() + 10
while os_threads() > bound and time.monotonic() < settle:
    time.sleep(0.01)
settled = os_threads()
leave.set()
for w in workers:
    w.join(timeout=10)
print(json.dumps({"start": start_threads, "peak": peak[0], "settled": settled,
                  "bound": bound, "calls": sum(done), "min_calls": min(done),
                  "wrong": wrong[:5], "hung": hung}))
sys.stdout.flush()
os._exit(0)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/task")
def test_sixteen_python_threads_bounded_os_threads():
    """16 Python threads x mixed calls: all exact, none hangs, and with the
    16 still alive the OS threads settle within callers + 1 leader +
    (largest team - 1).

    Without the one-team rule libgomp would keep a pool per calling thread
    (up to 16 x 7 extra threads here), alive as long as its thread is."""
    got = run_python(STRESS_CHILD.replace("sys.argv[1]", repr(str(STRESS_SECONDS))))
    assert got["wrong"] == [] and got["hung"] == 0
    assert got["min_calls"] >= 1
    callers = got["start"] + 16  # the main thread and the 16 workers
    # the leader and the workers of a team of 8 (no OpenMP: neither)
    textops_threads = 1 + (8 - 1) if textops.openmp_enabled() else 0
    assert got["bound"] == callers + textops_threads
    assert got["settled"] <= got["bound"], got


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/task")
def test_threads_1_starts_no_team():
    """threads=1 (and sequential_word_count) never start an OpenMP team,
    even on texts far above the parallel threshold."""
    before, after, counts = run_python(
        "import json, os, textops\n"
        "text = 'the cat\\n' * 500_000\n"
        "data = text.encode()\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "counts = [textops.word_count(text, 'the', threads=1),\n"
        "          textops.word_count(data, b'cat\\nthe', sep=b' ', threads=1),\n"
        "          textops.substring_count(data, b'the', threads=1),\n"
        "          sum(textops.line_word_counts(text, 'the', threads=1)),\n"
        "          textops.parallel_word_count([text, data.decode()], 'the', threads=1)[1],\n"
        "          textops.parallel_substring_count([data] * 3, b'the', threads=1)[2],\n"
        "          textops.sequential_word_count([text] * 3, 'the')[0]]\n"
        # a long call from the main thread runs on a helper thread that
        # ends with it (Ctrl-C, see _core._call); an OpenMP team would stay
        "import time\n"
        "deadline = time.monotonic() + 5\n"
        "while len(os.listdir('/proc/self/task')) > before and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n"
        "after = len(os.listdir('/proc/self/task'))\n"
        "print(json.dumps([before, after, counts]))",
    )
    assert counts == [500_000, 499_999] + [500_000] * 5
    assert after == before


@pytest.mark.parametrize("value", ["abc", "0", "-2", "1.5"])
def test_bad_env_var_warns_and_uses_the_default(value):
    """A bad TEXTOPS_NUM_THREADS made `import textops` raise; it now warns
    (RuntimeWarning naming the variable and the value) and the default
    applies, as with the variable unset."""
    code = (
        "import json, warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    import textops\n"
        "print(json.dumps([textops.get_num_threads(), textops.word_count('a b a', 'a'),\n"
        "                  [(w.category.__name__, str(w.message)) for w in caught]]))"
    )
    default = run_python(code)[0]
    threads, count, caught = run_python(code, TEXTOPS_NUM_THREADS=value)
    assert (threads, count) == (default, 2)
    assert len(caught) == 1 and caught[0][0] == "RuntimeWarning"
    assert "TEXTOPS_NUM_THREADS" in caught[0][1] and repr(value) in caught[0][1]
