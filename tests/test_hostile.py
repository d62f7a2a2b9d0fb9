"""Hostile and odd input: the rows of README "Reliability" that the other
test modules do not already cover (each row names its test).

Every case either raises a documented exception or returns the reference
result; none crashes the process or modifies an input.
"""

import gc
import json
import mmap
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import textops
from strategies import assert_exact
from test_errors import check_raises

BIG = b"the cat sat on the mat\n" * 2_000_000  # 46 MB: a call takes a while


def test_huge_thread_counts_are_capped():
    """threads far above the cap (256) count as 256 threads would."""
    text = "the cat the " * 100_000
    for threads in (257, 10**6, 10**30):
        assert_exact(textops.word_count(text, "the", threads=threads), text.split().count("the"))
        assert_exact(
            textops.parallel_substring_count([text], "the", threads=threads), [text.count("the")]
        )
    before = textops.get_num_threads()
    try:
        textops.set_num_threads(10**30)
        assert textops.get_num_threads() == 256
    finally:
        textops.set_num_threads(None)
    assert textops.get_num_threads() == before


def test_str_and_bytes_texts_in_one_batch():
    """A batch mixing str and bytes texts names both indices."""
    for function in (textops.parallel_word_count, textops.parallel_substring_count):
        check_raises(
            TypeError, lambda: function(["a", "b", b"c"], "a"), "text_bodies[2]", "text_bodies[0]"
        )
        check_raises(
            TypeError,
            lambda: function([bytearray(b"a"), "b"], b"a"),
            "text_bodies[1]",
            "text_bodies[0]",
        )


@pytest.mark.parametrize(
    "make",
    [
        lambda: memoryview(BIG[:1000]).toreadonly(),
        lambda: memoryview(bytearray(BIG[:1000])).toreadonly(),
        lambda: BIG[:1000],
    ],
    ids=["readonly view of bytes", "readonly view of bytearray", "bytes"],
)
def test_read_only_buffers(make):
    """Read-only buffers are read in place like any other."""
    text = make()
    expected = bytes(text)
    assert_exact(textops.word_count(text, b"the", threads=2), expected.split().count(b"the"))
    assert_exact(
        textops.line_word_counts(text, b"cat"),
        [ln.split().count(b"cat") for ln in expected.splitlines()],
    )


def test_read_only_mmap_of_file(tmp_path):
    """An mmap opened with ACCESS_READ counts like the file's bytes."""
    path = tmp_path / "text.bin"
    path.write_bytes(BIG[:100_000])
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        assert_exact(textops.substring_count(buf, b"the", threads=2), BIG[:100_000].count(b"the"))


def test_closed_mmap_is_refused():
    """An mmap closed before the call: TextopsValueError naming the argument."""
    buf = mmap.mmap(-1, 16)
    buf.close()
    check_raises(ValueError, lambda: textops.word_count(buf, b"a"), "text", "closed")
    check_raises(ValueError, lambda: textops.substring_count(b"abc", buf), "sub", "closed")
    check_raises(ValueError, lambda: textops.word_count(b"a b", b"a", sep=buf), "sep", "closed")
    check_raises(
        ValueError, lambda: textops.parallel_word_count([b"a", buf], b"a"), "text_bodies[1]"
    )


def race(call, interfere, attempts=5):
    """Run ``call()`` in a thread and ``interfere()`` while it is in C.

    With a huge switch interval (``gil_never_forced``) the main thread gets
    the GIL back only when the worker releases it: inside the C call, or
    after it has returned (a batch also lets it go briefly before the call,
    while C reads the list). Returns one (result, what ``interfere`` raised
    or None) per attempt, stopping at the first BufferError.
    """
    outcomes = []
    for _ in range(attempts):
        entering, results = threading.Event(), []

        def worker():
            entering.set()
            results.append(call())

        thread = threading.Thread(target=worker)
        thread.start()
        entering.wait()
        try:
            interfere()
            raised = None
        except BufferError as exc:
            raised = exc
        thread.join()
        outcomes.append((results[0], raised))
        if raised is not None:
            break
    return outcomes


