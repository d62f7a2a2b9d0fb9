r"""The token rules (pattern=, lowercase=) of every word function against
their references.

With ``t = text.lower() if lowercase else text`` (bytes: ``bytes.lower()``),
a text's tokens are ``re.findall(pattern, t)``, or ``t.split(sep)`` when
pattern is None (strategies.rule_tokens); the lines of line_word_counts
are those of ``t.splitlines()``. Words are compared as given. Every
(pattern, lowercase) pair is drawn, for str and bytes-like texts, from the
suite's alphabets and from the token alphabets (\w next to non-\w in many
scripts, combining marks, İ, the Kelvin sign, Σ in every context, astral
letters, lone surrogates, whitespace of every kind), with tiny minimum
chunk sizes, on every thread count and every search backend.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import textops
from strategies import (
    ALPHABETS,
    BYTES,
    BYTES_PATTERNS,
    SMALL_MIN_CHUNKS,
    STR,
    STR_PATTERNS,
    THREAD_COUNTS,
    TOKEN_ALPHABETS,
    TOKEN_BYTES,
    TOKEN_STR,
    Alphabet,
    Buffers,
    any_texts,
    assert_all_threads,
    assert_exact,
    big_texts,
    rule_line_tokens,
    rule_seps,
    rule_tokens,
    rule_words,
    rules,
    texts,
)
from test_errors import check_raises

ALL_ALPHABETS = (*ALPHABETS, *TOKEN_ALPHABETS)
BY_ALPHABET = pytest.mark.parametrize("alphabet", ALL_ALPHABETS, ids=str)
STR_ALPHABETS = pytest.mark.parametrize("alphabet", (STR, TOKEN_STR), ids=str)
BIG_EXAMPLES = max(3, settings().max_examples // 25)
FEW_EXAMPLES = max(10, settings().max_examples // 4)
# the backend tests run once per backend (up to four)
BACKEND_EXAMPLES = max(10, settings().max_examples // 4)
# the tests through files, pandas and Dask cost more per example
SLOW_EXAMPLES = max(5, settings().max_examples // 10)
PANDAS_DTYPES = [object, "string[pyarrow]"]


def is_str(alphabet: Alphabet) -> bool:
    return isinstance(alphabet.empty, str)


def encodable(text: Any) -> bool:
    """True unless text is a str with lone surrogates (no UTF-8 form: no
    file or Arrow string holds it)."""
    if not isinstance(text, str):
        return True
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


@dataclass(frozen=True)
class RuleCase:
    """One text, a word and a token rule, plus the input kinds."""

    text: Any
    word: Any
    pattern: Any
    lowercase: bool
    sep: Any
    text_kind: str
    word_kind: str

    @property
    def rule(self) -> dict[str, Any]:
        """The keywords of the rule (sep only when given: never with a pattern)."""
        rule = {"pattern": self.pattern, "lowercase": self.lowercase}
        return rule if self.sep is None else {**rule, "sep": self.sep}

    def tokens(self) -> list:
        return rule_tokens(self.text, self.pattern, self.lowercase, self.sep)

    def line_tokens(self) -> list:
        return rule_line_tokens(self.text, self.pattern, self.lowercase, self.sep)

    def arguments(self, convert: Buffers) -> tuple[Any, Any]:
        return convert(self.text, self.text_kind), convert(self.word, self.word_kind)


@st.composite
def rule_cases(draw, alphabet: Alphabet, text_strategy: Any = None) -> RuleCase:
    """A text, a token rule and a word that is often one of its tokens."""
    text = draw(text_strategy if text_strategy is not None else any_texts(alphabet), label="text")
    pattern, lowercase = draw(rules(alphabet), label="rule")
    sep = draw(rule_seps(alphabet, text, pattern), label="sep")
    return RuleCase(
        text=text,
        word=draw(rule_words(alphabet, text, pattern, lowercase, sep), label="word"),
        pattern=pattern,
        lowercase=lowercase,
        sep=sep,
        text_kind=draw(st.sampled_from(alphabet.text_kinds)),
        word_kind=draw(st.sampled_from(alphabet.needle_kinds)),
    )


def assert_same_counter(result: Any, expected: Counter, **context: Any) -> None:
    """The same Counter, key order (first occurrence) included."""
    assert type(result) is Counter, context
    assert list(result.items()) == list(expected.items()), context
    assert all(type(v) is int for v in result.values()), context


def frequencies(texts_: list, pattern: Any, lowercase: bool, sep: Any = None) -> Counter:
    """The reference: the Counter of every text's tokens, in order."""
    counter: Counter = Counter()
    for text in texts_:
        counter.update(rule_tokens(text, pattern, lowercase, sep))
    return counter


# --------------------------------------------------------------------------
# The facts the alphabets are built on, and hand-picked cases
# --------------------------------------------------------------------------


