"""Argument checks shared by every public function: one place for each rule.

Texts are ``str`` (Unicode semantics) or any object exposing a contiguous
buffer (bytes semantics); words, substrings and separators must be of the
text's kind. "Is this one text or a collection of them?" is decided here,
by ``is_single_text``, and nowhere else. Every error is a
``TextopsTypeError`` or ``TextopsValueError`` naming the argument (and the
index, for an item of a batch).

>>> from textops import _validate
>>> _validate.is_single_text(b"a b"), _validate.is_single_text([b"a b"])
(True, False)
>>> _validate.text_list(["a b", "c"], "text_bodies")[0]
['a b', 'c']
"""

from __future__ import annotations

import codecs
import mmap
import os
import re
import sys
from collections.abc import Callable
from typing import Any, Union

from . import _core
from ._errors import TextopsTypeError, TextopsValueError

Text = Union[str, bytes, bytearray, memoryview, Any]  # noqa: UP007 (a runtime alias; Python 3.9)
"""A ``str`` or any object exposing a contiguous buffer (mmap, array...)."""

PathLike = Union[str, bytes, "os.PathLike[Any]"]
"""A file's path, as ``open()`` takes it."""

TokenPattern = Union[str, bytes, "re.Pattern[Any]"]
"""A token pattern of the word functions (see ``token_rule``)."""

Check = Callable[[int, Any], Any]
"""``check(i, item)``: raise for a bad item ``i`` of a batch, else return
what to count in."""

# The bytes-like kinds that are plainly one text (or one word) whatever
# the argument; other buffers (arrays) are texts, but ambiguous as words.
PLAIN_BUFFERS = (bytes, bytearray, memoryview, mmap.mmap)


def type_name(obj: object) -> str:
    """The name of obj's type, as error messages show it."""
    return type(obj).__name__


def _is_array_of_items(obj: object) -> bool:
    """True for a NumPy array of str, bytes or objects: a sequence of
    texts (or words), although it exposes a buffer."""
    np = sys.modules.get("numpy")
    return np is not None and isinstance(obj, np.ndarray) and obj.dtype.kind in "USO"


def is_single_text(obj: object) -> bool:
    """True when obj is one text: a ``str`` or an object exposing a buffer
    (even one that cannot be read now, such as a closed mmap); False for a
    collection of texts (anything else, NumPy arrays of str, bytes or
    objects included).

    >>> import array
    >>> is_single_text(array.array("b", b"ab")), is_single_text(("a", "b"))
    (True, False)
    """
    return isinstance(obj, str) or (_exposes_buffer(obj) and not _is_array_of_items(obj))


def _exposes_buffer(obj: object) -> bool:
    """True when obj exposes a buffer, even one it cannot give now (a
    closed mmap)."""
    if isinstance(obj, PLAIN_BUFFERS):
        return True
    try:
        memoryview(obj).release()  # type: ignore[arg-type]
    except TypeError:
        return False
    except (ValueError, BufferError):  # a buffer that cannot be read now
        return True
    return True


def text_mode(obj: object, name: str) -> int:
    """Return UNICODE for str, BYTES for a contiguous buffer, else raise.

    >>> text_mode("a", "text") == _core.UNICODE
    True
    """
    if isinstance(obj, str):
        return _core.UNICODE
    if isinstance(obj, (bytes, bytearray)):
        return _core.BYTES
    try:
        view = memoryview(obj)  # type: ignore[arg-type]
    except TypeError:
        raise TextopsTypeError(
            f"{name} must be str or a bytes-like object, not {type_name(obj)}"
        ) from None
    except (ValueError, BufferError) as exc:  # e.g. a closed mmap
        raise TextopsValueError(f"{name} cannot be read: {type_name(obj)} gave '{exc}'") from exc
    with view:
        if not view.c_contiguous:
            raise TextopsValueError(
                f"{name} must be a contiguous buffer; copy it with bytes({name})"
            )
    return _core.BYTES


