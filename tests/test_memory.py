"""Peak memory while counting: textops reads its input in place.

Each case runs in a fresh interpreter: it builds a 200 MB input, notes the
peak resident set (VmHWM) and the private memory (RssAnon), counts with
textops, and notes both again. The growth must stay under a small bound:
no copy of the input is made (an mmap'ed file's pages show up as shared,
file-backed memory, not as private copies).

Run alone with ``pytest tests/test_memory.py -s`` to see the figures (Linux only).
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
import json, mmap, os, sys, tempfile
import textops

def status():
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "RssAnon", "RssFile"):
                fields[key] = int(value.split()[0])
    return fields

kind, size = sys.argv[1], int(sys.argv[2]) * 1_000_000
unit = {"utf8-str": "thé whale ", "ucs2-str": "thē whale "}.get(kind, "the whale ")
reps = size // len(unit.encode())
if kind.endswith("-str"):
    text, word = unit * reps, "whale"
    if kind != "ascii-str":
        textops.word_count(text, word)  # none is cached: all read the storage
    size = sys.getsizeof(text)
elif kind == "bytes":
    text, word = unit.encode() * reps, b"whale"
else:
    fd, path = tempfile.mkstemp()
    chunk = unit.encode() * (1_000_000 // len(unit))
    with os.fdopen(fd, "wb") as f:
        for _ in range(reps * len(unit) // len(chunk)):
            f.write(chunk)
    f = open(path, "rb")
    text, word = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ), b"whale"
    text.madvise(mmap.MADV_WILLNEED)
    bytes(text[:1])
before = status()
counts = [
    textops.word_count(text, word),
    textops.substring_count(text, word),
    textops.word_count(text, word, threads=1),
    textops.parallel_word_count([text, text], word)[0],
    textops.word_count(text, word, sep=" " if isinstance(word, str) else b" "),
    textops.line_word_counts(text, word)[0],  # one line: one count
    textops.parallel_substring_count([text] * 20, word)[19],  # 20 x 200 MB
]
after = status()
if kind.endswith("-str") and sys.getsizeof(text) != size:
    counts.append("a UTF-8 form was left on the string")
if kind == "mmap":
    text.close()
    os.unlink(path)
print(json.dumps({"counts": counts, "expected": reps, "before": before, "after": after}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("kind", ["ascii-str", "utf8-str", "ucs2-str", "bytes", "mmap"])
def test_peak_memory_above_input(kind):
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(SIZE_MB)],
        # not the source checkout, whose unbuilt textops/ would come first
        cwd=Path(textops.__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result = json.loads(out.stdout)
    assert result["counts"] == [result["expected"]] * 7
    before, after = result["before"], result["after"]
    peak_growth = after["VmHWM"] - before["VmHWM"]
    private_growth = after["RssAnon"] - before["RssAnon"]
    print(
        f"\n{kind}: {SIZE_MB} MB input, peak RSS {before['VmHWM'] // 1024} -> "
        f"{after['VmHWM'] // 1024} MB (+{peak_growth} kB), private memory "
        f"+{private_growth} kB, file-backed {after['RssFile'] // 1024} MB"
    )
    assert private_growth < LIMIT_KB
    if kind != "mmap":  # touching mapped pages raises RSS, not private memory
        assert peak_growth < LIMIT_KB
