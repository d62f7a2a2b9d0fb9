"""word_frequencies and word_counts against their references.

word_frequencies(text, sep=sep) == Counter(text.split(sep)), key order
included (first occurrence, so most_common breaks ties alike), summed over
an iterable of texts; word_counts(text, words, sep=sep) ==
{w: text.split(sep).count(w) for w in words}. Bytes-like texts are compared
with bytes(text).split(sep), since bytearray tokens are unhashable.
"""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textops
from strategies import (
    ALPHABETS,
    SMALL_MIN_CHUNKS,
    THREAD_COUNTS,
    Buffers,
    batch_cases,
    big_texts,
    cases,
    words,
)

BY_ALPHABET = pytest.mark.parametrize("alphabet", ALPHABETS, ids=str)
BIG_EXAMPLES = max(3, settings().max_examples // 25)
# These tests share the suite's time budget with the single-word ones.
FEW_EXAMPLES = max(10, settings().max_examples // 4)
# The backend tests run once per backend (up to four).
BACKEND_EXAMPLES = max(10, FEW_EXAMPLES // 4)


def reference_frequencies(bodies, sep):
    counter = Counter()
    for body in bodies:
        counter.update(body.split(sep))
    return counter


def assert_same_counter(result, expected, **context):
    assert type(result) is Counter, context
    assert list(result.items()) == list(expected.items()), context
    assert all(type(v) is int for v in result.values()), context


def check_frequencies(case, convert):
    expected = Counter(case.text.split(case.sep))
    text, _, sep = case.arguments(convert)
    for threads in THREAD_COUNTS:
        result = textops.word_frequencies(text, sep=sep, threads=threads)
        assert_same_counter(result, expected, threads=threads)


@BY_ALPHABET
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_word_frequencies_matches_counter(alphabet, data, min_chunk, set_min_chunk):
    """word_frequencies(text, sep=sep) == Counter(text.split(sep))."""
    set_min_chunk(min_chunk)
    with Buffers() as convert:
        check_frequencies(data.draw(cases(alphabet), label="case"), convert)


@BY_ALPHABET
@settings(max_examples=BIG_EXAMPLES)
@given(data=st.data())
def test_word_frequencies_big_text(alphabet, data):
    """Texts that cross the default chunk size."""
    with Buffers() as convert:
        check_frequencies(
            data.draw(cases(alphabet, text_strategy=big_texts(alphabet)), label="case"), convert
        )


@BY_ALPHABET
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_word_frequencies_of_many_texts(alphabet, data, min_chunk, set_min_chunk):
    """Over an iterable of texts: the sum of the Counters, in text order."""
    set_min_chunk(min_chunk)
    batch = data.draw(batch_cases(alphabet), label="batch")
    expected = reference_frequencies(batch.texts, batch.sep)
    with Buffers() as convert:
        bodies, _ = batch.arguments(convert)
        for threads in THREAD_COUNTS:
            result = textops.word_frequencies(iter(bodies), sep=batch.sep, threads=threads)
            assert_same_counter(result, expected, threads=threads)


@BY_ALPHABET
@settings(max_examples=BACKEND_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS, whitespace=st.booleans())
def test_word_frequencies_and_counts_each_backend(
    alphabet, data, min_chunk, whitespace, set_min_chunk, search_backend
):
    """Each backend's tokenizer (the vector ones and their portable twin) gives
    Counter(text.split(sep)) and text.split(sep).count(w), on one text and a batch."""
    set_min_chunk(min_chunk)
    case = data.draw(cases(alphabet), label="case")
    sep = None if whitespace else case.sep
    tokens = case.text.split(sep)
    word_values = data.draw(word_lists(alphabet, case.text, sep), label="words")
    with Buffers() as convert:
        text, _, sep_arg = case.arguments(convert)
        sep_arg = None if whitespace else sep_arg
        for threads in THREAD_COUNTS:
            assert_same_counter(
                textops.word_frequencies(text, sep=sep_arg, threads=threads),
                Counter(tokens),
                threads=threads,
                backend=search_backend,
            )
            assert_same_counter(
                textops.word_frequencies([text, text], sep=sep_arg, threads=threads),
                Counter(tokens + tokens),
                threads=threads,
                backend=search_backend,
            )
            got = textops.word_counts(text, word_values, sep=sep_arg, threads=threads)
            assert got == {w: tokens.count(w) for w in word_values}, (threads, search_backend)


@st.composite
def word_lists(draw, alphabet, text, sep):
    return draw(st.lists(words(alphabet, text, sep), max_size=12))


def check_word_counts(text_value, word_values, sep_value, text, word_args, sep):
    expected = {w: text_value.split(sep_value).count(w) for w in word_values}
    for threads in THREAD_COUNTS:
        result = textops.word_counts(text, word_args, sep=sep, threads=threads)
        assert result == expected, threads
        assert list(result) == list(expected), threads
        assert all(type(v) is int for v in result.values())


@BY_ALPHABET
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_word_counts_matches_reference(alphabet, data, min_chunk, set_min_chunk):
    """word_counts(text, ws, sep=sep) == {w: text.split(sep).count(w) for w in ws}."""
    set_min_chunk(min_chunk)
    case = data.draw(cases(alphabet), label="case")
    word_values = data.draw(word_lists(alphabet, case.text, case.sep), label="words")
    with Buffers() as convert:
        text, _, sep = case.arguments(convert)
        check_word_counts(case.text, word_values, case.sep, text, word_values, sep)


@BY_ALPHABET
@settings(max_examples=BIG_EXAMPLES)
@given(data=st.data())
def test_word_counts_big_text(alphabet, data):
    case = data.draw(cases(alphabet, text_strategy=big_texts(alphabet)), label="case")
    word_values = data.draw(word_lists(alphabet, case.text, case.sep), label="words")
    with Buffers() as convert:
        text, _, sep = case.arguments(convert)
        check_word_counts(case.text, word_values, case.sep, text, word_values, sep)


def test_word_counts_buffer_words_become_bytes_keys():
    assert textops.word_counts(b"a b a", [bytearray(b"a"), memoryview(b"b")]) == {b"a": 2, b"b": 1}


@pytest.mark.parametrize(
    "text, sep",
    [
        ("\ud83d\ude00 \U0001f600 \ud83d\ude00", None),
        ("a\x00b \x00 a\x00b", None),
        ("aaaax", "aa"),
        ("", None),
        ("", ","),
        ("   ", None),
        (",,", ","),
        (b"a\x85b \xff \xff", None),
    ],
)
def test_word_frequencies_examples(text, sep):
    assert_same_counter(textops.word_frequencies(text, sep=sep), Counter(text.split(sep)))


def test_word_frequencies_empty_iterable():
    assert textops.word_frequencies([]) == Counter()


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: textops.word_frequencies(5),
            "text_or_texts must be a list or other iterable of texts, not int",
        ),
        (
            lambda: textops.word_frequencies(["a", b"b"]),
            "text_or_texts[1] is bytes but text_or_texts[0] is str",
        ),
        (
            lambda: textops.word_frequencies(["a", 3]),
            "text_or_texts[1] must be str or a bytes-like object, not int",
        ),
        (
            lambda: textops.word_frequencies("a", sep=b","),
            "sep must be str like text_or_texts, not bytes",
        ),
        (
            lambda: textops.word_counts("a", "a"),
            "words must be an iterable of words, not a single str",
        ),
        (lambda: textops.word_counts("a", 5), "words must be an iterable of words, not int"),
        (
            lambda: textops.word_counts("a", ["a", b"b"]),
            "words[1] must be str like text, not bytes",
        ),
        (lambda: textops.word_counts(3, ["a"]), "text must be str or a bytes-like object, not int"),
    ],
)
def test_bad_arguments_raise_type_error(call, message):
    with pytest.raises(textops.TextopsTypeError) as info:
        call()
    assert message in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: textops.word_frequencies("a", sep=""),
        lambda: textops.word_counts("a", ["a"], sep=""),
        lambda: textops.word_counts("a", ["a"], threads=0),
    ],
)
def test_bad_values_raise_value_error(call):
    with pytest.raises(textops.TextopsValueError):
        call()


