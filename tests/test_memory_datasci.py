"""Memory of the data-science functions, each case in a fresh interpreter.

Counting in a 200 MB file adds no private memory (the file is mapped, its
pages are the kernel's cache); a Corpus holds its documents in about their
UTF-8 size plus 8 bytes each. Run with ``pytest tests/test_memory_datasci.py
-s`` to see the figures (Linux only).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import textops

SIZE_MB = int(os.environ.get("TEXTOPS_MEMORY_MB", "200"))
LIMIT_KB = 16 * 1024

CHILD = r"""
import json, os, sys, tempfile
import textops

def private_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("RssAnon:"))

kind, size = sys.argv[1], int(sys.argv[2]) * 1_000_000
line = "the whale and the sea\n"
if kind == "files":
    fd, path = tempfile.mkstemp()
    with os.fdopen(fd, "w") as f:
        for _ in range(size // (len(line) * 10_000)):
            f.write(line * 10_000)
    textops.file_word_count(path, "whale")  # first run: imports, thread pools
    before = private_kb()
    counts = [textops.file_word_count(path, "whale"),
              textops.file_substring_count(path, "whale"),
              textops.file_word_frequencies(path)["whale"]]
    growth = private_kb() - before
    os.unlink(path)
    print(json.dumps({"counts": counts, "lines": size // (len(line) * 10_000) * 10_000,
                      "growth_kb": growth}))
else:
    docs = [line * (1 + i % 7) for i in range(size // (len(line) * 4))]
    utf8 = sum(len(d.encode()) for d in docs)
    before = private_kb()
    corpus = textops.Corpus(docs)
    growth = private_kb() - before
    print(json.dumps({"utf8": utf8, "ndocs": len(docs), "nbytes": corpus.nbytes,
                      "growth_kb": growth}))
"""


def run_child(kind):
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(SIZE_MB)],
        cwd=Path(textops.__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_counting_in_a_file_adds_no_private_memory():
    result = run_child("files")
    assert result["counts"] == [result["lines"]] * 3
    print(f"\nfiles: {SIZE_MB} MB file, private memory +{result['growth_kb']} kB")
    assert result["growth_kb"] < LIMIT_KB


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_corpus_holds_about_the_utf8_size():
    result = run_child("corpus")
    assert result["nbytes"] == result["utf8"]
    expected_kb = (result["utf8"] + 8 * (result["ndocs"] + 1)) / 1024
    print(
        f"\ncorpus: {result['ndocs']} documents, {result['utf8'] / 1e6:.0f} MB UTF-8, "
        f"private memory +{result['growth_kb'] / 1024:.0f} MB"
    )
    assert result["growth_kb"] < expected_kb * 1.1 + LIMIT_KB
