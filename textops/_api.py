r"""The public functions: validate, then make one call into the C core.

Each function returns exactly what its reference expression returns, for
``str`` (Unicode semantics) and for any contiguous bytes-like object (bytes
semantics). Words, substrings and separators must be of the same kind as
the text: mixing ``str`` and bytes raises ``TypeError``, as Python does for
``count`` and ``split`` (and, deliberately, also for the word, where
``list.count`` would quietly answer 0).

The word functions take the token rule as two keywords: ``pattern=None``
(tokens ``text.split(sep)``) or one of the patterns ``r"\w+"``,
``r"(?u)\b\w+\b"`` and ``r"(?u)\b\w\w+\b"`` (tokens
``re.findall(pattern, text)``; for bytes-like texts the bytes patterns
``rb"\w+"``, ``rb"\b\w+\b"``, ``rb"\b\w\w+\b"``), and
``lowercase=False`` (with True the tokens are those of ``text.lower()``;
words are compared as given).
"""

from __future__ import annotations

from collections.abc import Sequence

from . import _core
from ._threads import resolve
from ._validate import (
    Text,
    TokenPattern,
    as_sub,
    check_like,
    check_sep,
    patterns,
    quick_rule,
    text_checker,
    text_list,
    text_mode,
    token_rule,
)

__all__ = [
    "Text",
    "line_word_counts",
    "parallel_substring_count",
    "parallel_word_count",
    "sequential_word_count",
    "substring_count",
    "word_count",
]


def word_count(
    text: Text,
    word: Text,
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    threads: int | None = None,
) -> int:
    r"""Return ``text.split(sep).count(word)``, counted on every core; with
    a ``pattern``, ``re.findall(pattern, text).count(word)``; with
    ``lowercase=True``, the same on ``text.lower()``.

    >>> word_count("the cat and the hat", "the")
    2
    >>> word_count(b"a,,b,", b"", sep=b",")
    2
    >>> word_count("The whale, the whale's tail.", "the", pattern=r"\w+", lowercase=True)
    2
    """
    if sep is None and threads is None:  # the common calls, in one step
        rule = quick_rule(pattern, lowercase, text)
        if rule is not None:
            count = _core.quick_count(text, word, True, resolve(None), rule)
            if count is not None:
                return count
    mode = text_mode(text, "text")
    check_like(word, "word", mode, "text")
    check_sep(sep, mode, "text")
    rule = token_rule(pattern, lowercase, sep, mode, "text")
    return _core.word_count(text, word, sep, mode | rule, resolve(threads))


def substring_count(text: Text, sub: Text | int, *, threads: int | None = None) -> int:
    """Return ``text.count(sub)``: non-overlapping, left to right.

    >>> substring_count("aaaa", "aa")
    2
    >>> substring_count("héllo", "")
    6
    """
    if threads is None:  # the common call, in one step
        count = _core.quick_count(text, sub, False, resolve(None))
        if count is not None:
            return count
    mode = text_mode(text, "text")
    sub = as_sub(sub, "sub", mode, "text")
    return _core.substring_count(text, sub, mode, resolve(threads))


def line_word_counts(
    text: Text,
    word: Text,
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    threads: int | None = None,
) -> list[int]:
    r"""Return ``[ln.split(sep).count(word) for ln in text.splitlines()]``;
    with a ``pattern``, ``re.findall(pattern, ln).count(word)`` for each
    line; with ``lowercase=True``, the lines of ``text.lower()``.

    >>> line_word_counts("a b a\n\nb a", "a")
    [2, 0, 1]
    >>> line_word_counts("A-a\nb,A", "a", pattern=r"\w+", lowercase=True)
    [2, 1]
    """
    mode = text_mode(text, "text")
    check_like(word, "word", mode, "text")
    check_sep(sep, mode, "text")
    rule = token_rule(pattern, lowercase, sep, mode, "text")
    return _core.line_word_counts(text, word, sep, mode | rule, resolve(threads))


def parallel_word_count(
    text_bodies: Sequence[Text],
    words: Text | Sequence[Text],
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    threads: int | None = None,
) -> list[int]:
    """Return ``[t.split(sep).count(w) for t, w in zip(text_bodies, words,
    strict=True)]``, the texts shared out over every core (with a
    ``pattern`` or ``lowercase``, the tokens of ``word_count``).

    A single ``words`` value (a str or bytes-like object) counts that word
    in every text. Small texts go whole to one thread each; a text much
    larger than the rest is itself cut across all threads.

    >>> parallel_word_count(["a b a", "b b", ""], "b")
    [1, 2, 0]
    >>> parallel_word_count(["a b a", "b b"], ["a", "b"])
    [2, 2]
    """
    items, mode = text_list(text_bodies, "text_bodies")
    words_, check_word = patterns(words, "words", items, mode, subs=False)
    check_sep(sep, mode, "text_bodies")
    rule = token_rule(pattern, lowercase, sep, mode, "text_bodies")
    nthreads = resolve(threads)
    if mode is None:
        return []
    return _core.batch(
        True,
        items,
        words_,
        sep,
        mode | rule,
        nthreads,
        text_checker(items, mode, "text_bodies"),
        check_word,
    )


def sequential_word_count(
    text_bodies: Sequence[Text],
    words: Text | Sequence[Text],
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
) -> list[int]:
    """Like ``parallel_word_count``, on the calling thread only.

    >>> sequential_word_count(["a b a", "b b"], "a")
    [2, 0]
    """
    return parallel_word_count(
        text_bodies, words, sep=sep, pattern=pattern, lowercase=lowercase, threads=1
    )


def parallel_substring_count(
    text_bodies: Sequence[Text], subs: Text | int | Sequence[Text], *, threads: int | None = None
) -> list[int]:
    """Return ``[t.count(s) for t, s in zip(text_bodies, subs,
    strict=True)]``, the texts shared out over every core.

    A single ``subs`` value counts that substring in every text.

    >>> parallel_substring_count(["banana", "bandana"], "an")
    [2, 2]
    """
    items, mode = text_list(text_bodies, "text_bodies")
    subs_, check_sub = patterns(subs, "subs", items, mode, subs=True)
    nthreads = resolve(threads)
    if mode is None:
        return []
    return _core.batch(
        False,
        items,
        subs_,
        None,
        mode,
        nthreads,
        text_checker(items, mode, "text_bodies"),
        check_sub,
    )
