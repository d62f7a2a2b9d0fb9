"""Child process of test_interrupt.py: interrupts long textops calls with
SIGINT and reports, as JSON, how long each took to stop and what followed.

Usage: python interrupt_child.py FILE [plain]
FILE: a large text file to count in. With "plain", FILE holds text with no
whitespace, no line break and no separator (one 300 MB token, one line, one
piece), and every public function is interrupted on it.
"""

import json
import os
import signal
import sys
import threading
import time

import textops

# A shell starts background jobs with SIGINT ignored, and Python then leaves
# it so: make Ctrl-C raise KeyboardInterrupt whatever the parent did.
signal.signal(signal.SIGINT, signal.default_int_handler)

path = sys.argv[1]
plain = sys.argv[2:] == ["plain"]


def short_calls():
    """Calls on text of short lines and words."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.splitlines()
    corpus = textops.Corpus(lines)
    return {
        "word_count, 1 thread": lambda: textops.word_count(text, "sea", threads=1),
        "substring_count, 2 threads": lambda: textops.substring_count(text, "e", threads=2),
        "word_frequencies, 2 threads": lambda: textops.word_frequencies(text, threads=2),
        "word_counts, 1 thread": lambda: textops.word_counts(text, ["the", "sea"], threads=1),
        "line_word_counts, 1 thread": lambda: textops.line_word_counts(text, "the", threads=1),
        "file_word_count": lambda: textops.file_word_count(path, "the", threads=1),
        "Corpus.word_count": lambda: corpus.word_count("whale", threads=1),
        "Corpus.line_word_counts": lambda: corpus.line_word_counts("the", threads=1),
        # a batch of short texts: counted a slice at a time with the GIL held
        "parallel_word_count of the lines, 1 thread": lambda: textops.parallel_word_count(
            lines, "the", threads=1
        ),
        "parallel_substring_count of the lines, 2 threads": (
            lambda: textops.parallel_substring_count(lines, "e", threads=2)
        ),
    }


def plain_calls():
    """Every public function on one token: no whitespace, newline or
    separator (b"b" never occurs) anywhere, so nothing cuts the text; the
    words overlap themselves ("aaa" in "aaaa...")."""
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("ascii")  # the same as str (one byte a character)
    corpus = textops.Corpus([data])
    w, sep = b"aaa", b"b"
    return {
        "word_count, 1 thread": lambda: textops.word_count(data, w, threads=1),
        "word_count, 2 threads": lambda: textops.word_count(data, w, threads=2),
        "word_count str, 2 threads": lambda: textops.word_count(text, "aaa", threads=2),
        "word_count sep, 2 threads": lambda: textops.word_count(data, w, sep=sep, threads=2),
        "word_count sep=aa, 1 thread": lambda: textops.word_count(data, b"", sep=b"aa", threads=1),
        "substring_count, 1 thread": lambda: textops.substring_count(data, w, threads=1),
        "substring_count, 2 threads": lambda: textops.substring_count(data, b"a" * 100, threads=2),
        "line_word_counts, 1 thread": lambda: textops.line_word_counts(data, w, threads=1),
        "line_word_counts, 2 threads": lambda: textops.line_word_counts(
            data, w, sep=sep, threads=2
        ),
        "parallel_word_count": lambda: textops.parallel_word_count([data, data], w, threads=2),
        "sequential_word_count": lambda: textops.sequential_word_count([data], w),
        "parallel_substring_count": lambda: textops.parallel_substring_count(
            [data, data], w, threads=2
        ),
        "word_frequencies, 1 thread": lambda: textops.word_frequencies(data, threads=1),
        "word_frequencies, 2 threads": lambda: textops.word_frequencies(data, threads=2),
        "word_frequencies sep, 2 threads": lambda: textops.word_frequencies(
            data, sep=sep, threads=2
        ),
        "word_frequencies sep=a, 1 thread": lambda: textops.word_frequencies(
            data, sep=b"a", threads=1
        ),
        "word_counts, 1 thread": lambda: textops.word_counts(data, [w, b"a"], threads=1),
        "word_counts sep, 2 threads": lambda: textops.word_counts(data, [w], sep=sep, threads=2),
        "Corpus.word_count": lambda: corpus.word_count(w, threads=1),
        "Corpus.substring_count": lambda: corpus.substring_count(w, threads=1),
        "Corpus.line_word_counts": lambda: corpus.line_word_counts(w, threads=1),
        "Corpus.term_matrix": lambda: corpus.term_matrix([w], threads=1),
        "Corpus.word_frequencies": lambda: corpus.word_frequencies(threads=1),
        "file_word_count": lambda: textops.file_word_count(path, "aaa", threads=1),
        "file_substring_count": lambda: textops.file_substring_count(path, "aaa", threads=2),
        "file_line_word_counts": lambda: textops.file_line_word_counts(path, "aaa", threads=1),
        "file_word_frequencies": lambda: textops.file_word_frequencies(path, threads=1),
    }


CALLS = plain_calls() if plain else short_calls()


def _malloc_trim():
    """glibc's malloc_trim(0), where there is one: freed memory the allocator
    keeps (in per-thread arenas, say) goes back to the system, so that the
    RSS read next counts only memory that stays allocated (a leak)."""
    if not sys.platform.startswith("linux"):
        return lambda: None
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has none)
        return lambda: None
    trim.argtypes = [ctypes.c_size_t]
    return lambda: trim(0)


malloc_trim = _malloc_trim()


def rss_mb():
    malloc_trim()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


report = {}
for name, call in CALLS.items():
    call()  # warm up (and CPython's UTF-8 copy of the text)
    rss = [rss_mb()]
    latencies = []
    for _ in range(3):
        sent = []
        timer = threading.Timer(
            0.05, lambda: (sent.append(time.perf_counter()), os.kill(os.getpid(), signal.SIGINT))
        )
        timer.start()
        try:
            while True:  # the signal lands in one of the calls
                call()
        except KeyboardInterrupt:
            latencies.append(time.perf_counter() - sent[0])
        timer.join()
        rss.append(rss_mb())
    report[name] = {
        "latencies": latencies,
        # a leak grows the memory at every interrupted call; an allocator
        # that keeps freed memory grows it once, then reuses it: the least
        # growth over one interrupted call tells them apart
        "rss_steps_mb": [b - a for a, b in zip(rss, rss[1:])],
        "rss_growth_mb": min(b - a for a, b in zip(rss, rss[1:])),
        "threads_left": threading.active_count(),
        "next_call": textops.word_count("a b a", "a"),
    }
print(json.dumps(report))
