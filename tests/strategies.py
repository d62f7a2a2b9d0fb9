"""Hypothesis strategies and helpers shared by the textops tests.

Every expected value in the suite is computed by the Python reference
expression of the README's API table; these strategies only decide *which* inputs are fed
to both sides.  Texts are built from small "pieces" so that matches are
frequent and every kind of separator, line break and odd code point shows up
next to every other one.
"""

from __future__ import annotations

import mmap
import re
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, Optional, Sequence, Tuple, Union

from hypothesis import strategies as st

# ``None`` means "use the package default" (get_num_threads()).
THREAD_COUNTS = (None, 1, 2, 3, 8)

# Values for textops._core.set_min_chunk that split even tiny texts into one
# chunk per thread, so every chunk boundary position gets exercised.
SMALL_MIN_CHUNKS = st.sampled_from((1, 2, 3, 7, 16, 64))

# Everything str.split() treats as whitespace.
UNICODE_WHITESPACE = (
    "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# Everything str.splitlines() treats as a line boundary.
STR_LINE_BREAKS = (
    "\n",
    "\r",
    "\r\n",
    "\v",
    "\f",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
)
# bytes.split() and bytes.splitlines() only know ASCII.
ASCII_WHITESPACE = b" \t\n\v\f\r"
BYTES_LINE_BREAKS = (b"\n", b"\r", b"\r\n")

Text = Union[str, bytes]


@dataclass(frozen=True)
class Alphabet:
    """The building blocks of generated texts of one kind (str or bytes)."""

    name: str
    letters: Tuple[Text, ...]
    spaces: Tuple[Text, ...]
    oddities: Tuple[Text, ...]
    overlapping: Tuple[Text, ...]
    text_kinds: Tuple[str, ...]
    needle_kinds: Tuple[str, ...]

    @property
    def empty(self) -> Text:
        return type(self.letters[0])()

    def __str__(self) -> str:
        return self.name


STR = Alphabet(
    name="str",
    letters=("a", "b", "ab", "aa", "é", "ß", "世"),
    spaces=(" ", *UNICODE_WHITESPACE, *STR_LINE_BREAKS),
    # NUL, an astral code point, lone surrogates (incl. the two halves of the
    # surrogate pair of U+1F600, which in a str are NOT the same as U+1F600).
    oddities=("\x00", "\U0001f600", "\ud800", "\udfff", "\ud83d", "\ude00"),
    overlapping=("aa", "aaa", "aba", "abab", "  ", "\r\n\r", "éé", "a" * 65, "ab" * 40),
    text_kinds=("str",),
    needle_kinds=("str",),
)

BYTES = Alphabet(
    name="bytes",
    letters=(b"a", b"b", b"ab", b"aa", "é".encode(), "世".encode()),
    spaces=(b" ", b"\t", b"\n", b"\v", b"\f", b"\r", b"\r\n"),
    # Bytes that are whitespace or line breaks for str but not for bytes,
    # high bytes, UTF-8 of Unicode spaces, and invalid UTF-8.
    oddities=(
        b"\x00",
        b"\x1c",
        b"\x1d",
        b"\x1e",
        b"\x1f",
        b"\x85",
        b"\xa0",
        b"\x80",
        b"\xff",
        b"\xc3",
        b"\xc2\x85",
        b"\xc2\xa0",
        "\u2028".encode(),
        "\u3000".encode(),
        "\U0001f600".encode(),
        b"\xed\xa0\x80",
    ),
    overlapping=(b"aa", b"aaa", b"aba", b"abab", b"  ", b"\r\n\r", b"a" * 65, b"ab" * 40),
    text_kinds=("bytes", "bytearray", "memoryview", "readonly memoryview", "mmap"),
    needle_kinds=("bytes", "bytearray", "memoryview"),
)

ALPHABETS = (STR, BYTES)

# --------------------------------------------------------------------------
# Token rules (pattern=, lowercase=): alphabets rich in what re's \w and
# str.lower() treat specially
# --------------------------------------------------------------------------

# The patterns of the token rules, as re.findall takes them.
STR_PATTERNS = (r"\w+", r"(?u)\b\w+\b", r"(?u)\b\w\w+\b")
BYTES_PATTERNS = (rb"\w+", rb"\b\w+\b", rb"\b\w\w+\b")

# Cased letters around a capital sigma, and the case-ignorable characters
# that str.lower() skips when it decides between final ς and σ.
_CASED = ("Α", "α", "Ж", "a", "ǅ", "ᾼ", "ª", "ʰ", "\u0345", "\U00010400")
_IGNORABLE = ("'", ".", ":", "\u00ad", "\u0301", "\u2019", "\u00b7", "\u0345", "ʰ")

TOKEN_STR = Alphabet(
    name="str-tokens",
    # \w: letters and digits of many scripts, "_", letters whose lower()
    # is special (İ grows into i + U+0307, Kelvin and Ohm signs lower to
    # ASCII k and ω, Ⱥ grows from 2 to 3 UTF-8 bytes), sigma in its
    # contexts, astral letters and digits
    letters=(
        "a",
        "Z",
        "Ab",
        "é",
        "ß",
        "ẞ",
        "世",
        "ж",
        "Ж",
        "Ω",
        "ب",
        "क",
        "א",
        "ก",
        "한",
        "Ⴀ",
        "Ꮳ",
        "ǅ",
        "ﬁ",
        "Ⅻ",
        "0",
        "٣",
        "९",
        "²",
        "½",
        "１",
        "_",
        "a_1",
        "İ",
        "I",
        "ı",
        "i\u0307",
        "\u212a",
        "\u2126",
        "\u212b",
        "Ⱥ",
        "Ȿ",
        "Σ",
        "σ",
        "ς",
        "ΑΣ",
        "ΣΑ",
        "ΑΣΑ",
        "ΣΣ",
        "Α'Σ",
        "ΑΣ'",
        "Σ'Α",
        "Α.Σ",
        "Α\u00adΣ",
        "Α\u0301Σ",
        "ΑΣ\u0301",
        "ΑΣ\u0301Α",
        "Α\u0345Σ",
        "ΣΑΣ",
        "ʰΣ",
        "ªΣ",
        "ΣʰΑ",
        "\U0001d400",
        "\U00010400",
        "\U0001e900",
        "\U0001d7d8",
    ),
    # whitespace of every kind (the cuts between threads' shares are after
    # whitespace), line breaks and punctuation that ends a token
    spaces=(" ", *UNICODE_WHITESPACE, *STR_LINE_BREAKS, ",", "-", "'"),
    # not \w: combining marks (which end a token), case-ignorable
    # characters, NUL, an emoji, lone surrogates, a zero width space
    oddities=(
        *_IGNORABLE,
        "\u0307",
        "\u064b",
        "\u093f",
        "\u20dd",
        "\x00",
        "\U0001f600",
        "\ud800",
        "\udfff",
        "\ud83d",
        "\ude00",
        "\u200b",
        "ⓐ",
        "Ⓐ",
        *_CASED,
    ),
    overlapping=("aa", "ΣΣ", "σσ", "ς", "σ", "i\u0307", "k", "ω", "_", "a" * 65),
    text_kinds=("str",),
    needle_kinds=("str",),
)

TOKEN_BYTES = Alphabet(
    name="bytes-tokens",
    # ASCII \w and case: the only \w and the only case of a bytes pattern
    letters=(b"a", b"Z", b"Ab", b"QZ", b"_", b"0", b"9", b"a_1", b"K", b"k", b"I", b"i"),
    spaces=(*BYTES.spaces, b",", b"-", b"'"),
    # bytes that are letters in Latin-1 or parts of UTF-8 letters (never
    # \w, never lowered by bytes.lower()), and str whitespace
    oddities=(
        b"\x00",
        b".",
        b"\x1c",
        b"\x85",
        b"\xa0",
        b"\x80",
        b"\xff",
        b"\xb5",
        b"\xc0",
        b"\xdf",
        "é".encode(),
        "É".encode(),
        "\u212a".encode(),
        "İ".encode(),
        "Σ".encode(),
        "\u3000".encode(),
    ),
    overlapping=(b"aa", b"k", b"_", b"a" * 65),
    text_kinds=BYTES.text_kinds,
    needle_kinds=BYTES.needle_kinds,
)

TOKEN_ALPHABETS = (TOKEN_STR, TOKEN_BYTES)


# --------------------------------------------------------------------------
# Input kinds
# --------------------------------------------------------------------------

_CONVERTERS = {
    "str": lambda value: value,
    "bytes": bytes,
    "bytearray": bytearray,
    "memoryview": lambda value: memoryview(bytearray(value)),
    "readonly memoryview": memoryview,
}


class Buffers(ExitStack):
    """Turns generated values into the drawn input kind; closes mmaps on exit.

    >>> with Buffers() as convert:
    ...     textops.word_count(convert(b"a b", "mmap"), b"a")
    """

    def __call__(self, value: Any, kind: str) -> Any:
        if kind != "mmap":
            return _CONVERTERS[kind](value)
        if not value:  # an anonymous mmap cannot be empty
            return bytes(value)
        buf = self.enter_context(mmap.mmap(-1, len(value)))
        buf.write(value)
        return buf

    def many(self, values: Sequence[Any], kinds: Sequence[str]) -> list:
        return [self(value, kind) for value, kind in zip(values, kinds)]


# --------------------------------------------------------------------------
# Text, needle and separator strategies
# --------------------------------------------------------------------------


def pieces(alphabet: Alphabet) -> st.SearchStrategy:
    """One building block: a letter, a separator or an odd code point/byte."""
    return st.one_of(
        st.sampled_from(alphabet.letters),
        st.sampled_from(alphabet.spaces),
        st.sampled_from(alphabet.oddities),
    )


def texts(alphabet: Alphabet, *, min_pieces: int = 0, max_pieces: int = 40) -> st.SearchStrategy:
    """Texts of 0..max_pieces pieces."""
    return st.lists(pieces(alphabet), min_size=min_pieces, max_size=max_pieces).map(
        alphabet.empty.join
    )


@st.composite
def slices(draw, text: Text, *, max_size: int = 8) -> Text:
    """A substring of ``text`` (possibly empty), so that it actually occurs."""
    start = draw(st.integers(0, len(text)))
    stop = draw(st.integers(start, min(len(text), start + max_size)))
    return text[start:stop]


def needles(alphabet: Alphabet, text: Text, *, allow_empty: bool = True) -> st.SearchStrategy:
    """Needles: self-overlapping ones, random pieces, and substrings of ``text``.

    Long slices (up to 100 units) reach the search path for needles longer
    than the 64 bytes the vector filters handle.
    """
    strategy = st.one_of(
        st.sampled_from(alphabet.overlapping),
        st.lists(pieces(alphabet), max_size=3).map(alphabet.empty.join),
        slices(text),
        slices(text, max_size=100),
    )
    return strategy if allow_empty else strategy.filter(len)


def separators(alphabet: Alphabet, text: Text) -> st.SearchStrategy:
    """``None`` (split on whitespace runs) or a non-empty explicit separator."""
    return st.none() | needles(alphabet, text, allow_empty=False)


def words(
    alphabet: Alphabet, text: Text, sep: Optional[Text], *, lines: bool = False
) -> st.SearchStrategy:
    """A word that is often one of the text's tokens, otherwise any needle."""
    parts = text.splitlines() if lines else [text]
    tokens = [token for part in parts for token in part.split(sep)]
    any_needle = needles(alphabet, text)
    return st.sampled_from(tokens) | any_needle if tokens else any_needle


def periodic_texts(alphabet: Alphabet) -> st.SearchStrategy:
    """A short fragment repeated up to 80 times: long, self-overlapping matches."""
    return st.builds(
        lambda fragment, times: fragment * times,
        texts(alphabet, min_pieces=1, max_pieces=6),
        st.integers(1, 80),
    )


def any_texts(alphabet: Alphabet) -> st.SearchStrategy:
    """Short texts, texts of a few hundred units, and periodic texts."""
    return st.one_of(
        texts(alphabet),
        texts(alphabet, min_pieces=40, max_pieces=200),
        periodic_texts(alphabet),
    )


@dataclass(frozen=True)
class Case:
    """One single-text call: text, word/sub and separator plus the input kinds."""

    text: Text
    needle: Text
    sep: Optional[Text]
    text_kind: str
    needle_kind: str
    sep_kind: str

    def arguments(self, convert: Buffers) -> Tuple[Any, Any, Any]:
        sep = None if self.sep is None else convert(self.sep, self.sep_kind)
        return (
            convert(self.text, self.text_kind),
            convert(self.needle, self.needle_kind),
            sep,
        )


@st.composite
def cases(
    draw,
    alphabet: Alphabet,
    *,
    with_sep: bool = True,
    lines: bool = False,
    text_strategy: Optional[st.SearchStrategy] = None,
) -> Case:
    """A text with a needle (a word if ``with_sep``, else a substring)."""
    text = draw(text_strategy if text_strategy is not None else any_texts(alphabet))
    sep = draw(separators(alphabet, text)) if with_sep else None
    needle = draw(words(alphabet, text, sep, lines=lines) if with_sep else needles(alphabet, text))
    return Case(
        text=text,
        needle=needle,
        sep=sep,
        text_kind=draw(st.sampled_from(alphabet.text_kinds)),
        needle_kind=draw(st.sampled_from(alphabet.needle_kinds)),
        sep_kind=draw(st.sampled_from(alphabet.needle_kinds)),
    )


@st.composite
def big_texts(
    draw, alphabet: Alphabet, *, min_size: int = 300_000, max_size: int = 1_200_000
) -> Text:
    """A drawn fragment repeated to 0.3-1.2 M units, behind a drawn prefix.

    Big enough to be split into chunks with the default minimum chunk size
    (262144 bytes), and the prefix moves the chunk boundaries around.
    """
    prefix = draw(texts(alphabet, max_pieces=10))
    fragment = draw(texts(alphabet, min_pieces=1, max_pieces=200))
    size = draw(st.integers(min_size, max_size))
    return prefix + fragment * (size // len(fragment) + 1)


@dataclass(frozen=True)
class BatchCase:
    """One batch call: the texts, a single needle or one per text, a separator."""

    texts: Tuple[Text, ...]
    needles: Union[Text, Tuple[Text, ...]]
    sep: Optional[Text]
    text_kinds: Tuple[str, ...]
    needle_kinds: Tuple[str, ...]

    @property
    def per_text(self) -> bool:
        return isinstance(self.needles, tuple)

    def needle_list(self) -> list:
        """The needle used for each text, as in the reference's zip()."""
        return list(self.needles) if self.per_text else [self.needles] * len(self.texts)

    def arguments(self, convert: Buffers) -> Tuple[list, Any]:
        needles_ = convert.many(self.needles, self.needle_kinds) if self.per_text else self.needles
        return convert.many(self.texts, self.text_kinds), needles_


@st.composite
def batch_cases(
    draw,
    alphabet: Alphabet,
    *,
    with_sep: bool = True,
    max_texts: int = 30,
    big_text: Optional[st.SearchStrategy] = None,
) -> BatchCase:
    """0..max_texts small texts, one of them possibly much larger than the rest."""
    bodies = draw(st.lists(texts(alphabet, max_pieces=20), max_size=max_texts))
    if bodies and draw(st.booleans()):
        index = draw(st.integers(0, len(bodies) - 1))
        if big_text is not None:
            bodies[index] = draw(big_text)
        else:
            bodies[index] = draw(texts(alphabet, min_pieces=1, max_pieces=20)) * draw(
                st.integers(20, 400)
            )
    joined = alphabet.empty.join(bodies)
    sep = draw(separators(alphabet, joined)) if with_sep else None

    def needle_for(text: Text) -> st.SearchStrategy:
        return words(alphabet, text, sep) if with_sep else needles(alphabet, text)

    if draw(st.booleans()):
        needles_: Union[Text, Tuple[Text, ...]] = tuple(draw(needle_for(body)) for body in bodies)
    else:
        needles_ = draw(needle_for(joined))
    kinds = st.sampled_from(alphabet.text_kinds)
    needle_kinds = st.sampled_from(alphabet.needle_kinds)
    return BatchCase(
        texts=tuple(bodies),
        needles=needles_,
        sep=sep,
        text_kinds=tuple(draw(kinds) for _ in bodies),
        needle_kinds=tuple(draw(needle_kinds) for _ in bodies),
    )


# --------------------------------------------------------------------------
# References and result checks
# --------------------------------------------------------------------------


def pairs(bodies: Sequence[Any], needles_: Sequence[Any]) -> list:
    """``zip(bodies, needles_, strict=True)`` (also on Python < 3.10)."""
    assert len(bodies) == len(needles_), "test bug: reference zip needs equal lengths"
    return list(zip(bodies, needles_))


def token_patterns(alphabet: Alphabet) -> Tuple[Any, ...]:
    """None (text.split) and the token patterns for the alphabet's kind."""
    return (None, *(STR_PATTERNS if isinstance(alphabet.empty, str) else BYTES_PATTERNS))


def rules(alphabet: Alphabet) -> st.SearchStrategy:
    """A token rule, (pattern, lowercase), for texts of the alphabet."""
    return st.tuples(st.sampled_from(token_patterns(alphabet)), st.booleans())


def rule_tokens(text: Text, pattern: Any, lowercase: bool, sep: Optional[Text] = None) -> list:
    """The reference tokens: ``re.findall(pattern, t)``, or ``t.split(sep)``
    when pattern is None, where ``t`` is ``text.lower()`` if lowercase."""
    t = text.lower() if lowercase else text
    return t.split(sep) if pattern is None else re.findall(pattern, t)


def rule_line_tokens(text: Text, pattern: Any, lowercase: bool, sep: Optional[Text] = None) -> list:
    """The reference tokens of each line of ``text.lower()`` (lowercase)
    or ``text``, as line_word_counts takes them."""
    t = text.lower() if lowercase else text
    return [rule_tokens(line, pattern, False, sep) for line in t.splitlines()]


def rule_seps(alphabet: Alphabet, text: Text, pattern: Any) -> st.SearchStrategy:
    """None, or with no pattern (split) a separator from the text or from
    text.lower() (split(sep) of the lowered text matches sep there)."""
    if pattern is not None:
        return st.none()
    return (
        st.none()
        | needles(alphabet, text, allow_empty=False)
        | needles(alphabet, text.lower(), allow_empty=False)
    )


def rule_words(
    alphabet: Alphabet, text: Text, pattern: Any, lowercase: bool, sep: Optional[Text] = None
) -> st.SearchStrategy:
    """A word to count under a rule: often one of the rule's tokens (of the
    lowered text or of the text as it is, since words are compared as
    given), otherwise any needle."""
    tokens = rule_tokens(text, pattern, lowercase, sep) + rule_tokens(
        text, pattern, not lowercase, sep
    )
    any_needle = needles(alphabet, text)
    return st.sampled_from(tokens) | any_needle if tokens else any_needle


def assert_exact(result: Any, expected: Any, **context: Any) -> None:
    """``result == expected`` with plain ``int`` / ``list`` of ``int`` types."""
    assert result == expected, context
    assert type(result) is type(expected), context
    if isinstance(expected, list):
        assert all(type(item) is int for item in result), context


def assert_all_threads(call, expected: Any) -> None:
    """``call(threads)`` returns ``expected`` for every thread count tested."""
    for threads in THREAD_COUNTS:
        assert_exact(call(threads), expected, threads=threads)