@pytest.mark.parametrize(
    "space", [" ", "\x1c", "\x85", "\xa0", "\u1680", "\u2000", "\u3000", "\u2028"]
)
def test_word_frequencies_space_at_every_place_around_blocks(space, search_backend):
    """Whitespace of 1-3 UTF-8 bytes at every place of texts around the 64-byte
    blocks the vector tokenizer reads, next to non-whitespace lead bytes, on
    every backend."""
    for length in (62, 63, 64, 65, 127, 128, 129, 130):
        for position in range(length):
            text = ("a" * position + space + "\u201cb\xe9" + "c" * length)[: length + 3]
            for probe in (text, text.encode()):
                words_ = probe.split()
                expected = Counter(words_)
                assert_same_counter(textops.word_frequencies(probe), expected, text=text)
                got = textops.word_counts(probe, words_[:3])
                assert got == {w: words_.count(w) for w in words_[:3]}, text


# A token at least this long that is a whole text is not copied by the core
# (textops.h TEXTOPS_WHOLE_BYTES): Python gives the text itself as its key.
WHOLE = 4096


@settings(max_examples=BACKEND_EXAMPLES)
@given(
    data=st.data(),
    min_chunk=SMALL_MIN_CHUNKS,
    size=st.integers(WHOLE - 2, WHOLE + 40),
    unicode=st.booleans(),
    with_sep=st.booleans(),
)
def test_word_frequencies_of_whole_text_tokens(
    data, min_chunk, size, unicode, with_sep, set_min_chunk, search_backend
):
    """Texts that are one long token, alone or among texts whose tokens equal
    them, in every kind of buffer: Counter(t.split(sep)), key order included,
    and the key is the text itself for one exact str or bytes, as split gives."""
    set_min_chunk(min_chunk)
    letter = data.draw(st.sampled_from("aé\u20ac") if unicode else st.just("a"), label="letter")
    body = (letter * size)[:size]
    sep = "b" if with_sep else None
    other = body + (" x " if sep is None else "bx")  # a text whose first token is the body
    batches = [[body], [body, body], [other, body], [body, other], [body + body[:1]]]
    for bodies in batches:
        expected = reference_frequencies(bodies, sep)
        for threads in THREAD_COUNTS:
            if unicode:
                got = textops.word_frequencies(bodies, sep=sep, threads=threads)
                assert_same_counter(got, expected, threads=threads, bodies=len(bodies))
                continue
            raw = [b.encode() for b in bodies]
            bsep = None if sep is None else sep.encode()
            want = reference_frequencies(raw, bsep)
            for kind in (bytes, bytearray, memoryview):
                texts = [kind(r) for r in raw]
                got = textops.word_frequencies(texts, sep=bsep, threads=threads)
                assert_same_counter(got, want, threads=threads, kind=kind)
                assert all(type(k) is bytes for k in got), kind
            corpus = textops.Corpus(raw)
            assert_same_counter(
                corpus.word_frequencies(sep=bsep, threads=threads),
                want,
                threads=threads,
                corpus=True,
            )
    for text in (body, body.encode()):
        tsep = None if sep is None else (sep if isinstance(text, str) else sep.encode())
        got = textops.word_frequencies(text, sep=tsep, threads=2)
        assert list(got.items()) == [(text, 1)]
        if len(body.encode()) >= WHOLE:  # as text.split(sep) == [text] holds text itself
            assert next(iter(got)) is text