def check_like(obj: object, name: str, mode: int | None, text_name: str) -> None:
    """Raise unless obj is of the same kind (str or bytes-like) as the text;
    mode None (an empty batch, no text to match) takes either kind.

    >>> check_like(b"a", "word", _core.UNICODE, "text")
    Traceback (most recent call last):
    textops._errors.TextopsTypeError: word must be str like text, not bytes
    """
    if mode is None:
        if not isinstance(obj, str):
            text_mode(obj, name)
    elif mode == _core.UNICODE:
        if not isinstance(obj, str):
            raise TextopsTypeError(f"{name} must be str like {text_name}, not {type_name(obj)}")
    elif isinstance(obj, str) or not _exposes_buffer(obj):
        raise TextopsTypeError(
            f"{name} must be a bytes-like object like {text_name}, not {type_name(obj)}"
        )
    else:
        text_mode(obj, name)


def check_sep(sep: object, mode: int | None, text_name: str) -> None:
    """Raise unless sep is None or a non-empty separator of the text's kind."""
    if sep is None:
        return
    check_like(sep, "sep", mode, text_name)
    size = len(sep) if isinstance(sep, (str, bytes, bytearray)) else memoryview(sep).nbytes  # type: ignore[arg-type]
    if size == 0:
        raise TextopsValueError("empty separator")


# The token patterns the core knows, as re.findall takes them, and their
# rule bits. For str, r"\w+" and r"\b\w+\b" find the same tokens (a run
# of \w is bounded by \b on both sides), and (?u) is the default of a str
# pattern. A bytes pattern takes no (?u) (re refuses it), and a str
# pattern is refused on a bytes text, as re.findall refuses it.
_RUNS = _core.WORD_CHARS
_TWO_PLUS = _core.WORD_CHARS | _core.TWO_OR_MORE
_STR_PATTERNS: dict[Any, int] = {
    prefix + spelling: bits
    for spelling, bits in ((r"\w+", _RUNS), (r"\b\w+\b", _RUNS), (r"\b\w\w+\b", _TWO_PLUS))
    for prefix in ("", "(?u)")
}
_BYTES_PATTERNS: dict[Any, int] = {rb"\w+": _RUNS, rb"\b\w+\b": _RUNS, rb"\b\w\w+\b": _TWO_PLUS}
_SUPPORTED = (
    r"None, r'\w+', r'(?u)\b\w+\b' or r'(?u)\b\w\w+\b' (scikit-learn's default) for str "
    r"texts (with or without '(?u)'), rb'\w+', rb'\b\w+\b' or "
    r"rb'\b\w\w+\b' for bytes-like texts, or one of them compiled without flags"
)


def token_rule(
    pattern: object, lowercase: object, sep: object, mode: int | None, text_name: str
) -> int:
    r"""The token rule of a word function as the bits to or into the C
    core's mode: 0 for ``text.split(sep)``; WORD_CHARS for
    ``re.findall(r"\w+", text)`` (or ``r"(?u)\b\w+\b"``); WORD_CHARS |
    TWO_OR_MORE for ``r"(?u)\b\w\w+\b"``; or'ed with LOWER when the rule
    is applied to ``text.lower()`` (bytes: ``bytes.lower()``). ``pattern``
    is a str pattern for str texts, a bytes one for bytes-like texts
    (either when ``mode`` is None: no text to match), or such a pattern
    compiled by ``re.compile`` without flags; ``sep`` goes only with
    ``pattern=None``.

    >>> token_rule(r"(?u)\b\w\w+\b", True, None, _core.UNICODE, "text") == (
    ...     _core.WORD_CHARS | _core.TWO_OR_MORE | _core.LOWER)
    True
    >>> token_rule(None, False, ",", _core.UNICODE, "text")
    0
    """
    if not isinstance(lowercase, bool):
        raise TextopsTypeError(f"lowercase must be True or False, not {type_name(lowercase)}")
    lower = _core.LOWER if lowercase else 0
    if pattern is None:
        return lower
    flags = pattern.flags if isinstance(pattern, re.Pattern) else None
    spelling = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    if isinstance(spelling, str):
        table, kind, other = _STR_PATTERNS, _core.UNICODE, "bytes-like"
    elif isinstance(spelling, bytes):
        table, kind, other = _BYTES_PATTERNS, _core.BYTES, "str"
    else:
        raise TextopsTypeError(
            f"pattern must be None, a str or bytes pattern or a compiled re.Pattern, "
            f"not {type_name(pattern)}"
        )
    if mode is not None and mode != kind:
        wanted = "str" if mode == _core.UNICODE else "bytes"
        raise TextopsTypeError(
            f"pattern must be a {wanted} pattern like {text_name}, not {type_name(spelling)} "
            f"(re.findall takes no {type_name(spelling)} pattern on a {other} text either)"
        )
    bits = table.get(spelling)
    if bits is None or (flags is not None and flags != re.compile(spelling).flags):
        shown = f"{spelling!r}" + ("" if flags is None else f" with flags {re.RegexFlag(flags)!r}")
        raise TextopsValueError(f"pattern must be {_SUPPORTED}; not {shown}")
    if sep is not None:
        raise TextopsValueError(
            "sep and pattern cannot be given together: the pattern finds the tokens (pass sep=None)"
        )
    return bits | lower


