"""Child process of test_interrupt.py: interrupts long textops calls with
SIGINT and reports, as JSON, how long each took to stop and what followed.

Usage: python interrupt_child.py FILE  (FILE: a large text file to count in)
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
with open(path, encoding="utf-8") as f:
    text = f.read()
corpus = textops.Corpus(text.splitlines())

CALLS = {
    "word_count, 1 thread": lambda: textops.word_count(text, "sea", threads=1),
    "substring_count, 2 threads": lambda: textops.substring_count(text, "e", threads=2),
    "word_frequencies, 2 threads": lambda: textops.word_frequencies(text, threads=2),
    "word_counts, 1 thread": lambda: textops.word_counts(text, ["the", "sea"], threads=1),
    "line_word_counts, 1 thread": lambda: textops.line_word_counts(text, "the", threads=1),
    "file_word_count": lambda: textops.file_word_count(path, "the", threads=1),
    "Corpus.word_count": lambda: corpus.word_count("whale", threads=1),
    "Corpus.line_word_counts": lambda: corpus.line_word_counts("the", threads=1),
}


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


report = {}
for name, call in CALLS.items():
    call()  # warm up (and CPython's UTF-8 copy of the text)
    rss_before = rss_mb()
    latencies = []
    for _ in range(3):
        sent = []
        timer = threading.Timer(0.05, lambda: (sent.append(time.perf_counter()),
                                               os.kill(os.getpid(), signal.SIGINT)))
        timer.start()
        try:
            while True:  # the signal lands in one of the calls
                call()
        except KeyboardInterrupt:
            latencies.append(time.perf_counter() - sent[0])
        timer.join()
    report[name] = {
        "latencies": latencies,
        "rss_growth_mb": rss_mb() - rss_before,
        "threads_left": threading.active_count(),
        "next_call": textops.word_count("a b a", "a"),
    }
print(json.dumps(report))
