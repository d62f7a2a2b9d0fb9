"""Inputs past the 32-bit limits: a text over 4 GiB, batches over 2^31 bytes.

The > 4 GiB text is a sparse file (holes read as NUL bytes) opened with
mmap: it takes no disk space and no memory of the process's own, only page
cache that the kernel may drop. A few snippets are written into it just
before and after the 2^31 and 2^32 byte offsets, and at both ends. As NUL
runs are neither whitespace, nor line breaks, nor part of a word, every
count of a word equals the reference on the same text with each NUL run
shortened to three bytes; counts of NUL itself and of the empty substring
are known from the size. These tests take about a minute on 2 cores (the
first pass reads 4.5 GiB of holes), so they are marked ``huge`` and run
only with ``pytest --run-huge`` (``.ci/run`` does).

Batches whose total passes 2^31 (and 2^32) bytes repeat one text in the
list, which costs no memory; the first runs in the default suite.
"""

import mmap
import os
import re

import pytest

import textops
from strategies import assert_exact

SIZE = (4 << 30) + (512 << 20) + 3
SNIPPETS = {
    0: b"the the\n",
    (1 << 31) - 5: b" the\r\nthe ",
    (1 << 32) - 3: b" the the\nthe",
    (1 << 32) + 20: b"\rthe ",
    SIZE - 9: b"\nthe the",
}


def shortened() -> bytes:
    """The huge text with every NUL run cut to three bytes."""
    parts, at = [], 0
    for offset in sorted(SNIPPETS):
        if offset > at:
            parts.append(b"\0" * 3)
        parts.append(SNIPPETS[offset])
        at = offset + len(SNIPPETS[offset])
    if at < SIZE:
        parts.append(b"\0" * 3)
    return b"".join(parts)


@pytest.fixture(scope="module")
def huge_mmap(tmp_path_factory):
    """A read-only mmap of a sparse file of SIZE bytes holding SNIPPETS."""
    path = tmp_path_factory.mktemp("huge") / "sparse.bin"
    with open(path, "wb") as file:
        file.truncate(SIZE)
        for offset, data in SNIPPETS.items():
            file.seek(offset)
            file.write(data)
    with open(path, "rb") as file:
        buf = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        yield buf
    finally:
        buf.close()
        os.unlink(path)


@pytest.mark.huge
def test_text_over_4_gib(huge_mmap):
    """Counts over a 4.5 GiB text, some of them over 2^32, are exact."""
    assert len(huge_mmap) == SIZE > 1 << 32
    small = shortened()
    nonzero = sum(len(data) - data.count(b"\0") for data in SNIPPETS.values())
    got = {
        "sub": [textops.substring_count(huge_mmap, b"the", threads=t) for t in (2, 1)],
        "sub_nul": textops.substring_count(huge_mmap, 0, threads=2),
        "sub_empty": textops.substring_count(huge_mmap, b""),
        "word": [textops.word_count(huge_mmap, b"the", threads=t) for t in (1, 2)],
        "word_sep": textops.word_count(huge_mmap, b"the", sep=b" ", threads=2),
        "lines": textops.line_word_counts(huge_mmap, b"the", threads=2),
        "batch": textops.parallel_substring_count([huge_mmap, b"the"], b"the", threads=2),
    }
    expected = {
        "sub": [small.count(b"the")] * 2,
        "sub_nul": SIZE - nonzero,
        "sub_empty": SIZE + 1,
        "word": [small.split().count(b"the")] * 2,
        "word_sep": small.split(b" ").count(b"the"),
        "lines": [line.split().count(b"the") for line in small.splitlines()],
        "batch": [small.count(b"the"), 1],
    }
    assert expected["sub_nul"] > 1 << 32
    assert_exact(got, expected)


def repeated_batch(total: int, unit: bytes, size: int = 128 << 20) -> list:
    """One text of about ``size`` bytes repeated until the list holds more
    than ``total`` bytes; no memory beyond the one text."""
    text = unit * (size // len(unit))
    return [text] * (total // len(text) + 1)


@pytest.mark.parametrize("kind", ["bytes", "str"])
def test_batch_over_2_gib(kind):
    """A batch whose texts add up to more than 2^31 bytes."""
    texts = repeated_batch(1 << 31, b"the cat ")
    if kind == "str":
        texts = [texts[0].decode()] * len(texts)
    word = texts[0][:3]
    assert sum(len(t) for t in texts) > 1 << 31
    per_text = texts[0].count(word)
    assert_exact(textops.parallel_word_count(texts, word, threads=2), [per_text] * len(texts))
    assert_exact(textops.parallel_substring_count(texts, word, threads=2), [per_text] * len(texts))


@pytest.mark.huge
def test_batch_over_4_gib():
    """A batch whose texts add up to more than 2^32 bytes, serial and parallel."""
    texts = repeated_batch(1 << 32, b"a the\n")
    assert sum(len(t) for t in texts) > 1 << 32
    per_text = len(re.findall(b"the", texts[0]))
    for threads in (1, 3):
        assert_exact(
            textops.parallel_word_count(texts, b"the", threads=threads), [per_text] * len(texts)
        )