def quick_rule(pattern: object, lowercase: object, text: object) -> int | None:
    """The rule bits of (pattern, lowercase) when they are plainly valid
    for text, an exact str or bytes: lowercase a bool, pattern None or a
    supported pattern of the text's type; else None (token_rule decides,
    and raises). Used by the calls that skip the full checks.

    >>> quick_rule(r"\\w+", False, "a b") == _core.WORD_CHARS, quick_rule(r"\\w+", 1, "a")
    (True, None)
    """
    if lowercase is False:
        lower = 0
    elif lowercase is True:
        lower = _core.LOWER
    else:
        return None
    if pattern is None:
        return lower
    kind = type(text)
    if type(pattern) is not kind or kind not in (str, bytes):
        return None
    bits = (_STR_PATTERNS if kind is str else _BYTES_PATTERNS).get(pattern)
    return None if bits is None else bits | lower


def as_sub(sub: object, name: str, mode: int | None, text_name: str) -> Any:
    """Validate a substring; for bytes, an int in range(256) is one byte.

    >>> as_sub(97, "sub", _core.BYTES, "text")
    b'a'
    """
    if mode != _core.UNICODE and isinstance(sub, int):
        if not 0 <= sub < 256:
            raise TextopsValueError(f"{name} must be in range(0, 256), got {sub}")
        return bytes((sub,))
    check_like(sub, name, mode, text_name)
    return sub


def _as_list(values: object, name: str, what: str) -> list[Any]:
    """values as a list (a list as it is, any other iterable read into a
    new one), or a TypeError naming the argument."""
    if _is_array_of_items(values) and values.ndim != 1:  # type: ignore[attr-defined]
        raise TextopsTypeError(
            f"{name} must be a 1-dimensional array, not one of {values.ndim} dimensions"  # type: ignore[attr-defined]
        )
    try:
        return values if type(values) is list else list(values)  # type: ignore[call-overload]
    except TypeError:
        raise TextopsTypeError(f"{name} must be {what}, not {type_name(values)}") from None


def text_list(text_bodies: object, name: str) -> tuple[list[Any], int | None]:
    """The texts of a batch as a list, and the mode of the first (None if
    there is none); the items themselves are checked by text_checker. A
    single text is refused (iterating it would give characters or bytes).
    """
    if is_single_text(text_bodies):
        raise TextopsTypeError(
            f"{name} must be a list or other iterable of texts, "
            f"not a single {type_name(text_bodies)}"
        )
    items = _as_list(text_bodies, name, "a list or other iterable of texts")
    mode = text_mode(items[0], f"{name}[0]") if items else None
    return items, mode


def text_checker(items: list[Any], mode: int, name: str) -> Check:
    """Checks name[i]: a text of the same kind as name[0]."""

    def check(i: int, text: Any) -> Any:
        if text_mode(text, f"{name}[{i}]") != mode:
            raise TextopsTypeError(
                f"{name}[{i}] is {type_name(text)} but {name}[0] "
                f"is {type_name(items[0])}: a batch holds str texts or "
                "bytes-like texts, not both"
            )
        return text

    return check