# The core counts tokens of 1 to 8 bytes (table.h TX_SHORT) in a table of
# their own, of 1024 slots at first, grown past half full, one per thread
# and merged at the end; longer and empty tokens go to the other table.
SHORT = 8
SHORT_SLOTS = 1024


def short_tokens(count: int, seed: int) -> list:
    """``count`` distinct bytes tokens of 1 to 9 bytes, non-whitespace and
    without ","; some differ only in trailing NUL bytes, which a token's
    bytes held as one zero-padded word do not show."""
    import random

    rng = random.Random(seed)
    made = {b"a", b"a\x00", b"\x00", b"\x00\x00", b"ab\x00\x00\x00\x00\x00\x00"}
    made |= {b"a" * n for n in range(1, SHORT + 2)} | {b"\x00" * n for n in range(1, SHORT + 2)}
    alphabet = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_\x00\xc3\xa9"
    while len(made) < count:
        n = rng.randint(1, SHORT + 1)
        made.add(bytes(rng.choice(alphabet) for _ in range(n)))
    tokens = sorted(made)
    rng.shuffle(tokens)
    return tokens


@pytest.mark.parametrize("count", [6, SHORT_SLOTS // 2 - 1, SHORT_SLOTS // 2 + 1, 3 * SHORT_SLOTS])
def test_word_frequencies_of_many_short_tokens(count, set_min_chunk):
    """Texts of many distinct tokens of 1 to 9 bytes (some equal but for
    trailing NUL bytes), each a different number of times, in a shuffled
    order: the numbers of distinct tokens cross the short table's growth
    thresholds, on every thread count and tiny chunks, split() and
    split(sep), bytes and str of every storage width."""
    import random

    rng = random.Random(count)
    tokens = short_tokens(count, count)
    stream = [t for k, t in enumerate(tokens) for _ in range(1 + k % 5)]
    rng.shuffle(stream)
    for min_chunk in (1, 7, 64, 4096):
        set_min_chunk(min_chunk)
        for sep in (None, b","):
            raw = (b" " if sep is None else sep).join(stream)
            texts: list = [raw, [raw[: len(raw) // 3], raw[len(raw) // 3 :], raw]]
            wide = raw.decode("utf-8", "surrogateescape")
            for extra in ("", "\xe9", "\u20ac", "\U0001f600"):
                s = (wide + " " + extra) if sep is None else (wide + "," + extra)
                texts.append(s.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
            for text in texts:
                bodies = text if isinstance(text, list) else [text]
                ssep = None if sep is None else (sep if isinstance(bodies[0], bytes) else ",")
                expected = reference_frequencies(bodies, ssep)
                for threads in THREAD_COUNTS:
                    got = textops.word_frequencies(text, sep=ssep, threads=threads)
                    assert_same_counter(got, expected, threads=threads, chunk=min_chunk)


@pytest.mark.parametrize("lowercase", [False, True])
def test_word_frequencies_short_and_long_words_each_backend(
    lowercase, search_backend, set_min_chunk
):
    r"""Words of 1 to 24 code points, ASCII and not, upper and lower case,
    \w+ and split(): the words of up to 8 bytes and the longer ones sit in
    different tables, merged into one first-occurrence order, on every
    backend and thread count."""
    import random
    import re

    rng = random.Random(7)
    letters = "abcXYZé\u03a3\u0436\u4e00\U0001d400_1"
    words_ = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 24))) for _ in range(900)]
    stream = [rng.choice(words_[: rng.randint(1, len(words_))]) for _ in range(6000)]
    text = " ".join(stream) + ", " + ".".join(stream[:500])
    set_min_chunk(16)
    lowered = text.lower() if lowercase else text
    for probe in (text, text.encode()):
        low = lowered if isinstance(probe, str) else probe.lower() if lowercase else probe
        for pattern in (None, r"\w+" if isinstance(probe, str) else rb"\w+"):
            if pattern is None:
                expected = Counter(low.split())
            else:
                expected = Counter(re.findall(pattern, low))
            for threads in THREAD_COUNTS:
                got = textops.word_frequencies(
                    probe, pattern=pattern, lowercase=lowercase, threads=threads
                )
                assert_same_counter(got, expected, threads=threads, pattern=pattern)