def test_python_facts_the_token_alphabets_cover():
    """str.lower() is not per character in three places, and \\w is
    isalnum() or "_": the token alphabet holds each of these cases."""
    assert "İ".lower() == "i\u0307" and re.findall(r"\w+", "İx".lower()) == ["i", "x"]
    assert "\u212a".lower() == "k" and "Ⱥ".lower() == "\u2c65"
    assert "ΑΣ".lower() == "ας" and "Σ".lower() == "σ" and "ΑΣΑ".lower() == "ασα"
    assert "Α'Σ".lower() == "α'ς" and "Α\u0301Σ\u0301".lower() == "α\u0301ς\u0301"
    pieces = set(TOKEN_STR.letters) | set(TOKEN_STR.oddities)
    assert {"İ", "\u212a", "Σ", "_", "\u0301", "\ud800"} <= pieces
    assert all(re.findall(r"\w", p) for p in TOKEN_STR.letters)
    assert all(re.findall(rb"\w", p) for p in TOKEN_BYTES.letters)
    assert not any(re.findall(rb"\w", p) for p in TOKEN_BYTES.oddities + TOKEN_BYTES.spaces)
    for text in ("a\u0301b", "x_1", "٣९", "\U00010400\U0001d7d8"):
        assert re.findall(r"\w+", text) == [
            run for run in re.split(r"[^\w]+", text) if run
        ]  # \w runs, whatever the script


SIGMA_TEXTS = [
    "Σ",
    "ΑΣ",
    "ΣΑ",
    "ΑΣΑ",
    "ΑΣ ΣΑ Σ",
    "Α'Σ'",
    "Α'Σ'Α",
    "Α.Σ.",
    "Α\u00adΣ\u00ad",
    "Α\u0301Σ\u0301",
    "Α\u0301Σ\u0301Α",
    "Α\u0345Σ",
    "ʰΣ",
    "ªΣ ",
    "ΣʰΑ",
    "ΑΣΣ",
    "ΑΣ\nΣ",
    "Α\nΣ",
    "ΑΣ\u3000x",
    "\U00010400Σ",
]
EXAMPLES = [
    ("İstanbul İ", "i"),
    ("İstanbul İ", "stanbul"),
    ("İİ", "i"),
    ("\u212aelvin \u212a", "k"),
    ("\u212aelvin \u212a", "kelvin"),
    ("ȺȾ Ⱥ", "\u2c65"),
    ("a_b a-b __", "_"),
    ("a_b a-b __", "__"),
    ("x\u0301y x\u0307", "x"),
    ("٣٤ ९ 12 ²", "٣٤"),
    ("\U00010400\U00010401 \U0001d400", "\U00010428\U00010429"),
    ("a\ud800b \udfff", "a"),
    ("the Whale, the whale's THE", "the"),
    ("a\u2028b\x85c\u3000d\x1ce", "c"),
    *[(text, word) for text in SIGMA_TEXTS for word in ("ας", "ασ", "σ", "ς", "α")],
    (b"The THE the, K\xe2\x84\xaa \xc3\x89T\xc3\xa9", b"the"),
    (b"\xc3\x89T\xc3\xa9 AB_c", b"t"),
    (b"AB_c a\x85b", b"ab_c"),
]


@pytest.mark.parametrize("text, word", EXAMPLES)
def test_hand_picked_examples(text, word):
    """Every rule on texts of the cases str.lower() and \\w make special."""
    alphabet = STR if isinstance(text, str) else BYTES
    for pattern in (None, *(STR_PATTERNS if is_str(alphabet) else BYTES_PATTERNS)):
        for lowercase in (False, True):
            tokens = rule_tokens(text, pattern, lowercase)
            rule = {"pattern": pattern, "lowercase": lowercase}
            assert_all_threads(
                lambda threads: textops.word_count(text, word, threads=threads, **rule),  # noqa: B023
                tokens.count(word),
            )
            assert_same_counter(
                textops.word_frequencies(text, **rule), Counter(tokens), rule=rule, text=text
            )
            lines = rule_line_tokens(text, pattern, lowercase)
            assert_exact(
                textops.line_word_counts(text, word, **rule), [ln.count(word) for ln in lines]
            )


SEP_EXAMPLES = [
    ("", "", ","),
    ("A", "a", ","),
    ("a\n\nB", "", ","),
    ("\n\n", "", "aa"),
    ("A,,b\n,", "", ","),
    ("İ,\u212a", "i\u0307", ","),
    ("ΑΣ,Σ", "ας", ","),
    ("xΣy", "x", "σ"),
    ("xΣ", "", "ς"),
    (b"", b"", b","),
    (b"a\n\nB", b"", b","),
    (b"AxB", b"a", b"x"),
]


@pytest.mark.parametrize("text, word, sep", SEP_EXAMPLES)
def test_split_sep_of_the_lowered_text(text, word, sep):
    """lowercase=True with sep: text.lower().split(sep), an empty text or
    line included ("".split(",") == [""])."""
    lowered = text.lower()
    rule = {"sep": sep, "lowercase": True}
    assert_all_threads(
        lambda threads: textops.word_count(text, word, threads=threads, **rule),
        lowered.split(sep).count(word),
    )
    assert_all_threads(
        lambda threads: textops.line_word_counts(text, word, threads=threads, **rule),
        [ln.split(sep).count(word) for ln in lowered.splitlines()],
    )
    docs = [text, text[:1], text]
    want = [d.lower().split(sep).count(word) for d in docs]
    assert_exact(textops.parallel_word_count(docs, word, **rule), want)
    assert textops.Corpus(docs).word_count(word, **rule).tolist() == want
    assert_same_counter(textops.word_frequencies(text, **rule), Counter(lowered.split(sep)))


# --------------------------------------------------------------------------
# One text: word_count, line_word_counts, word_counts, word_frequencies
# --------------------------------------------------------------------------


def check_word_count(case: RuleCase) -> None:
    expected = case.tokens().count(case.word)
    with Buffers() as convert:
        text, word = case.arguments(convert)
        assert_all_threads(
            lambda threads: textops.word_count(text, word, threads=threads, **case.rule), expected
        )


