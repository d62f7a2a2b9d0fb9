"""The public functions: validate, then make one call into the C core.

Each function returns exactly what its reference expression returns, for
``str`` (Unicode semantics) and for any contiguous bytes-like object (bytes
semantics). Words, substrings and separators must be of the same kind as
the text: mixing ``str`` and bytes raises ``TypeError``, as Python does for
``count`` and ``split`` (and, deliberately, also for the word, where
``list.count`` would quietly answer 0).
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

from . import _core
from ._errors import TextopsTypeError, TextopsValueError
from ._threads import resolve

Text = Union[str, bytes, bytearray, memoryview, Any]
"""A ``str`` or any object exposing a contiguous buffer (mmap, array...)."""


def _type_name(obj: object) -> str:
    return type(obj).__name__


def _text_mode(obj: object, name: str) -> int:
    """Return UNICODE for str, BYTES for a contiguous buffer, else raise."""
    if isinstance(obj, str):
        return _core.UNICODE
    if isinstance(obj, (bytes, bytearray)):
        return _core.BYTES
    try:
        view = memoryview(obj)  # type: ignore[arg-type]
    except TypeError:
        raise TextopsTypeError(
            f"{name} must be str or a bytes-like object, not {_type_name(obj)}"
        ) from None
    except (ValueError, BufferError) as exc:  # e.g. a closed mmap
        raise TextopsValueError(
            f"{name} cannot be read: {_type_name(obj)} gave '{exc}'"
        ) from exc
    with view:
        if not view.c_contiguous:
            raise TextopsValueError(
                f"{name} must be a contiguous buffer; copy it with bytes({name})"
            )
    return _core.BYTES


def _is_buffer(obj: object) -> bool:
    if isinstance(obj, (bytes, bytearray)):
        return True
    try:
        memoryview(obj).release()  # type: ignore[arg-type]
    except TypeError:
        return False
    except (ValueError, BufferError):  # a buffer that cannot be read now
        return True
    return True


def _check_like(obj: object, name: str, mode: Optional[int],
                text_name: str) -> None:
    """Raise unless obj is of the same kind (str or bytes-like) as the text;
    mode None (an empty batch, no text to match) takes either kind."""
    if mode is None:
        if not isinstance(obj, str):
            _text_mode(obj, name)
    elif mode == _core.UNICODE:
        if not isinstance(obj, str):
            raise TextopsTypeError(
                f"{name} must be str like {text_name}, not {_type_name(obj)}"
            )
    elif isinstance(obj, str) or not _is_buffer(obj):
        raise TextopsTypeError(
            f"{name} must be a bytes-like object like {text_name}, "
            f"not {_type_name(obj)}"
        )
    else:
        _text_mode(obj, name)


def _check_sep(sep: object, mode: Optional[int], text_name: str) -> None:
    if sep is None:
        return
    _check_like(sep, "sep", mode, text_name)
    size = len(sep) if isinstance(sep, (str, bytes, bytearray)) else memoryview(sep).nbytes  # type: ignore[arg-type]
    if size == 0:
        raise TextopsValueError("empty separator")


def _as_sub(sub: object, name: str, mode: Optional[int],
            text_name: str) -> Any:
    """Validate a substring; for bytes, an int in range(256) is one byte."""
    if mode != _core.UNICODE and isinstance(sub, int):
        if not 0 <= sub < 256:
            raise TextopsValueError(f"{name} must be in range(0, 256), got {sub}")
        return bytes((sub,))
    _check_like(sub, name, mode, text_name)
    return sub


def word_count(text: Text, word: Text, *, sep: Optional[Text] = None,
               threads: Optional[int] = None) -> int:
    """Return ``text.split(sep).count(word)``, counted on every core.

    >>> word_count("the cat and the hat", "the")
    2
    >>> word_count(b"a,,b,", b"", sep=b",")
    2
    """
    if sep is None and threads is None:  # the common call, in one step
        count = _core.quick_count(text, word, 1, resolve(None))
        if count is not None:
            return count
    mode = _text_mode(text, "text")
    _check_like(word, "word", mode, "text")
    _check_sep(sep, mode, "text")
    return _core.word_count(text, word, sep, mode, resolve(threads))


def substring_count(text: Text, sub: Union[Text, int], *,
                    threads: Optional[int] = None) -> int:
    """Return ``text.count(sub)``: non-overlapping, left to right.

    >>> substring_count("aaaa", "aa")
    2
    >>> substring_count("héllo", "")
    6
    """
    if threads is None:  # the common call, in one step
        count = _core.quick_count(text, sub, 0, resolve(None))
        if count is not None:
            return count
    mode = _text_mode(text, "text")
    sub = _as_sub(sub, "sub", mode, "text")
    return _core.substring_count(text, sub, mode, resolve(threads))


def line_word_counts(text: Text, word: Text, *, sep: Optional[Text] = None,
                     threads: Optional[int] = None) -> List[int]:
    """Return ``[ln.split(sep).count(word) for ln in text.splitlines()]``.

    >>> line_word_counts("a b a\\n\\nb a", "a")
    [2, 0, 1]
    """
    mode = _text_mode(text, "text")
    _check_like(word, "word", mode, "text")
    _check_sep(sep, mode, "text")
    return _core.line_word_counts(text, word, sep, mode, resolve(threads))


def _texts(text_bodies: object,
           name: str = "text_bodies") -> Tuple[list, Optional[int]]:
    """The texts of a batch as a list (a list is taken as it is, any other
    iterable is read into a new one), and the mode of the first (None if
    there is none); the items themselves are checked by _text_checker.
    ``name`` is the argument's name in errors."""
    if isinstance(text_bodies, (str, bytes, bytearray, memoryview)):
        raise TextopsTypeError(
            f"{name} must be a list or other iterable of texts, "
            f"not a single {_type_name(text_bodies)}"
        )
    try:
        texts = (text_bodies if type(text_bodies) is list
                 else list(text_bodies))  # type: ignore[call-overload]
    except TypeError:
        raise TextopsTypeError(
            f"{name} must be a list or other iterable of texts, "
            f"not {_type_name(text_bodies)}"
        ) from None
    mode = _text_mode(texts[0], f"{name}[0]") if texts else None
    return texts, mode


