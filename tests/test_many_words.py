r"""Many words at once: word_counts and Corpus.term_matrix against their
references for word sets of every size the core's filters tell apart.

word_counts(text, words, ...) == {w: tokens.count(w) for w in words} and
Corpus(docs).term_matrix(words, ...) == [[tokens(d).count(w) for w in words]
for d in docs], where tokens(t) is t.split(sep) or re.findall(pattern, t)
(of t.lower() with lowercase=True; strategies.rule_tokens). The sets have
1, 2, 8, 33, 64, 65, 1,000 and 100,000 words: with the first-two-byte
bucket filter (up to 4,096 words, when it rejects enough) and without it,
and beyond any table that fits in a cache. They mix the text's own tokens with their prefixes and
extensions (words that are prefixes of each other), duplicates, the empty
word, words holding whitespace or characters that are not \w (their count is
0 by the rule), and non-ASCII words. Every test runs on each search backend
(the AVX2 kernel and its portable twin) with 1, 2 and 3 threads and tiny
chunks, so pieces of a text start and end everywhere.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import textops
from strategies import (
    ALPHABETS,
    SMALL_MIN_CHUNKS,
    TOKEN_ALPHABETS,
    Alphabet,
    Buffers,
    any_texts,
    big_texts,
    needles,
    rule_tokens,
    token_patterns,
)

WORD_SET_SIZES = (1, 2, 8, 33, 64, 65, 1000, 100_000)
THREADS = (1, 2, 3)
ALL_ALPHABETS = (*ALPHABETS, *TOKEN_ALPHABETS)
EXAMPLES = max(4, settings().max_examples // 10)


def expected_counts(tokens: list, words: list) -> dict:
    """``{w: tokens.count(w) for w in words}``, through one Counter (the same
    values: 100,000 words times tokens.count would take minutes)."""
    counts = Counter(tokens)
    return {w: counts[w] for w in words}


def is_str(alphabet: Alphabet) -> bool:
    return isinstance(alphabet.empty, str)


def variants(alphabet: Alphabet, tokens: list) -> list:
    """Words near the tokens: each token, its prefixes and extensions (words
    that are prefixes of each other), with a space or a non-\\w character in
    it, plus the empty word and the alphabet's letters (non-ASCII ones
    included)."""
    empty = alphabet.empty
    space = " " if is_str(alphabet) else b" "
    dot = "." if is_str(alphabet) else b"."
    out = [empty, space, *alphabet.letters, *alphabet.overlapping]
    for token in dict.fromkeys(tokens):
        out += [token, token[:1], token[:2], token[:-1], token + token[:1]]
        out += [token + space + token, token + dot, dot + token]
    return [w for w in out if isinstance(w, type(empty))]


@st.composite
def word_sets(draw: Any, alphabet: Alphabet, text: Any, tokens: list, size: int) -> list:
    """``size`` words: drawn ones (tokens, near-tokens, any needle), then a
    deterministic fill from the same pool and made-up words, duplicates
    included, in a drawn order."""
    pool = variants(alphabet, tokens)
    head = draw(
        st.lists(
            st.sampled_from(pool) | needles(alphabet, text),
            min_size=min(size, 4),
            max_size=min(size, 12),
        ),
        label="words",
    )
    rng = random.Random(draw(st.integers(0, 2**32 - 1), label="seed"))
    letters = [w for w in alphabet.letters if w]
    fill = []
    while len(head) + len(fill) < size:
        pick = rng.random()
        if pick < 0.3:
            fill.append(rng.choice(pool))
        elif pick < 0.4 and (head or fill):
            fill.append(rng.choice(head + fill))  # a duplicate
        else:
            made = alphabet.empty.join(rng.choice(letters) for _ in range(rng.randint(1, 4)))
            suffix = str(len(fill)) if is_str(alphabet) else str(len(fill)).encode()
            fill.append(made + suffix if rng.random() < 0.7 else made)
    words = (head + fill)[:size]
    rng.shuffle(words)
    return words


@st.composite
def rules_for(draw: Any, alphabet: Alphabet) -> tuple:
    """(pattern, lowercase): split() or a \\w rule, lowered now and then (the
    lowered rules take the tokenizer's path: compared all the same)."""
    pattern = draw(st.sampled_from(token_patterns(alphabet)), label="pattern")
    lowercase = draw(st.sampled_from((False, False, False, True)), label="lowercase")
    return pattern, lowercase


def check_word_counts(text: Any, words: list, pattern: Any, lowercase: bool) -> None:
    """word_counts on the text as str/bytes and as a bytearray, on each
    thread count, against the reference."""
    expected = expected_counts(rule_tokens(text, pattern, lowercase), words)
    kinds = ("str",) if isinstance(text, str) else ("bytes", "bytearray")
    with Buffers() as convert:
        for kind in kinds:
            arg = convert(text, kind)
            for threads in THREADS:
                got = textops.word_counts(
                    arg, words, pattern=pattern, lowercase=lowercase, threads=threads
                )
                assert got == expected, (kind, threads, pattern, lowercase)


@pytest.mark.parametrize("size", [s for s in WORD_SET_SIZES if s <= 65])
@pytest.mark.parametrize("alphabet", ALL_ALPHABETS, ids=str)
@settings(max_examples=EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_word_counts_each_backend(alphabet, size, data, min_chunk, set_min_chunk, search_backend):
    """word_counts == {w: tokens.count(w)} for every word set size, rule,
    backend and thread count, texts cut into tiny pieces."""
    set_min_chunk(min_chunk)
    text = data.draw(any_texts(alphabet), label="text")
    pattern, lowercase = data.draw(rules_for(alphabet), label="rule")
    tokens = rule_tokens(text, pattern, False) + rule_tokens(text, pattern, True)
    words = data.draw(word_sets(alphabet, text, tokens, size), label="word set")
    check_word_counts(text, words, pattern, lowercase)


@pytest.mark.parametrize("size", [s for s in WORD_SET_SIZES if s > 65])
@pytest.mark.parametrize("alphabet", ALL_ALPHABETS, ids=str)
# a few examples: each makes and counts up to 100,000 words (the fill is
# made in the draw, on purpose, and slowly under the sanitizers' allocator)
@settings(
    max_examples=3,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_large_word_sets_each_backend(
    alphabet, size, data, min_chunk, set_min_chunk, search_backend
):
    """test_word_counts_each_backend for the word sets past every filter."""
    test_word_counts_each_backend.hypothesis.inner_test(
        alphabet, size, data, min_chunk, set_min_chunk, search_backend
    )


@pytest.mark.parametrize("size", (8, 65, 1000))
@pytest.mark.parametrize("alphabet", ALL_ALPHABETS, ids=str)
@settings(max_examples=max(2, EXAMPLES // 2))
@given(data=st.data())
def test_word_counts_big_text(alphabet, size, data):
    """Texts of 0.3-1.2 M units: many blocks, shares cut by the default chunk
    size, on the best backend."""
    text = data.draw(big_texts(alphabet), label="text")
    pattern, lowercase = data.draw(rules_for(alphabet), label="rule")
    tokens = rule_tokens(text[:5000], pattern, False)
    words = data.draw(word_sets(alphabet, text[:5000], tokens, size), label="word set")
    check_word_counts(text, words, pattern, lowercase)


@pytest.mark.parametrize("size", (2, 65, 1000))
@pytest.mark.parametrize("alphabet", ALL_ALPHABETS, ids=str)
@settings(max_examples=EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_term_matrix_each_backend(alphabet, size, data, min_chunk, set_min_chunk, search_backend):
    """Corpus.term_matrix == [[tokens(d).count(w) for w in words] for d in docs]."""
    set_min_chunk(min_chunk)
    docs = data.draw(st.lists(any_texts(alphabet), min_size=1, max_size=6), label="docs")
    pattern, lowercase = data.draw(rules_for(alphabet), label="rule")
    tokens = [t for d in docs for t in rule_tokens(d, pattern, False)]
    words = data.draw(word_sets(alphabet, alphabet.empty.join(docs), tokens, size), label="words")
    corpus = textops.Corpus(docs)
    for threads in THREADS:
        got = corpus.term_matrix(words, pattern=pattern, lowercase=lowercase, threads=threads)
        want = [
            [counts[w] for w in words]
            for counts in (Counter(rule_tokens(d, pattern, lowercase)) for d in docs)
        ]
        assert got.tolist() == want, threads


# The characters that end a token in each rule, and the ones that do not,
# around the 64-byte blocks of the kernel: multi-byte ones straddle a block
# edge at some offset.
STR_EDGES = (" ", "\n", "\x1c", "\x85", "\xa0", "\u2009", "\u3000", ",", "\u2019", "é", "世")
BYTES_EDGES = (b" ", b"\n", b"\x1c", b"\x85", b",", "é".encode(), "\u3000".encode())


@pytest.mark.parametrize("kind", ("str", "bytes"))
def test_tokens_at_every_place_around_blocks(kind, search_backend):
    """A word, a longer token it prefixes and a token of 70 or 130 bytes at
    every offset across three blocks, between every kind of edge: the counts
    of split() and the \\w rules for sets of 2 (bucket filter) and 70 words."""
    edges = STR_EDGES if kind == "str" else BYTES_EDGES
    conv = (lambda s: s) if kind == "str" else (lambda s: s.encode())
    word, longer = conv("the"), conv("thee")
    long_token = conv("x" * 70)
    longest = conv("y" * 130)
    filler = [conv(f"w{i}") for i in range(68)]
    for edge in edges:
        for offset in range(0, 140, 3):
            parts = [conv("a" * offset), word, longer, long_token, word, longest, word]
            text = edge.join(parts) + (edge if offset % 2 else edge[:0])
            for pattern in token_patterns(ALPHABETS[0] if kind == "str" else ALPHABETS[1]):
                tokens = rule_tokens(text, pattern, False)
                for words in ([word, long_token], [word, longer, long_token, longest, *filler]):
                    want = expected_counts(tokens, words)
                    for threads in (1, 2):
                        got = textops.word_counts(text, words, pattern=pattern, threads=threads)
                        assert got == want, (edge, offset, pattern, threads)


def test_word_counts_examples():
    """Duplicates, prefixes, the empty word and words with whitespace."""
    text = "the theme then the\u3000the\xa0thé thé. the"
    words = ["the", "th", "theme", "the", "", "the theme", "thé", "thé.", "t"]
    assert textops.word_counts(text, words) == {
        "the": 4,
        "th": 0,
        "theme": 1,
        "": 0,
        "the theme": 0,
        "thé": 1,
        "thé.": 1,
        "t": 0,
    }
    assert textops.word_counts(text, words, pattern=r"\w+") == {
        "the": 4,
        "th": 0,
        "theme": 1,
        "": 0,
        "the theme": 0,
        "thé": 2,
        "thé.": 0,
        "t": 0,
    }
    assert textops.word_counts(b"a aa a\xa0a", [b"a", b"aa", b"a\xa0a"]) == {
        b"a": 1,
        b"aa": 1,
        b"a\xa0a": 1,
    }
