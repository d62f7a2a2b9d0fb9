"""Word frequencies and many words at once, each text read once.

>>> word_frequencies("the cat and the hat")
Counter({'the': 2, 'cat': 1, 'and': 1, 'hat': 1})
>>> word_counts("the cat and the hat", ["the", "hat", "dog"])
{'the': 2, 'hat': 1, 'dog': 0}
"""
from __future__ import annotations

from collections import Counter
from typing import Any, Dict, Iterable, List, Optional

from . import _core
from ._api import Text, _check_like, _check_sep, _text_checker, _text_mode, _texts
from ._errors import TextopsTypeError
from ._threads import resolve


def _is_single_text(obj: object) -> bool:
    if isinstance(obj, (str, bytes, bytearray, memoryview)):
        return True
    try:
        memoryview(obj).release()  # type: ignore[arg-type]
    except TypeError:
        return False
    return True


def _key(word: Any) -> Any:
    """A word as a dict key: str and bytes as given, other buffers as bytes."""
    return word if isinstance(word, (str, bytes)) else bytes(memoryview(word))


def word_frequencies(text_or_texts: Any, *, sep: Optional[Text] = None,
                     threads: Optional[int] = None) -> Counter:
    """Return ``Counter(text.split(sep))``, or its sum over an iterable of
    texts, counted on every core.

    Keys come in the order of their first occurrence, as in the reference
    (so ``most_common`` breaks ties the same way). Keys are ``str`` for
    ``str`` texts and ``bytes`` for bytes-like texts
    (the reference for a bytearray or mmap is
    ``Counter(bytes(text).split(sep))``).

    >>> word_frequencies(["a b a", "b c"]).most_common(2)
    [('a', 2), ('b', 2)]
    >>> word_frequencies(b"a,,b,", sep=b",")
    Counter({b'': 2, b'a': 1, b'b': 1})
    """
    if _is_single_text(text_or_texts):
        mode: Optional[int] = _text_mode(text_or_texts, "text_or_texts")
        texts = [text_or_texts]
        name = "text_or_texts"
    else:
        name = "text_or_texts"
        texts, mode = _texts(text_or_texts, name)
    _check_sep(sep, mode, name)
    nthreads = resolve(threads)
    if mode is None:
        return Counter()
    counts = _core.word_frequencies(texts, sep, mode, nthreads,
                                    _text_checker(texts, mode, name))
    return Counter(counts)


def _word_list(words: object, mode: Optional[int], text_name: str) -> List[Any]:
    """The words to count, each checked to be of the text's kind."""
    if _is_single_text(words):
        raise TextopsTypeError(
            f"words must be an iterable of words, not a single "
            f"{type(words).__name__}; use [word]"
        )
    try:
        items = list(words)  # type: ignore[call-overload]
    except TypeError:
        raise TextopsTypeError(
            f"words must be an iterable of words, not {type(words).__name__}"
        ) from None
    for j, word in enumerate(items):
        _check_like(word, f"words[{j}]", mode, text_name)
    return items


def word_counts(text: Text, words: Iterable[Text], *,
                sep: Optional[Text] = None,
                threads: Optional[int] = None) -> Dict[Any, int]:
    """Return ``{w: text.split(sep).count(w) for w in words}``, reading the
    text once whatever the number of words.

    >>> word_counts("to be or not to be", ["to", "be", "is"])
    {'to': 2, 'be': 2, 'is': 0}
    """
    mode = _text_mode(text, "text")
    items = _word_list(words, mode, "text")
    _check_sep(sep, mode, "text")
    nthreads = resolve(threads)
    counts = _core.word_counts([text], items, sep, mode, nthreads,
                               _text_checker([text], mode, "text"))
    return {_key(w): c for w, c in zip(items, counts)}
