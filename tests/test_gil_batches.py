"""Batches of short texts counted while holding the GIL (issue 13).

``_core.batch`` with one word for all texts counts the short exact str and
bytes texts (at most ``TEXTOPS_PY_HELD_MAX`` bytes) in the glue with the GIL
held and no reference taken, a slice of about a millisecond at a time,
giving the GIL up between slices; long texts and other items take the path
that holds references with the GIL released. These tests check the counts
against Python's own, across the threshold, storage kinds, thread counts
and backends; that another Python thread runs during a long batch; that a
list changed between slices gives a result some ordering gives (or
RuntimeError); that Ctrl-C stops a long batch; and that a busy team is
never waited for.
"""

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

import textops
from strategies import ALPHABETS, assert_exact, pieces, texts
from textops import _core

HELD_MAX = _core.lib.TEXTOPS_PY_HELD_MAX
SLICE_ITEMS = _core.lib.TEXTOPS_PY_SLICE_ITEMS


class Sub(str):
    """A str subclass: not an exact str, so never read by the glue."""


def _storage_bytes(text):
    """Bytes of a text as the held path measures it (a str: its storage)."""
    if isinstance(text, str):
        widest = max(map(ord, text), default=0)
        return len(text) * (1 if widest < 256 else 2 if widest < 65536 else 4)
    return len(text)


def _long(text, extra=0):
    """text repeated to just over the threshold (plus `extra` copies)."""
    if not text:
        text = type(text)(b"a" if isinstance(text, bytes) else "a")
    reps = HELD_MAX // _storage_bytes(text) + 1 + extra
    return text * reps


