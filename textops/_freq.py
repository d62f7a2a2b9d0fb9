"""Word frequencies and many words at once, each text read once.

>>> word_frequencies("the cat and the hat")
Counter({'the': 2, 'cat': 1, 'and': 1, 'hat': 1})
>>> word_counts("the cat and the hat", ["the", "hat", "dog"])
{'the': 2, 'hat': 1, 'dog': 0}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from . import _core
from ._threads import resolve
from ._validate import (
    Text,
    TokenPattern,
    check_sep,
    is_single_text,
    text_checker,
    text_list,
    text_mode,
    token_rule,
    word_list,
)

# Up to this many distinct words, word_counts scans the text once per word
# (as word_count): one pass that tokenizes the whole text costs more. On
# BOOKS (100 MB, a two-byte str, 2 threads): one rare word 4 against 26 ms,
# "the" 24 against 38 ms; two frequent words about even.
_FEW_WORDS = 2


def _key(word: Any) -> Any:
    """A word as a dict key: str and bytes as given, other buffers as bytes."""
    return word if isinstance(word, (str, bytes)) else bytes(memoryview(word))


def word_frequencies(
    text_or_texts: Any,
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    threads: int | None = None,
) -> Counter:
    r"""Return ``Counter(text.split(sep))``, or its sum over an iterable of
    texts, counted on every core; with a ``pattern``,
    ``Counter(re.findall(pattern, text))``; with ``lowercase=True``, the
    tokens of ``text.lower()``.

    Keys come in the order of their first occurrence, as in the reference
    (so ``most_common`` breaks ties the same way). Keys are ``str`` for
    ``str`` texts and ``bytes`` for bytes-like texts
    (the reference for a bytearray or mmap is
    ``Counter(bytes(text).split(sep))``).

    >>> word_frequencies(["a b a", "b c"]).most_common(2)
    [('a', 2), ('b', 2)]
    >>> word_frequencies(b"a,,b,", sep=b",")
    Counter({b'': 2, b'a': 1, b'b': 1})
    >>> word_frequencies("The cat, the hat.", pattern=r"\w+", lowercase=True)
    Counter({'the': 2, 'cat': 1, 'hat': 1})
    """
    name = "text_or_texts"
    if is_single_text(text_or_texts):
        mode: int | None = text_mode(text_or_texts, name)
        items = [text_or_texts]
    else:
        items, mode = text_list(text_or_texts, name)
    check_sep(sep, mode, name)
    rule = token_rule(pattern, lowercase, sep, mode, name)
    nthreads = resolve(threads)
    if mode is None:
        return Counter()
    counts = _core.word_frequencies(
        items, sep, mode | rule, nthreads, text_checker(items, mode, name)
    )
    return Counter(counts)


def word_counts(
    text: Text,
    words: Iterable[Text],
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    threads: int | None = None,
) -> dict[Any, int]:
    r"""Return ``{w: text.split(sep).count(w) for w in words}``, reading the
    text once whatever the number of words (with a ``pattern`` or
    ``lowercase``, the tokens of ``word_count``).

    >>> word_counts("to be or not to be", ["to", "be", "is"])
    {'to': 2, 'be': 2, 'is': 0}
    >>> word_counts("To be, or not to be.", ["to", "be"], pattern=r"\w+", lowercase=True)
    {'to': 2, 'be': 2}
    """
    mode = text_mode(text, "text")
    items = word_list(words, mode, "text")
    check_sep(sep, mode, "text")
    rule = token_rule(pattern, lowercase, sep, mode, "text")
    nthreads = resolve(threads)
    keys = [_key(w) for w in items]
    if len(set(keys)) <= _FEW_WORDS:
        few: dict[Any, int] = {}
        for w, k in zip(items, keys):
            if k not in few:
                few[k] = _core.word_count(text, w, sep, mode | rule, nthreads)
        return few
    counts = _core.word_counts(
        [text], items, sep, mode | rule, nthreads, text_checker([text], mode, "text")
    )
    return dict(zip(keys, counts))