def patterns(
    values: object, name: str, items: list[Any], mode: int | None, subs: bool
) -> tuple[list[Any], Check]:
    """One word (or substring) per text, or a single one for all texts, and
    the check for each of them. A buffer other than bytes, bytearray,
    memoryview or mmap (an integer array, an array.array) is refused: it
    could be one word or one byte per text."""
    single = isinstance(values, int) or is_single_text(values)

    def check(i: int, item: Any) -> Any:
        where = name if single else f"{name}[{i}]"
        text_name = "text_bodies" if single else f"text_bodies[{i}]"
        if subs:
            return as_sub(item, where, mode, text_name)
        check_like(item, where, mode, text_name)
        return item

    if single:
        if not isinstance(values, (int, str) + PLAIN_BUFFERS):
            raise TextopsTypeError(
                f"{name} is a {type_name(values)}, which could be one "
                f"{'substring' if subs else 'word'} or one per text: pass "
                f"bytes({name}) for one, or a list for one per text"
            )
        return [check(0, values)], check
    listed = _as_list(values, name, "a str or bytes-like object or an iterable of them")
    if len(listed) != len(items):
        raise TextopsValueError(
            f"text_bodies and {name} differ in length: {len(items)} != {len(listed)}"
        )
    return listed, check


def word_list(words: object, mode: int | None, text_name: str) -> list[Any]:
    """The words of word_counts / term_matrix, each of the text's kind.

    >>> word_list(("a", "b"), _core.UNICODE, "text")
    ['a', 'b']
    """
    if is_single_text(words):
        raise TextopsTypeError(
            f"words must be an iterable of words, not a single {type_name(words)}; use [word]"
        )
    items = _as_list(words, "words", "an iterable of words")
    if items is words:
        items = list(items)
    for j, word in enumerate(items):
        check_like(word, f"words[{j}]", mode, text_name)
    return items


def paths(values: Any) -> tuple[list[PathLike], bool]:
    """The paths as a list, and whether a single path was given; each path
    is a str, bytes or os.PathLike, else a TextopsTypeError names its index.

    >>> paths("a.txt")
    (['a.txt'], True)
    """
    if isinstance(values, (str, bytes, os.PathLike)):
        return [_path(values, "paths")], True
    if is_single_text(values):
        raise TextopsTypeError(
            f"paths must be a path or an iterable of paths, not a single {type_name(values)}"
        )
    items = _as_list(values, "paths", "a path or an iterable of paths")
    return [_path(p, f"paths[{i}]") for i, p in enumerate(items)], False


def _path(path: Any, name: str) -> PathLike:
    """path itself, after checking that open() takes it as a path (an int
    would be taken as a file descriptor)."""
    if isinstance(path, (str, bytes, os.PathLike)):
        try:
            os.fspath(path)
            return path
        except TypeError:  # __fspath__ returned something else
            pass
    raise TextopsTypeError(
        f"{name} must be a path (str, bytes or os.PathLike), not {type_name(path)}"
    )


def check_encoding(encoding: object) -> tuple[int, str | None]:
    """The text mode and codec name for reading files in ``encoding``
    (None: raw bytes, bytes semantics).

    >>> check_encoding("UTF8") == (_core.UNICODE, "utf-8")
    True
    """
    if encoding is None:
        return _core.BYTES, None
    if not isinstance(encoding, str):
        raise TextopsTypeError(f"encoding must be a str or None, not {type_name(encoding)}")
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise TextopsValueError(f"{encoding!r} is not a known encoding") from None
    try:  # codecs such as base64 or rot13 are not for text (b"" is never looked up)
        b"\0\0\0\0".decode(name)
    except UnicodeError:  # a text encoding, which these bytes do not fit
        pass
    except LookupError:
        raise TextopsValueError(
            f"{encoding!r} is not a text encoding (bytes.decode refuses it)"
        ) from None
    return _core.UNICODE, name