@st.composite
def held_cases(draw, alphabet):
    """A batch of short texts, a few long ones (just over the threshold, or
    exactly at it) and items the glue does not read, and one word."""
    exact = type(alphabet.empty)
    items = []
    for _ in range(draw(st.integers(1, 12))):
        text = draw(texts(alphabet, max_pieces=12))
        kind = draw(st.sampled_from(["short"] * 5 + ["long", "edge", "other"]))
        if kind == "long":
            text = _long(text, draw(st.integers(0, 2)))
        elif kind == "edge":  # exactly at the threshold: still short
            unit = exact(b"a b " if exact is bytes else "a b ")
            text = (unit * (HELD_MAX // 4 + 1))[:HELD_MAX]
        elif kind == "other":
            text = Sub(text) if exact is str else bytearray(text)
        items.append(text)
    word = draw(st.one_of(pieces(alphabet), texts(alphabet, max_pieces=3)))
    return items, exact(word) if exact is bytes else str(word)


@pytest.mark.parametrize("alphabet", ALPHABETS, ids=str)
@pytest.mark.parametrize("threads", [1, 2, 3])
@given(data=st.data())
def test_held_batches_match_python(alphabet, threads, data, search_backend, set_min_chunk):
    items, word = data.draw(held_cases(alphabet))
    set_min_chunk(data.draw(st.sampled_from([1, 3, 64, 1 << 16])))
    if word:
        assert_exact(
            textops.parallel_word_count(items, word, threads=threads),
            [t.split().count(word) for t in items],
            word=word,
        )
    assert_exact(
        textops.parallel_substring_count(items, word, threads=threads),
        [t.count(word) for t in items],
        word=word,
    )


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_every_storage_kind_across_the_threshold(threads, search_backend):
    """1, 2 and 4 bytes a character, and bytes, at and just over the
    threshold in bytes of storage, mixed with short texts."""
    for ch in ("a", "\xe9", "\u4e16", "\U0001f600"):
        unit = f"the {ch} the{ch} "
        width = _storage_bytes(unit) // len(unit)
        at = (unit * (HELD_MAX // len(unit) + 1))[: HELD_MAX // width]
        over = at + ch
        batch = [unit, at, over, unit * 3, over + unit, "", ch, at]
        for word in ("the", ch, f"the{ch}", ""):
            if word:
                assert_exact(
                    textops.parallel_word_count(batch, word, threads=threads),
                    [t.split().count(word) for t in batch],
                )
            assert_exact(
                textops.parallel_substring_count(batch, word, threads=threads),
                [t.count(word) for t in batch],
            )
            data = [t.encode("utf-8") for t in batch]
            w = word.encode("utf-8")
            assert_exact(
                textops.parallel_substring_count(data, w, threads=threads),
                [t.count(w) for t in data],
            )


# Words for the short texts: rare and frequent, self-overlapping, of 2 to
# 9 bytes and longer (around the whole-needle test of 8), with a space (no
# token), non-ASCII (wider than some storage).
SHORT_WORDS = ["ab", "the", "aaaa", "abcab", "whale", "thethe", "a" * 9, "x y", "\xe9", "the\u4e16"]
# What the texts are made of, drawn piece by piece: the word, the word
# inside a longer token, spaces (ASCII and not), punctuation and fillers
# of each storage width.
FILLERS = [" ", "\t", "\n", "a", "t", ",", "\xe9", "\u3000", "\u4e16", "\U0001f600", "__"]


@st.composite
def short_texts(draw):
    """A word and a batch of texts of 0 to 600 characters (around the short
    scan's 512 bytes and its 64-byte blocks), the word at the ends, between
    spaces and inside tokens."""
    word = draw(st.sampled_from(SHORT_WORDS))
    batch = []
    for _ in range(draw(st.integers(1, 6))):
        size = draw(st.integers(0, 600))
        parts = draw(st.lists(st.sampled_from([word, word, word + "x", *FILLERS]), max_size=80))
        text = "".join(parts)
        text = (text * (size // max(len(text), 1) + 1))[:size] if text else ""
        if draw(st.booleans()):
            text = text[: max(0, size - len(word))] + word  # the word at the end
        batch.append(text)
    return word, batch


@pytest.mark.parametrize("threads", [1, 2, 3])
@given(case=short_texts(), rule=st.sampled_from(["split", "sep", r"\w+", "lower"]))
def test_short_texts_match_python(threads, case, rule, search_backend, set_min_chunk):
    """The short scan of every backend (AVX-512: masked loads, the edge
    tests where both neighbours lie in the text) against Python, in every
    storage kind and as UTF-8 bytes, for split(), split(sep), \\w+ and
    lowered tokens."""
    import re

    word, batch = case
    set_min_chunk(1)
    for items, w in ((batch, word), ([t.encode() for t in batch], word.encode())):
        assert_exact(
            textops.parallel_substring_count(items, w, threads=threads),
            [t.count(w) for t in items],
        )
        if rule == "split":
            got = textops.parallel_word_count(items, w, threads=threads)
            want = [t.split().count(w) for t in items]
        elif rule == "sep":
            sep = w[:0] + (" " if isinstance(w, str) else b" ")
            got = textops.parallel_word_count(items, w, sep=sep, threads=threads)
            want = [t.split(sep).count(w) for t in items]
        elif rule == "lower":
            got = textops.parallel_word_count(items, w, lowercase=True, threads=threads)
            want = [t.lower().split().count(w) for t in items]
        else:
            pat = r"\w+" if isinstance(w, str) else rb"\w+"
            got = textops.parallel_word_count(items, w, pattern=pat, threads=threads)
            want = [re.findall(pat, t).count(w) for t in items]
        assert_exact(got, want, word=word, rule=rule)


# The tally of a short text's substrings (csrc/tally.c, AVX-512 or AVX2)
# takes words of 1 to 8 units that cannot overlap themselves, in texts of
# up to 4096 bytes of storage, 64, 32 or 16 units a block (AVX2: 32, 16
# or 8, the last block's loads ending at the text's end, a text under 32
# bytes copied). Its words: of 1 to 9 units, overlapping and not, each
# kind of character; its texts: made of them and of characters whose
# bytes spell a word's across unit boundaries ("\u7400\u6800\u0100" holds
# the bytes of "th" at an odd offset, "\U00017400" those of "t" and a zero
# unit).
TALLY_WORDS = ["t", "th", "the", "ab", "abab", "aba", "zyzzyva", "whalebone", "abcdefgh"]
TALLY_WORDS += ["\xe9", "caf\xe9", "\u4e16", "\u4e16the", "\U0001f600", "t\U0001f600"]
TALLY_PIECES = ["the ", "t", "h", "ab", "a", "\xe9", "caf\xe9", "\u4e16", "\U0001f600", " "]
TALLY_PIECES += ["\u7400\u6800\u0100", "\U00017400", "\u6874", "zyzzyva", "whalebone"]
# whitespace of every kind beside the words (str.split() splits on all of
# them, bytes.split() on the ASCII ones but \x1c-\x1f), and characters
# that are not ("\u200b", "\x1b")
TALLY_PIECES += ["\t", "\x1c", "\x1f", "\x85", "\xa0", "\u1680", "\u2000", "\u200a", "\u2028"]
TALLY_PIECES += ["\u202f", "\u205f", "\u3000", "\u200b", "\x1b", "\n"]


@st.composite
def tally_cases(draw):
    """A word and texts of 0 to 4,200 characters of one storage kind
    (around 4096 bytes and the blocks of each width)."""
    word = draw(st.sampled_from(TALLY_WORDS))
    widest = draw(st.sampled_from(["a", "\xe9", "\u4e16", "\U0001f600"]))
    batch = []
    for _ in range(draw(st.integers(1, 5))):
        parts = draw(st.lists(st.sampled_from([word, word, *TALLY_PIECES]), max_size=40))
        size = draw(
            st.one_of(
                st.integers(0, 70),
                st.sampled_from([1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096, 4097]),
                st.integers(0, 4200),
            )
        )
        text = "".join(parts) or "a"
        text = (text * (size // len(text) + 1))[: max(size - 1, 0)]
        batch.append(text + widest if size else "")
    return word, batch


def _cache_utf8(text):
    """Have CPython cache text's UTF-8 form (the glue then reads a word
    count's text as UTF-8); elsewhere, leave it."""
    import ctypes
    import platform

    if platform.python_implementation() == "CPython":
        as_utf8 = ctypes.pythonapi.PyUnicode_AsUTF8AndSize
        as_utf8.restype = ctypes.c_void_p
        as_utf8.argtypes = [ctypes.py_object, ctypes.c_void_p]
        as_utf8(text, None)
    return text


@pytest.fixture(params=[-1, 0, 1], ids=["dense=sample", "dense=0", "dense=1"])
def tally_dense(request):
    """Each way a token tally tests a word's neighbours (in every block, in
    the blocks with a match, as the sample says); restored afterwards."""
    from textops import _core

    previous = _core.set_tally_dense(request.param)
    yield request.param
    _core.set_tally_dense(previous)


@pytest.mark.parametrize("threads", [1, 2, 3])
@given(case=tally_cases(), cached=st.booleans())
def test_tally_of_short_texts_matches_python(
    threads, case, cached, search_backend, set_min_chunk, tally_dense
):
    """Substring and split() word counts of short texts, tallied where the
    backend has it, against str.count, bytes.count and split().count, in
    every storage kind: only occurrences at unit boundaries count, and a
    token has whitespace of its kind (or an end) on each side."""
    word, batch = case
    set_min_chunk(1)
    if cached:  # non-ASCII texts read as UTF-8: a neighbour of 0x80 or more
        batch = [_cache_utf8(t) for t in batch]
    data = [t.encode("utf-8") for t in batch]
    w = word.encode("utf-8")
    assert_exact(
        textops.parallel_substring_count(batch, word, threads=threads),
        [t.count(word) for t in batch],
        word=word,
    )
    assert_exact(
        textops.parallel_substring_count(data, w, threads=threads),
        [t.count(w) for t in data],
        word=word,
    )
    assert_exact(
        textops.parallel_word_count(batch, word, threads=threads),
        [t.split().count(word) for t in batch],
        word=word,
    )
    assert_exact(
        textops.parallel_word_count(data, w, threads=threads),
        [t.split().count(w) for t in data],
        word=word,
    )


def test_token_tally_knows_every_whitespace(tally_dense):
    """Each character str.split() (or bytes.split()) splits on, and a few
    it does not, beside a word, in each storage kind and as bytes."""
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    others = ["\x1b", "\x84", "\x86", "\xa1", "\u200b", "\u2029\u2030", "\u3001", "x"]
    for widest in ("", "\xe9", "\u4e16", "\U0001f600"):
        for ch in spaces + others:
            batch = [f"the{ch}the{ch}{widest}", f"{ch}the", f"a{ch}the{ch}b the", widest + ch]
            for threads in (1, 2):
                assert textops.parallel_word_count(batch, "the", threads=threads) == [
                    t.split().count("the") for t in batch
                ], (ch, widest)
                data = [t.encode() for t in batch]
                assert textops.parallel_word_count(data, b"the", threads=threads) == [
                    t.split().count(b"the") for t in data
                ], (ch, widest)


def test_tally_tests_every_unit_of_the_word(tally_dense):
    """Near misses of words of 1 to 9 units (one unit changed, in each
    place) beside whitespace, as substrings and tokens, in each storage
    kind and as bytes: a tally that skips a unit counts them."""
    for word in ["t", "th", "the", "abcd", "abcde", "zyzzyva", "abcdefgh", "whalebone"]:
        misses = [word[:i] + "\x01" + word[i + 1 :] for i in range(len(word))]
        for widest in ("", "\xe9", "\u4e16", "\U0001f600"):
            batch = [" ".join([*misses, word, *misses]) + widest, " ".join(misses) + widest]
            batch += [m + " " + word for m in misses]
            data = [t.encode() for t in batch]
            for threads in (1, 2):
                got = textops.parallel_word_count(batch, word, threads=threads)
                assert got == [t.split().count(word) for t in batch], (word, widest)
                got = textops.parallel_substring_count(batch, word, threads=threads)
                assert got == [t.count(word) for t in batch], (word, widest)
                got = textops.parallel_word_count(data, word.encode(), threads=threads)
                assert got == [t.split().count(word.encode()) for t in data], (word, widest)


def test_tally_at_block_edges_and_text_ends(tally_dense):
    """A word at the very end or start of texts of 31 to 65 bytes of
    storage, in each kind (the blocks' edges and the last block, whose
    loads end at the text's end), beside whitespace of 0x80 or more past
    the first block, as substrings and tokens, str (its storage, or the
    UTF-8 form cached) and bytes."""
    words = ["t", "th", "the", "abcd", "whale", "zyzzyva", "abcdefg", "abcdefgh"]
    spaces = [" ", "\x85", "\xa0", "\u2000", "\u3000", "\u200b", "x"]
    for widest, width in (("", 1), ("\xe9", 1), ("\u4e16", 2), ("\U0001f600", 4)):
        for word in words:
            batch = []
            for size in (31, 32, 33, 63, 64, 65):
                for ch in spaces:
                    fill = max(size // width - len(word) - 1, 1)
                    pad = (widest + "ab " * 40)[:fill]
                    batch += [pad + ch + word, word + ch + pad[::-1], pad + ch + word + ch + pad]
            for cached in (False, True):
                texts = [_cache_utf8(t) for t in batch] if cached else batch
                for threads in (1, 2):
                    got = textops.parallel_substring_count(texts, word, threads=threads)
                    assert got == [t.count(word) for t in texts], (word, widest)
                    got = textops.parallel_word_count(texts, word, threads=threads)
                    assert got == [t.split().count(word) for t in texts], (word, widest)
            data = [t.encode() for t in batch]
            w = word.encode()
            assert textops.parallel_substring_count(data, w) == [t.count(w) for t in data]
            assert textops.parallel_word_count(data, w) == [t.split().count(w) for t in data]


def test_tally_keeps_occurrences_at_unit_boundaries():
    """Bytes of a word that straddle two units are no occurrence."""
    cases = [
        ("\u7400\u6800\u0100" * 40, "th"),
        ("\u7400\u6800\u0100x" * 40, "th"),
        ("\U00017400\U00016800" * 20, "t"),
        ("\U00017400\U00016800" * 20, "th"),
        ("\u6874\u0065" * 50, "he"),
        ("a\u0101" * 100, "\u0101a"),
    ]
    for text, word in cases:
        for threads in (1, 2):
            assert textops.parallel_substring_count([text, text[1:]], word, threads=threads) == [
                text.count(word),
                text[1:].count(word),
            ]


def test_counts_are_ints_with_their_references():
    """The counts go into the result list as shared ints (below 257) and
    new ones (above): every value right, and once the results are dropped
    no int keeps a reference more or less than before."""
    import gc
    import sys

    docs = ["a" * (k % 600) for k in range(3 * SLICE_ITEMS + 11)] + [b"a".decode()] * 7
    values = (0, 1, 2, 255, 256)

    def rounds():
        for threads in (1, 2):
            got = textops.parallel_substring_count(docs, "a", threads=threads)
            ok = got == [len(d) for d in docs] and all(type(v) is int for v in got)
            words = textops.parallel_word_count(docs, "a", threads=threads)
            ok = ok and words == [d.split().count("a") for d in docs]
            if not ok:
                return False
        return True

    assert rounds()  # the first round: whatever the interpreter caches
    gc.collect()
    before = [sys.getrefcount(v) for v in values]
    assert rounds() and rounds()
    gc.collect()
    assert [sys.getrefcount(v) for v in values] == before


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_slices_end_at_each_threads_byte_budget(threads, set_min_chunk):
    """Texts near the threshold (64 KiB), so that a thread's byte budget
    (TEXTOPS_PY_SLICE_BYTES) ends slices after a few texts, mixed with
    short ones, long ones and items the glue does not read, in every
    storage kind: every count is Python's."""
    set_min_chunk(1)
    units = ["the cat ", "th\xe9 caf\xe9 ", "the \u4e16 ", "the \U0001f600 "]
    batch = []
    for k in range(60):
        unit = units[k % 4]
        width = _storage_bytes(unit) // len(unit)
        size = HELD_MAX // width - (k * 37) % 500  # just under the threshold
        batch.append((unit * (size // len(unit) + 1))[:size])
        batch.append(unit * (k % 5))
        if k % 17 == 0:
            batch.append(_long(unit))
        if k % 23 == 0:
            batch.append(Sub(unit))
    for word in ("the", "cat", "\u4e16", ""):
        assert textops.parallel_substring_count(batch, word, threads=threads) == [
            t.count(word) for t in batch
        ]
        if word:
            assert textops.parallel_word_count(batch, word, threads=threads) == [
                t.split().count(word) for t in batch
            ]
    data = [t.encode() for t in batch if type(t) is str]
    assert textops.parallel_word_count(data, b"the", threads=threads) == [
        t.split().count(b"the") for t in data
    ]


def test_many_slices_and_patterns_per_text():
    """A batch of several slices; one word per text takes the path that
    holds references."""
    docs = [f"the cat {i} the\u3000{'é' * (i % 3)} the" for i in range(3 * SLICE_ITEMS + 7)]
    assert textops.parallel_word_count(docs, "the") == [d.split().count("the") for d in docs]
    assert textops.parallel_substring_count(docs, "the") == [d.count("the") for d in docs]
    words = ["the", "cat"] * (len(docs) // 2) + ["the"]
    assert textops.parallel_word_count(docs, words) == [
        d.split().count(w) for d, w in zip(docs, words)
    ]


def test_errors_name_the_index_after_held_slices():
    docs = ["a b"] * (SLICE_ITEMS + 5) + [b"a"]
    with pytest.raises(textops.TextopsTypeError, match=rf"text_bodies\[{SLICE_ITEMS + 5}\]"):
        textops.parallel_word_count(docs, "a")
    data = [b"a b"] * 10 + [_long(b"a ")] + [b"a", 3]
    with pytest.raises(textops.TextopsTypeError, match=r"text_bodies\[12\]"):
        textops.parallel_substring_count(data, b"a")


# --- other Python threads run during a long batch -------------------------


def _long_batch():
    """About 4 million short texts (a few objects, listed many times): a
    batch of more than a hundred slices."""
    return ["the cat sat on the mat", "caf\xe9 the \u4e16 the", "x the y"] * 1_400_000


def test_other_thread_runs_during_a_long_batch():
    """The main thread waits in time.sleep(0) again and again while a worker
    counts one long batch of short texts: each return from sleep needs the
    GIL back, so iterations completed before the worker's call returns show
    that the batch gave the GIL up during the call (between slices). Were
    the GIL held for the whole C call, the main thread could only come back
    before the call entered C or after it returned. An attempt whose call
    ends before the main thread runs is inconclusive, so it is retried."""
    docs = _long_batch()
    expected = [d.split().count("the") for d in docs[:3]] * (len(docs) // 3)
    during = []
    for _attempt in range(5):
        entering, returned = threading.Event(), threading.Event()
        results = []

        def worker():
            entering.set()
            results.append(textops.parallel_word_count(docs, "the", threads=1))
            returned.set()

        thread = threading.Thread(target=worker)
        thread.start()
        entering.wait()
        iterations = 0
        while not returned.is_set() and iterations < 1000:
            _ = sum(range(100))  # Python bytecode
            iterations += 1
            threading.Event().wait(0)  # gives the GIL up, needs it back
        thread.join()
        assert results[0] == expected
        during.append(iterations)
        if iterations >= 5:
            break
    assert max(during) >= 5, during


def test_list_changed_between_slices():
    """Another thread replaces items (same length) and then changes the
    length while batches are counted: every count is that of one value the
    item held, and a length change gives RuntimeError or a full result."""
    values = ["the a", "the the b", Sub("the the the"), _long("the "), "x"]
    counts = {v: v.split().count("the") for v in map(str, values)}
    docs = ["the a"] * (8 * SLICE_ITEMS)
    n = len(docs)
    stop = threading.Event()

    spots = range(0, n, n // 50)  # a few places, so few long texts at once

    def mutate():
        k = 0
        while not stop.is_set():
            for spot in spots:
                docs[spot] = values[k % len(values)]
                k += 1
            threading.Event().wait(0)

    thread = threading.Thread(target=mutate)
    thread.start()
    try:
        for _ in range(20):
            got = textops.parallel_word_count(docs, "the", threads=2)
            assert len(got) == n
            assert set(got) <= set(counts.values())
            subs = textops.parallel_substring_count(docs, "the", threads=2)
            assert set(subs) <= {str(v).count("the") for v in values}
    finally:
        stop.set()
        thread.join()
    grow = threading.Event()

    def resize():
        while not grow.is_set():
            docs.append("the")
            threading.Event().wait(0)
            docs.pop()

    thread = threading.Thread(target=resize)
    thread.start()
    outcomes = set()
    try:
        for _ in range(20):
            try:
                got = textops.parallel_word_count(docs, "the", threads=2)
            except RuntimeError as exc:
                assert "changed size" in str(exc)
                outcomes.add("RuntimeError")
            else:
                assert len(got) in (n, n + 1)
                assert set(got) <= set(counts.values())
                outcomes.add("result")
    finally:
        grow.set()
        thread.join()
    assert outcomes


def test_busy_team_is_not_waited_for():
    """A GIL-held batch while another thread's long GIL-released call holds
    the team: the batch runs on its own thread, exact, and nothing hangs."""
    big = b"ab cd ab " * 4_000_000
    docs = ["ab cd ab", "cd", "ab"] * 200_000
    expected = [d.count("ab") for d in docs]
    stop = threading.Event()
    seen = []

    def hold_team():
        while not stop.is_set():
            seen.append(textops.substring_count(big, b"ab", threads=2))

    thread = threading.Thread(target=hold_team)
    thread.start()
    try:
        for _ in range(10):
            assert textops.parallel_substring_count(docs, "ab", threads=2) == expected
    finally:
        stop.set()
        thread.join(120)
    assert not thread.is_alive()
    assert set(seen) <= {big.count(b"ab")}