def test_bytearray_resized_during_a_call(gil_never_forced):
    """Resizing a bytearray that another thread is counting in raises
    BufferError in the resizing thread; the count is that of the text as it
    was, and the text is left as it was."""
    text = bytearray(BIG)
    expected = BIG.split().count(b"the")
    outcomes = race(
        lambda: textops.word_count(text, b"the", threads=1), lambda: text.extend(b" the")
    )
    assert all(result == expected for result, _ in outcomes)
    assert isinstance(outcomes[-1][1], BufferError)
    assert text == BIG + b" the" * (len(outcomes) - 1)


def test_bytearray_in_a_batch_resized_during_a_call(gil_never_forced):
    """The same for a bytearray that is one text of a batch: once the call
    holds the text, resizing raises BufferError and the count is of the text
    as it was; a resize just before that is simply counted."""
    text = bytearray(BIG)
    before = [BIG.count(b"the"), 1]
    # The batch lets the GIL go before it holds the text (while C reads the
    # list), and the resize often comes there: more attempts than above.
    outcomes = race(
        lambda: textops.parallel_substring_count([text, b"the"], b"the", threads=1),
        lambda: text.extend(b"the"),
        attempts=40,
    )
    for number, (result, raised) in enumerate(outcomes):
        grown = before[0] + number
        if raised is None:  # the resize came first, or after the call
            assert result in ([grown, 1], [grown + 1, 1])
        else:
            assert result == [grown, 1]
    assert isinstance(outcomes[-1][1], BufferError)
    assert text == BIG + b"the" * (len(outcomes) - 1)


def test_mmap_closed_during_a_call(gil_never_forced):
    """Closing an mmap that another thread counts in raises BufferError; the
    count is exact; the mmap can be closed once the call has returned."""
    buf = mmap.mmap(-1, len(BIG))
    buf.write(BIG)
    outcomes = race(lambda: textops.substring_count(buf, b"the", threads=1), buf.close, attempts=1)
    result, raised = outcomes[0]
    if raised is None:  # the call was already over: nothing to check
        pytest.skip("the call returned before close(); no overlap this time")
    assert isinstance(raised, BufferError)
    assert result == BIG.count(b"the")
    buf.close()
    assert buf.closed


INVALID_UTF8 = b"the \xff\xfe the\xc3 the \xe2\x80 \xed\xa0\x80the\nthe \x80\xc0\xafthe"


def test_invalid_utf8_file(tmp_path):
    """A file of invalid UTF-8 counts as bytes (mmap or read()); read as str
    with errors="surrogateescape" it holds lone surrogates, which count as
    code points of their own."""
    path = tmp_path / "invalid.txt"
    path.write_bytes(INVALID_UTF8 * 1000)
    data = path.read_bytes()
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        assert_exact(textops.word_count(buf, b"the", threads=2), data.split().count(b"the"))
        assert_exact(
            textops.line_word_counts(buf, b"the"),
            [ln.split().count(b"the") for ln in data.splitlines()],
        )
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    assert_exact(textops.word_count(text, "the", threads=2), text.split().count("the"))
    assert_exact(textops.substring_count(text, "\udcff"), text.count("\udcff"))
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")  # the strict way never reaches textops


PERIODIC_CHILD = r"""
import json, textops
text, word = "a" * 10**8, "a" * 10**4
data = text.encode()
print(json.dumps([
    [textops.word_count(text, word, threads=t) for t in (1, 2)],
    [textops.word_count(data, word.encode(), sep=b"b", threads=t) for t in (1, 2)],
    [textops.substring_count(text, word, threads=t) for t in (1, 2)],
    [textops.word_count(data, b"x", sep=word.encode(), threads=t) for t in (1, 2)],
    [textops.parallel_word_count([text, text[:5 * 10**4]], word, sep="a" * 64, threads=t) for t in (1, 2)],
]))
"""