def check_line_word_counts(case: RuleCase) -> None:
    lines = case.line_tokens()
    expected = [tokens.count(case.word) for tokens in lines]
    with Buffers() as convert:
        text, word = case.arguments(convert)
        assert_all_threads(
            lambda threads: textops.line_word_counts(text, word, threads=threads, **case.rule),
            expected,
        )


def check_word_frequencies(case: RuleCase) -> None:
    expected = Counter(case.tokens())
    with Buffers() as convert:
        text, _ = case.arguments(convert)
        for threads in THREAD_COUNTS:
            result = textops.word_frequencies(text, threads=threads, **case.rule)
            assert_same_counter(result, expected, threads=threads)


@BY_ALPHABET
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_word_count(alphabet, data, min_chunk, set_min_chunk):
    """word_count(text, word, pattern=p, lowercase=l) == tokens.count(word)."""
    set_min_chunk(min_chunk)
    check_word_count(data.draw(rule_cases(alphabet), label="case"))


@BY_ALPHABET
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_line_word_counts(alphabet, data, min_chunk, set_min_chunk):
    """line_word_counts == [line_tokens.count(word) for each line of t]."""
    set_min_chunk(min_chunk)
    check_line_word_counts(data.draw(rule_cases(alphabet), label="case"))


@BY_ALPHABET
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_word_frequencies(alphabet, data, min_chunk, set_min_chunk):
    """word_frequencies(text, ...) == Counter(tokens), key order included."""
    set_min_chunk(min_chunk)
    check_word_frequencies(data.draw(rule_cases(alphabet), label="case"))


@BY_ALPHABET
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_word_counts(alphabet, data, min_chunk, set_min_chunk):
    """word_counts(text, words, ...) == {w: tokens.count(w) for w in words}."""
    set_min_chunk(min_chunk)
    case = data.draw(rule_cases(alphabet), label="case")
    more = data.draw(
        st.lists(
            rule_words(alphabet, case.text, case.pattern, case.lowercase, case.sep), max_size=6
        ),
        label="more words",
    )
    words_ = [case.word, *more]
    tokens = case.tokens()
    expected = {w: tokens.count(w) for w in words_}
    with Buffers() as convert:
        text, _ = case.arguments(convert)
        for threads in THREAD_COUNTS:
            result = textops.word_counts(text, words_, threads=threads, **case.rule)
            assert result == expected and list(result) == list(expected), threads


# --------------------------------------------------------------------------
# Batches: parallel_word_count, sequential_word_count, word_frequencies of
# many texts
# --------------------------------------------------------------------------


@BY_ALPHABET
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_batches(alphabet, data, min_chunk, set_min_chunk):
    """[tokens(t).count(w) for t, w in zip(texts, words)], one word or one
    per text, one text sometimes much larger than the rest; and the summed
    Counter of all their tokens."""
    set_min_chunk(min_chunk)
    bodies = data.draw(st.lists(texts(alphabet, max_pieces=20), max_size=20), label="texts")
    if bodies and data.draw(st.booleans(), label="one large text"):
        bodies[0] = bodies[0] * data.draw(st.integers(20, 300), label="times")
    pattern, lowercase = data.draw(rules(alphabet), label="rule")
    joined = alphabet.empty.join(bodies)
    sep = data.draw(rule_seps(alphabet, joined, pattern), label="sep")
    rule = {"pattern": pattern, "lowercase": lowercase, "sep": sep}
    if data.draw(st.booleans(), label="one word per text"):
        words_: Any = [
            data.draw(rule_words(alphabet, body, pattern, lowercase, sep), label="word")
            for body in bodies
        ]
        per_text = words_
    else:
        words_ = data.draw(rule_words(alphabet, joined, pattern, lowercase, sep), label="word")
        per_text = [words_] * len(bodies)
    kinds = [data.draw(st.sampled_from(alphabet.text_kinds)) for _ in bodies]
    expected = [rule_tokens(t, pattern, lowercase, sep).count(w) for t, w in zip(bodies, per_text)]
    with Buffers() as convert:
        items = convert.many(bodies, kinds)
        assert_all_threads(
            lambda threads: textops.parallel_word_count(items, words_, threads=threads, **rule),
            expected,
        )
        assert_exact(textops.sequential_word_count(items, words_, **rule), expected)
        counter = frequencies(bodies, pattern, lowercase, sep)
        for threads in THREAD_COUNTS:
            result = textops.word_frequencies(items, threads=threads, **rule)
            assert_same_counter(result, counter, threads=threads)


# --------------------------------------------------------------------------
# Every search backend, and texts that cross the default chunk size
# --------------------------------------------------------------------------