def _text_checker(texts: list, mode: int,
                  name: str = "text_bodies") -> Callable[[int, Any], Any]:
    """Checks name[i]: a text of the same kind as name[0]."""
    def check(i: int, text: Any) -> Any:
        if _text_mode(text, f"{name}[{i}]") != mode:
            raise TextopsTypeError(
                f"{name}[{i}] is {_type_name(text)} but {name}[0] "
                f"is {_type_name(texts[0])}: a batch holds str texts or "
                "bytes-like texts, not both"
            )
        return text
    return check


def _patterns(values: object, name: str, texts: list, mode: Optional[int],
              subs: bool) -> Tuple[list, Callable[[int, Any], Any]]:
    """One word (or substring) per text, or a single one for all texts, and
    the check for each item."""
    def check(i: int, item: Any) -> Any:
        where = f"{name}[{i}]" if not single else name
        text_name = f"text_bodies[{i}]" if not single else "text_bodies"
        if subs:
            return _as_sub(item, where, mode, text_name)
        _check_like(item, where, mode, text_name)
        return item

    single = isinstance(values, (str, bytes, bytearray, memoryview, int))
    if not single:
        try:
            memoryview(values)  # type: ignore[arg-type]
            single = True
        except TypeError:
            pass
    if single:
        return [check(0, values)], check
    try:
        items = (values if type(values) is list
                 else list(values))  # type: ignore[call-overload]
    except TypeError:
        raise TextopsTypeError(
            f"{name} must be a str or bytes-like object or an iterable of "
            f"them, not {_type_name(values)}"
        ) from None
    if len(items) != len(texts):
        raise TextopsValueError(
            f"text_bodies and {name} differ in length: "
            f"{len(texts)} != {len(items)}"
        )
    return items, check


def parallel_word_count(text_bodies: Sequence[Text],
                        words: Union[Text, Sequence[Text]], *,
                        sep: Optional[Text] = None,
                        threads: Optional[int] = None) -> List[int]:
    """Return ``[t.split(sep).count(w) for t, w in zip(text_bodies, words,
    strict=True)]``, the texts shared out over every core.

    A single ``words`` value (a str or bytes-like object) counts that word
    in every text. Small texts go whole to one thread each; a text much
    larger than the rest is itself cut across all threads.

    >>> parallel_word_count(["a b a", "b b", ""], "b")
    [1, 2, 0]
    >>> parallel_word_count(["a b a", "b b"], ["a", "b"])
    [2, 2]
    """
    texts, mode = _texts(text_bodies)
    items, check_word = _patterns(words, "words", texts, mode, subs=False)
    _check_sep(sep, mode, "text_bodies")
    nthreads = resolve(threads)
    if mode is None:
        return []
    return _core.batch("words", texts, items, sep, mode, nthreads,
                       _text_checker(texts, mode), check_word)


def sequential_word_count(text_bodies: Sequence[Text],
                          words: Union[Text, Sequence[Text]], *,
                          sep: Optional[Text] = None) -> List[int]:
    """Like ``parallel_word_count``, on the calling thread only.

    >>> sequential_word_count(["a b a", "b b"], "a")
    [2, 0]
    """
    return parallel_word_count(text_bodies, words, sep=sep, threads=1)


def parallel_substring_count(text_bodies: Sequence[Text],
                             subs: Union[Text, int, Sequence[Text]], *,
                             threads: Optional[int] = None) -> List[int]:
    """Return ``[t.count(s) for t, s in zip(text_bodies, subs,
    strict=True)]``, the texts shared out over every core.

    A single ``subs`` value counts that substring in every text.

    >>> parallel_substring_count(["banana", "bandana"], "an")
    [2, 2]
    """
    texts, mode = _texts(text_bodies)
    items, check_sub = _patterns(subs, "subs", texts, mode, subs=True)
    nthreads = resolve(threads)
    if mode is None:
        return []
    return _core.batch("substrings", texts, items, None, mode, nthreads,
                       _text_checker(texts, mode), check_sub)