def test_long_self_overlapping_word_in_periodic_text():
    """A 10 kB word of one letter in 100 MB of that letter: every byte
    starts an occurrence. The scans once went back to the next byte after
    each one (and the cut search tried every place), which made these calls
    take hours; they now pass each byte a bounded number of times. The
    child process's timeout only guards against such a hang."""
    root = str(Path(textops.__file__).resolve().parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", PERIODIC_CHILD],
        cwd=root,
        env=dict(os.environ, PYTHONPATH=root),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    small = "a" * 5 * 10**4
    assert json.loads(done.stdout) == [
        [0, 0],
        [0, 0],
        [10**4] * 2,
        [0, 0],
        [[0, small.split("a" * 64).count("a" * 10**4)]] * 2,
    ]


class _Str(str):
    """A str subclass: read in Python, not by the binding glue."""


def test_batch_drops_the_references_it_takes():
    """A batch keeps its texts alive by references of its own while it
    counts, without copying the list, and drops every one afterwards: after
    a result and after an error at any index."""
    texts = ["the cat " * k + "é" * (k % 2) for k in range(1, 40)] + [_Str("the the")]
    words = ["the"] * len(texts)
    before = [sys.getrefcount(t) for t in texts]
    for function in (textops.parallel_word_count, textops.parallel_substring_count):
        assert function(texts, "the") == [t.count("the") for t in texts]
        assert function(texts, words, threads=2) == [t.count("the") for t in texts]
        for bad in (1, 5, len(texts) - 1):
            broken = texts[:bad] + [b"x"] + texts[bad + 1 :]
            check_raises(TypeError, lambda: function(broken, "the"), f"text_bodies[{bad}]")  # noqa: F821 (ruff, misled by the del below)
    del broken
    gc.collect()  # the tracebacks of the errors hold the broken lists
    assert [sys.getrefcount(t) for t in texts] == before
    data = [t.encode() for t in texts[:-1]]
    before = [sys.getrefcount(t) for t in data]
    assert textops.parallel_word_count(data, b"the") == [t.split().count(b"the") for t in data]
    assert [sys.getrefcount(t) for t in data] == before


def test_batch_list_shrunk_while_read():
    """A list of texts that changes length while the batch reads it raises
    RuntimeError (it cannot happen from Python code during the read; the
    internal check function stands in for another thread here)."""
    from textops import _core

    texts = ["a b"] * 10 + [_Str("a")] + ["a"] * 10
    before = sys.getrefcount(texts[0])

    def check(i, text):
        texts.pop()
        return text

    with _core._Pins() as pins, pytest.raises(RuntimeError, match="changed size"):
        _core._spans(pins, texts, _core.UNICODE, check)
    gc.collect()
    after = sys.getrefcount(texts[0])  # not inside assert: pytest keeps temporaries
    assert after == before


def test_batch_list_changed_by_another_thread():
    """Another thread replaces, appends and removes texts of a list while
    batches count in it: every call returns the counts of texts that were
    in the list (or raises RuntimeError for a change of length); no crash.
    The replaced texts are freed during the calls (under the sanitizers a
    read of freed memory would abort)."""
    texts = ["the cat the " * 20] * 2000
    stop = threading.Event()

    def mutate():
        k = 0
        while not stop.is_set():
            k += 1
            texts[k % len(texts)] = "the " * (k % 7) + "x" * 300  # freed when replaced
            texts.append("the")
            texts.pop()

    thread = threading.Thread(target=mutate)
    thread.start()
    seen = set()
    try:
        for _ in range(200):
            for function in (textops.parallel_word_count, textops.parallel_substring_count):
                try:
                    result = function(texts, "the", threads=2)
                except RuntimeError as exc:
                    assert "changed size" in str(exc)
                    continue
                assert len(result) in (2000, 2001)
                seen.update(result)
    finally:
        stop.set()
        thread.join()
    assert seen <= {40, 0, 1, 2, 3, 4, 5, 6}


# --- a text rewritten in place during a call (issue 14, item 1) -----------
# A same-length write into a bytearray is allowed while the call reads it
# (its buffer is exported, so only resizing is refused), and another process
# may rewrite a mapped file. The text is b"a " * M; the rewrite turns its
# first H bytes into line breaks, so every state it passes through holds
# between M - H / 2 and M tokens b"a" and between 1 and H + 1 lines. No call
# may crash or read or write outside its buffers; each must return a result
# of some text between the two (the line counts may be of no one state).
REWRITE_M = 16 << 20  # 32 MB of text: a call takes tens of milliseconds
REWRITE_H = REWRITE_M  # the first half of the text becomes line breaks
REWRITE_STEPS = 64


def rewrite_during(make, rewrite, call, attempts=8):
    """Results of call(text) for text = make(), each while another thread
    rewrites the text (rewrite(text, start, stop) for successive slices of
    the first REWRITE_H bytes), starting at delays spread over one call."""
    text = make()
    started = time.perf_counter()
    call(text)
    duration = time.perf_counter() - started
    results = []
    for attempt in range(attempts):
        text = make()
        go = threading.Event()

        def rewriter(delay=duration * attempt / attempts):
            go.wait()
            time.sleep(delay)
            step = REWRITE_H // REWRITE_STEPS
            for start in range(0, REWRITE_H, step):
                rewrite(text, start, start + step)

        thread = threading.Thread(target=rewriter)
        thread.start()
        go.set()
        try:
            results.append(call(text))
        finally:
            thread.join()
    return results


def rewrite_bytearray(text, start, stop):
    text[start:stop] = b"\n" * (stop - start)


def a_tokens_ok(count):
    return isinstance(count, int) and REWRITE_M - REWRITE_H // 2 <= count <= REWRITE_M


def lines_ok(counts):
    return (
        isinstance(counts, list)
        and 1 <= len(counts) <= REWRITE_H + 1
        and all(isinstance(c, int) and c >= 0 for c in counts)
        and sum(counts) <= REWRITE_M
    )


@pytest.mark.parametrize("threads", [1, 2])
def test_bytearray_rewritten_during_line_word_counts(threads):
    """The crash of issue 14: the line counts of a bytearray that gains
    line breaks during the call (the second pass used to write past what
    the first pass counted)."""
    results = rewrite_during(
        lambda: bytearray(b"a " * REWRITE_M),
        rewrite_bytearray,
        lambda t: textops.line_word_counts(t, b"a", threads=threads),
    )
    assert all(lines_ok(r) for r in results), [len(r) for r in results]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(
    "call, ok",
    [
        (lambda t, th: textops.word_count(t, b"a", threads=th), a_tokens_ok),
        (lambda t, th: textops.substring_count(t, b"a", threads=th), a_tokens_ok),
        (
            lambda t, th: textops.parallel_word_count([t, t], b"a", threads=th),
            lambda r: len(r) == 2 and all(map(a_tokens_ok, r)),
        ),
        # a token's bytes are read where it is found and again where it is
        # hashed: a write between the two may give it the new byte (b"\n")
        (
            lambda t, th: textops.word_frequencies(t, threads=th),
            lambda r: set(r) <= {b"a", b"\n"} and a_tokens_ok(sum(r.values())),
        ),
        (
            lambda t, th: textops.word_counts(t, [b"a", b"b", b"a"], threads=th),
            lambda r: set(r) == {b"a", b"b"} and r[b"b"] == 0 and a_tokens_ok(r[b"a"]),
        ),
    ],
    ids=["word_count", "substring_count", "parallel_word_count", "word_frequencies", "word_counts"],
)
def test_bytearray_rewritten_during_counts(call, ok, threads):
    """The other functions reading a bytearray while it is rewritten: a
    result of some state of the text, never a crash."""
    results = rewrite_during(
        lambda: bytearray(b"a " * REWRITE_M),
        rewrite_bytearray,
        lambda t: call(t, threads),
        attempts=3,
    )
    assert all(ok(r) for r in results), [r if isinstance(r, int) else len(r) for r in results]


def test_file_rewritten_during_file_line_word_counts(tmp_path):
    """The same for a mapped file that another writer rewrites in place
    (os.pwrite of line breaks, same length)."""
    path = tmp_path / "text.txt"

    def make():
        path.write_bytes(b"a " * REWRITE_M)
        return path

    fd = os.open(path if path.exists() else make(), os.O_WRONLY)
    try:

        def rewrite(_path, start, stop):
            os.pwrite(fd, b"\n" * (stop - start), start)

        results = rewrite_during(
            make,
            rewrite,
            lambda p: textops.file_line_word_counts(p, b"a", encoding=None, threads=1),
        )
    finally:
        os.close(fd)
    assert all(lines_ok(r) for r in results), [len(r) for r in results]