@BY_ALPHABET
@settings(max_examples=BACKEND_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_each_search_backend(alphabet, data, min_chunk, set_min_chunk, search_backend):
    """The tokenizer gives the same tokens on each backend."""
    set_min_chunk(min_chunk)
    case = data.draw(rule_cases(alphabet), label="case")
    check_word_count(case)
    check_line_word_counts(case)
    check_word_frequencies(case)


@BY_ALPHABET
@settings(max_examples=BIG_EXAMPLES)
@given(data=st.data())
def test_big_texts(alphabet, data):
    """Texts of 0.3-1.2 M units, cut into shares by the default chunk size."""
    case = data.draw(rule_cases(alphabet, text_strategy=big_texts(alphabet)), label="case")
    check_word_count(case)
    check_word_frequencies(case)
    lines = case.line_tokens()
    result = textops.line_word_counts(case.text, case.word, threads=3, **case.rule)
    assert result == [tokens.count(case.word) for tokens in lines]


# Characters put at every place of an ASCII text around the vector widths:
# letters lowering changes (İ grows, Kelvin shrinks to ASCII, Σ by its
# neighbours), non-ASCII \w and non-\w, whitespace, and the ASCII bytes
# on both sides of A-Z and a-z (the eight-byte lowering test)
SPECIALS = (
    "İ",
    "Σ",
    "ΑΣ",
    "\u212a",
    "é",
    "\u0301",
    "\U00010400",
    "\ud800",
    "\u3000",
    "\x85",
    "_",
    "A",
    "Z",
    "@",
    "[",
    "`",
    "{",
    "\x7f",
)
LOWERED_RULES = ((r"\w+", False), (r"\w+", True), (r"(?u)\b\w\w+\b", True), (None, True))
SWEEP_LENGTHS = (7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129)


@pytest.mark.parametrize("filler", ["abcdefghijklmnopqrstuvwxyz", "ab c", "a"], ids=repr)
def test_special_character_at_every_place(filler, search_backend):
    """word_frequencies of an ASCII text with one special character at each
    place, for the lowered rules, str and bytes."""
    for length in SWEEP_LENGTHS:
        base = (filler * (length // len(filler) + 1))[:length]
        for special in SPECIALS:
            for at in range(length + 1):
                text = base[:at] + special + base[at:]
                data = text.encode("utf-8", "surrogatepass")
                for pattern, lowercase in LOWERED_RULES:
                    rule = {"pattern": pattern, "lowercase": lowercase}
                    got = textops.word_frequencies(text, threads=1, **rule)
                    want = Counter(rule_tokens(text, pattern, lowercase))
                    assert list(got.items()) == list(want.items()), (text, rule)
                    bpattern = None if pattern is None else pattern.replace("(?u)", "").encode()
                    brule = {"pattern": bpattern, "lowercase": lowercase}
                    got = textops.word_frequencies(data, threads=1, **brule)
                    want = Counter(rule_tokens(data, bpattern, lowercase))
                    assert list(got.items()) == list(want.items()), (data, brule)


@pytest.mark.parametrize("run", [0, 1, 7, 8, 63, 64, 65, 4095, 4097, 70_000])
@pytest.mark.parametrize("ignorable", ["'", "\u00ad", "\u0301", "\u0345"], ids=repr)
def test_sigma_with_long_case_ignorable_runs(run, ignorable):
    """Σ decides between ς and σ across case-ignorable runs of any length
    (beyond any block the lowering may work in), on every thread count."""
    runs = ignorable * run
    for text in (
        f"Α{runs}Σ{runs} x",
        f"Α{runs}Σ{runs}Α x",
        f"x {runs}Σ{runs}Α",
        f"ΑΣ{runs}",
        f"{runs}ΣΑ",
        f"Α{runs}ΣΣ{runs}",
    ):
        for pattern, lowercase in LOWERED_RULES[1:]:
            tokens = rule_tokens(text, pattern, lowercase)
            rule = {"pattern": pattern, "lowercase": lowercase}
            for word in ("ας", "ασ", "ς", "σ", "σα", "ςα"):
                assert_all_threads(
                    lambda threads: textops.word_count(text, word, threads=threads, **rule),  # noqa: B023
                    tokens.count(word),
                )
            assert_same_counter(textops.word_frequencies(text, **rule), Counter(tokens))


BOUNDARY_DOCS = ["ΑΣ", "Α", "Σ", "ΑΣ'", "'Α", "Α\u00ad", "Σ\u00adΑ", "İ", "\u0307x", "Σ", ""]


@pytest.mark.parametrize("pattern, lowercase", LOWERED_RULES[1:])
def test_each_document_is_lowered_alone(pattern, lowercase, tmp_path):
    """A document's Σ is judged by its own characters, never by the
    neighbouring documents of a batch, a Corpus, a Series or files."""
    pd = pytest.importorskip("pandas")
    import textops.pandas  # noqa: F401

    docs = BOUNDARY_DOCS
    rule = {"pattern": pattern, "lowercase": lowercase}
    tokens = [rule_tokens(d, pattern, lowercase) for d in docs]
    counter = frequencies(docs, pattern, lowercase)
    paths = []
    for i, doc in enumerate(docs):
        paths.append(tmp_path / f"{i:02d}.txt")
        paths[-1].write_bytes(doc.encode())
    corpus = textops.Corpus(docs)
    assert_same_counter(textops.word_frequencies(docs, **rule), counter)
    assert_same_counter(corpus.word_frequencies(**rule), counter)
    assert_same_counter(textops.file_word_frequencies(paths, **rule), counter)
    for word in ("ας", "ς", "σ", "α", "σα", "i", "x"):
        want = [t.count(word) for t in tokens]
        for threads in (1, 2, 3):
            assert textops.parallel_word_count(docs, word, threads=threads, **rule) == want
            assert corpus.word_count(word, threads=threads, **rule).tolist() == want
            assert corpus.term_matrix([word], threads=threads, **rule)[:, 0].tolist() == want
            assert textops.file_word_count(paths, word, threads=threads, **rule) == want
        for dtype in PANDAS_DTYPES:
            series = pd.Series(docs, dtype=dtype)
            assert series.textops.word_count(word, **rule).tolist() == want


# --------------------------------------------------------------------------
# Corpus, files, pandas, Dask
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Documents:
    """Some documents, a token rule (sep only without a pattern), and the
    words to count (the first one for the single-word functions)."""

    docs: list
    pattern: Any
    lowercase: bool
    sep: Any
    words: list

    @property
    def rule(self) -> dict[str, Any]:
        rule = {"pattern": self.pattern, "lowercase": self.lowercase}
        return rule if self.sep is None else {**rule, "sep": self.sep}

    @property
    def word(self) -> Any:
        return self.words[0]

    def tokens(self, doc: Any) -> list:
        return rule_tokens(doc, self.pattern, self.lowercase, self.sep)

    def lines(self, doc: Any) -> list:
        return rule_line_tokens(doc, self.pattern, self.lowercase, self.sep)

    def counter(self) -> Counter:
        return frequencies(self.docs, self.pattern, self.lowercase, self.sep)


@st.composite
def documents(draw, alphabet: Alphabet, *, utf8: bool = False) -> Documents:
    """Documents (UTF-8 encodable with utf8: for files and Arrow), a rule
    and words that are often their tokens."""
    strategy = texts(alphabet, max_pieces=20)
    if utf8:
        strategy = strategy.filter(encodable)
    docs = draw(st.lists(strategy, max_size=10), label="documents")
    pattern, lowercase = draw(rules(alphabet), label="rule")
    joined = alphabet.empty.join(docs)
    sep_strategy = rule_seps(alphabet, joined, pattern)
    word_strategy = rule_words(alphabet, joined, pattern, lowercase)
    if utf8:
        sep_strategy = sep_strategy.filter(encodable)
        word_strategy = word_strategy.filter(encodable)
    sep = draw(sep_strategy, label="sep")
    words_ = draw(st.lists(word_strategy, min_size=1, max_size=4), label="words")
    return Documents(docs, pattern, lowercase, sep, words_)


@BY_ALPHABET
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_corpus(alphabet, data, min_chunk, set_min_chunk):
    """Corpus.word_count, line_word_counts, term_matrix, word_frequencies."""
    set_min_chunk(min_chunk)
    case = data.draw(documents(alphabet), label="documents")
    docs, word, rule = case.docs, case.word, case.rule
    assume(docs or is_str(alphabet))  # an empty Corpus holds str
    with Buffers() as convert:
        kinds = [data.draw(st.sampled_from(alphabet.text_kinds)) for _ in docs]
        corpus = textops.Corpus(convert.many(docs, kinds))
    tokens = [case.tokens(d) for d in docs]
    lines = [case.lines(d) for d in docs]
    for threads in (1, 2, 3):
        counts = corpus.word_count(word, threads=threads, **rule)
        assert counts.dtype == np.int64 and counts.tolist() == [t.count(word) for t in tokens]
        per_line = corpus.line_word_counts(word, threads=threads, **rule)
        assert [a.tolist() for a in per_line] == [[ln.count(word) for ln in d] for d in lines]
        matrix = corpus.term_matrix(case.words, threads=threads, **rule)
        assert matrix.shape == (len(docs), len(case.words))
        assert matrix.tolist() == [[t.count(w) for w in case.words] for t in tokens]
        result = corpus.word_frequencies(threads=threads, **rule)
        assert_same_counter(result, case.counter(), threads=threads)


@BY_ALPHABET
@settings(max_examples=SLOW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_files(alphabet, data, min_chunk, set_min_chunk, tmp_path_factory):
    """file_word_count, file_line_word_counts, file_word_frequencies: str
    texts as UTF-8 files (the default encoding), bytes with encoding=None."""
    set_min_chunk(min_chunk)
    case = data.draw(documents(alphabet, utf8=True), label="documents")
    docs, word = case.docs, case.word
    encoding = "utf-8" if is_str(alphabet) else None
    root = tmp_path_factory.mktemp("rules")
    paths = []
    for i, doc in enumerate(docs):
        paths.append(root / f"{i}.txt")
        paths[-1].write_bytes(doc.encode() if encoding else doc)
    tokens = [case.tokens(d) for d in docs]
    for threads in (1, 2, 3):
        common = {"encoding": encoding, "threads": threads, **case.rule}
        assert textops.file_word_count(paths, word, **common) == [t.count(word) for t in tokens]
        if paths:
            assert textops.file_word_count(paths[0], word, **common) == tokens[0].count(word)
        assert textops.file_line_word_counts(paths, word, **common) == [
            [ln.count(word) for ln in case.lines(d)] for d in docs
        ]
        result = textops.file_word_frequencies(paths, **common)
        assert_same_counter(result, case.counter(), threads=threads)


@STR_ALPHABETS
@pytest.mark.parametrize("dtype", PANDAS_DTYPES, ids=str)
@settings(max_examples=SLOW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_pandas_accessor(alphabet, dtype, data, min_chunk, set_min_chunk):
    """series.textops.word_count, line_word_counts, term_matrix and
    word_frequencies, <NA> for a missing value."""
    pd = pytest.importorskip("pandas")
    import textops.pandas  # noqa: F401

    set_min_chunk(min_chunk)
    case = data.draw(documents(alphabet, utf8=True), label="documents")
    word, rule = case.word, case.rule
    values = [*case.docs, None]
    series = pd.Series(values, dtype=dtype)

    def per_value(fn):
        return [pd.NA if v is None else fn(v) for v in values]

    for threads in (1, 2):
        result = series.textops.word_count(word, threads=threads, **rule)
        assert result.dtype == "Int64"
        assert result.tolist() == per_value(lambda v: case.tokens(v).count(word))
    assert series.textops.line_word_counts(word, **rule).tolist() == per_value(
        lambda v: [ln.count(word) for ln in case.lines(v)]
    )
    matrix = series.textops.term_matrix(case.words, **rule)
    for j, w in enumerate(case.words):
        assert matrix.iloc[:, j].tolist() == per_value(
            lambda v: case.tokens(v).count(w)  # noqa: B023
        )
    assert_same_counter(series.textops.word_frequencies(**rule), case.counter())


def test_pandas_arrow_chunks_and_slices():
    """Arrow chunks read in place, with offsets and slices: each string
    lowered alone, Σ judged inside it."""
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    import textops.pandas  # noqa: F401

    values = ["ΑΣ", "Α", None, "Σ-Σ The", "İ THE", "", "the\u212a ΑΣ."] * 3
    for arrow_type in (pa.string(), pa.large_string()):
        chunked = pa.chunked_array([values[:4], values[4:9], values[9:]], type=arrow_type)
        series = pd.Series(pd.arrays.ArrowExtensionArray(chunked)).iloc[3:]
        for pattern, lowercase in LOWERED_RULES:
            rule = {"pattern": pattern, "lowercase": lowercase}
            for word in ("ας", "σ", "the", "i", "thek"):
                want = [
                    pd.NA if v is None else rule_tokens(v, pattern, lowercase).count(word)
                    for v in values[3:]
                ]
                assert series.textops.word_count(word, **rule).tolist() == want, (rule, word)


@pytest.mark.parametrize("alphabet", (TOKEN_STR, TOKEN_BYTES), ids=str)
@settings(max_examples=SLOW_EXAMPLES)
@given(data=st.data())
def test_dask(alphabet, data, tmp_path_factory):
    """textops.dask's word_frequencies, word_counts and word_count on a bag,
    a dataframe Series and files, and the Series accessor (synchronous
    scheduler: the partitions are those of a cluster)."""
    db = pytest.importorskip("dask.bag")
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    import textops.dask as tdask

    case = data.draw(documents(alphabet, utf8=True), label="documents")
    docs, word, rule = case.docs, case.word, case.rule
    assume(docs)
    tokens = [case.tokens(d) for d in docs]
    counter = case.counter()
    totals = {w: sum(t.count(w) for t in tokens) for w in case.words}
    encoding = "utf-8" if is_str(alphabet) else None
    root = tmp_path_factory.mktemp("dask")
    paths = []
    for i, doc in enumerate(docs):
        paths.append(str(root / f"{i:02d}.txt"))
        with open(paths[-1], "wb") as f:
            f.write(doc.encode() if encoding else doc)
    collections = [db.from_sequence(docs, npartitions=3), paths]
    if is_str(alphabet):
        series = dd.from_pandas(pd.Series(docs, dtype=object), npartitions=2)
        collections.append(series)
        per_doc = series.textops.word_count(word, **rule).compute(scheduler="sync")
        assert per_doc.tolist() == [t.count(word) for t in tokens]
        got = series.textops.word_frequencies(**rule).compute(scheduler="sync")
        assert_same_counter(got, counter)
    for collection in collections:
        options = {"encoding": encoding, **rule} if collection is paths else rule
        got = tdask.word_frequencies(collection, split_every=2, **options)
        assert_same_counter(got.compute(scheduler="sync"), counter, kind=type(collection))
        got_counts = tdask.word_counts(collection, case.words, **options)
        assert got_counts.compute(scheduler="sync") == totals, type(collection)
        total = tdask.word_count(collection, word, **options).compute(scheduler="sync")
        assert total == totals[word], type(collection)


# --------------------------------------------------------------------------
# Errors: unsupported patterns, sep with a pattern, wrong types
# --------------------------------------------------------------------------

# Every word function as call(text, word, **kwargs) on one text; the file
# functions get a file of the text (bytes: encoding=None).


def _file_of(text: Any, tmp_path: Any) -> tuple[Any, dict]:
    path = tmp_path / "one.txt"
    path.write_bytes(text.encode() if isinstance(text, str) else bytes(text))
    return path, {} if isinstance(text, str) else {"encoding": None}


def _pandas_series(text: Any) -> Any:
    pd = pytest.importorskip("pandas")
    import textops.pandas  # noqa: F401

    return pd.Series([text])


def _dask_bag(text: Any) -> Any:
    db = pytest.importorskip("dask.bag")
    return db.from_sequence([text])


def _dask_series(text: Any) -> Any:
    dd = pytest.importorskip("dask.dataframe")
    import textops.dask  # noqa: F401  (registers the accessor)

    return dd.from_pandas(_pandas_series(text), npartitions=1)


def _dask(name: str) -> Any:
    import textops.dask as tdask

    return getattr(tdask, name)


WORD_FUNCTIONS = {
    "word_count": lambda t, w, p, **kw: textops.word_count(t, w, **kw),
    "line_word_counts": lambda t, w, p, **kw: textops.line_word_counts(t, w, **kw),
    "parallel_word_count": lambda t, w, p, **kw: textops.parallel_word_count([t], w, **kw),
    "sequential_word_count": lambda t, w, p, **kw: textops.sequential_word_count([t], w, **kw),
    "word_counts": lambda t, w, p, **kw: textops.word_counts(t, [w], **kw),
    "word_frequencies": lambda t, w, p, **kw: textops.word_frequencies(t, **kw),
    "word_frequencies(texts)": lambda t, w, p, **kw: textops.word_frequencies([t], **kw),
    "Corpus.word_count": lambda t, w, p, **kw: textops.Corpus([t]).word_count(w, **kw),
    "Corpus.line_word_counts": lambda t, w, p, **kw: textops.Corpus([t]).line_word_counts(w, **kw),
    "Corpus.term_matrix": lambda t, w, p, **kw: textops.Corpus([t]).term_matrix([w], **kw),
    "Corpus.word_frequencies": lambda t, w, p, **kw: textops.Corpus([t]).word_frequencies(**kw),
    "file_word_count": lambda t, w, p, **kw: textops.file_word_count(
        *_file_of(t, p)[:1], w, **_file_of(t, p)[1], **kw
    ),
    "file_line_word_counts": lambda t, w, p, **kw: textops.file_line_word_counts(
        *_file_of(t, p)[:1], w, **_file_of(t, p)[1], **kw
    ),
    "file_word_frequencies": lambda t, w, p, **kw: textops.file_word_frequencies(
        *_file_of(t, p)[:1], **_file_of(t, p)[1], **kw
    ),
    "dask.word_count": lambda t, w, p, **kw: _dask("word_count")(_dask_bag(t), w, **kw),
    "dask.word_counts": lambda t, w, p, **kw: _dask("word_counts")(_dask_bag(t), [w], **kw),
    "dask.word_frequencies": lambda t, w, p, **kw: _dask("word_frequencies")(_dask_bag(t), **kw),
    "dask.word_count(files)": lambda t, w, p, **kw: _dask("word_count")(
        [str(_file_of(t, p)[0])], w, **_file_of(t, p)[1], **kw
    ),
}
# the accessors take str only
STR_WORD_FUNCTIONS = {
    "series.word_count": lambda t, w, p, **kw: _pandas_series(t).textops.word_count(w, **kw),
    "series.line_word_counts": lambda t, w, p, **kw: _pandas_series(t).textops.line_word_counts(
        w, **kw
    ),
    "series.term_matrix": lambda t, w, p, **kw: _pandas_series(t).textops.term_matrix([w], **kw),
    "series.word_frequencies": lambda t, w, p, **kw: _pandas_series(t).textops.word_frequencies(
        **kw
    ),
    "dask series.word_count": lambda t, w, p, **kw: _dask_series(t).textops.word_count(w, **kw),
    "dask series.word_frequencies": lambda t, w, p, **kw: _dask_series(t).textops.word_frequencies(
        **kw
    ),
    "dask.word_counts(series)": lambda t, w, p, **kw: _dask("word_counts")(
        _dask_series(t), [w], **kw
    ),
}
ALL_WORD_FUNCTIONS = {**WORD_FUNCTIONS, **STR_WORD_FUNCTIONS}
TEXTS = {"str": ("Aa b", "a"), "bytes": (b"Aa b", b"a")}


def _cases(functions: dict) -> list:
    return [
        pytest.param(name, kind, id=f"{name}-{kind}")
        for name in functions
        for kind in TEXTS
        if kind == "str" or name in WORD_FUNCTIONS
    ]


def plain(result: Any) -> Any:
    """A result as plain Python values (arrays, Series and DataFrames as lists)."""
    if hasattr(result, "to_numpy"):
        return result.to_numpy().tolist()
    if isinstance(result, np.ndarray):
        return result.tolist()
    if isinstance(result, list):
        return [plain(item) for item in result]
    return result


def run_function(name: str, kind: str, tmp_path: Any, **kwargs: Any) -> Any:
    """The function's result (computed, for Dask), as a plain value."""
    text, word = TEXTS[kind]
    result = ALL_WORD_FUNCTIONS[name](text, word, tmp_path, **kwargs)
    return plain(result.compute(scheduler="sync") if hasattr(result, "compute") else result)


@pytest.mark.parametrize("name, kind", _cases(ALL_WORD_FUNCTIONS))
@pytest.mark.parametrize(
    "pattern",
    ["x", r"\s+", r"\W+", r"(?i)\w+", r"\w*", r"[a-z]+", r"\w+ ", r"(?a)\w+", ""],
    ids=repr,
)
def test_unsupported_pattern(name, kind, pattern, tmp_path):
    """ValueError naming the pattern and the supported ones."""
    if kind == "bytes":
        pattern = pattern.encode()
    check_raises(
        ValueError,
        lambda: run_function(name, kind, tmp_path, pattern=pattern),
        repr(pattern),
        r"r'\w+'",
        r"r'(?u)\b\w\w+\b'",
        r"rb'\w+'",
    )


@pytest.mark.parametrize("name, kind", _cases(ALL_WORD_FUNCTIONS))
def test_pattern_of_the_other_kind(name, kind, tmp_path):
    """A bytes pattern on a str text, or a str one on bytes: TypeError, as
    re.findall raises (str spellings are not taken for bytes texts)."""
    pattern = rb"\w+" if kind == "str" else r"\w+"
    check_raises(
        TypeError, lambda: run_function(name, kind, tmp_path, pattern=pattern), "pattern must be"
    )
    with pytest.raises(TypeError):  # what re itself does
        re.findall(pattern, TEXTS[kind][0])


@pytest.mark.parametrize("name, kind", _cases(ALL_WORD_FUNCTIONS))
def test_sep_with_a_pattern(name, kind, tmp_path):
    sep = " " if kind == "str" else b" "
    pattern = r"\w+" if kind == "str" else rb"\w+"
    check_raises(
        ValueError,
        lambda: run_function(name, kind, tmp_path, pattern=pattern, sep=sep),
        "sep and pattern",
    )


@pytest.mark.parametrize("name, kind", _cases(ALL_WORD_FUNCTIONS))
@pytest.mark.parametrize("lowercase", [1, 0, None, "yes", np.bool_(True)], ids=repr)
def test_lowercase_of_wrong_type(name, kind, lowercase, tmp_path):
    check_raises(
        TypeError,
        lambda: run_function(name, kind, tmp_path, lowercase=lowercase),
        "lowercase must be True or False",
        type(lowercase).__name__,
    )


@pytest.mark.parametrize("name, kind", _cases(ALL_WORD_FUNCTIONS))
@pytest.mark.parametrize("pattern", [5, [r"\w+"], 1.5, bytearray(rb"\w+")], ids=repr)
def test_pattern_of_wrong_type(name, kind, pattern, tmp_path):
    check_raises(
        TypeError,
        lambda: run_function(name, kind, tmp_path, pattern=pattern),
        "pattern must be None, a str or bytes pattern",
        type(pattern).__name__,
    )


@pytest.mark.parametrize("name, kind", _cases(ALL_WORD_FUNCTIONS))
def test_compiled_patterns(name, kind, tmp_path):
    """A compiled supported pattern (no flags) is that pattern; with flags
    it is refused."""
    spelling = r"(?u)\b\w\w+\b" if kind == "str" else rb"\b\w\w+\b"
    for lowercase in (False, True):
        compiled = run_function(
            name, kind, tmp_path, pattern=re.compile(spelling), lowercase=lowercase
        )
        given_ = run_function(name, kind, tmp_path, pattern=spelling, lowercase=lowercase)
        assert compiled == given_
    flagged = re.compile(spelling, re.IGNORECASE)
    check_raises(
        ValueError, lambda: run_function(name, kind, tmp_path, pattern=flagged), "with flags"
    )


def test_every_supported_spelling():
    """The str spellings with and without (?u), the bytes ones without."""
    text = "Ab c_1 D"
    for spelling in (r"\w+", r"(?u)\w+", r"\b\w+\b", r"(?u)\b\w+\b"):
        assert textops.word_count(text, "c_1", pattern=spelling) == 1
    for spelling in (r"\b\w\w+\b", r"(?u)\b\w\w+\b"):
        assert textops.word_frequencies(text, pattern=spelling) == Counter(
            re.findall(spelling, text)
        )
    for spelling in BYTES_PATTERNS:
        assert textops.word_count(text.encode(), b"c_1", pattern=spelling) == 1
    check_raises(ValueError, lambda: textops.word_count(b"a", b"a", pattern=rb"(?u)\w+"))


def test_empty_batches_take_either_kind():
    """With no text to match, a pattern of either kind is taken."""
    for pattern in (r"\w+", rb"\w+"):
        assert textops.parallel_word_count([], "a", pattern=pattern) == []
        assert textops.word_frequencies([], pattern=pattern, lowercase=True) == Counter()


def test_pattern_none_is_split():
    """pattern=None, lowercase=False is the split(sep) of before, sep included."""
    text = "a,b a, A"
    assert textops.word_count(text, "a", sep=",", pattern=None, lowercase=False) == 1
    assert textops.word_count(text, "a", sep=",", lowercase=True) == text.lower().split(",").count(
        "a"
    )
    assert textops.word_frequencies(text, lowercase=True) == Counter(text.lower().split())


@st.composite
def sparse_texts(draw) -> str:
    """ASCII words with a few non-ASCII characters among them (from one to
    about twenty to a 64-byte block: either side of the count of bytes
    above 0x7F up to which a block goes by the word mask), \\w or not, of
    two, three and four UTF-8 bytes, the lowering's special cases too."""
    base = draw(st.text(alphabet="abcXYZ09_ ,.'-\n", min_size=60, max_size=400))
    chars = st.sampled_from(list(SPECIALS) + ["“", "”", "—", "ß", "ā", "й", "\u0905", "\u093f"])
    places = draw(st.lists(st.tuples(st.integers(0, len(base)), chars), max_size=40))
    out = list(base)
    for at, ch in sorted(places, reverse=True):
        out.insert(at, ch)
    return "".join(out)


@settings(max_examples=BACKEND_EXAMPLES)
@given(text=sparse_texts(), min_chunk=SMALL_MIN_CHUNKS)
def test_sparse_non_ascii_blocks(text, min_chunk, set_min_chunk, search_backend):
    """Blocks with few non-ASCII characters: word_frequencies of every \\w
    rule, lowered or not, on every backend, thread count and chunk size."""
    set_min_chunk(min_chunk)
    for pattern in (r"\w+", r"(?u)\b\w\w+\b", r"(?u)\b\w+\b"):
        for lowercase in (False, True):
            want = Counter(rule_tokens(text, pattern, lowercase))
            for threads in THREAD_COUNTS:
                got = textops.word_frequencies(
                    text, pattern=pattern, lowercase=lowercase, threads=threads
                )
                assert list(got.items()) == list(want.items()), (text, pattern, lowercase)
