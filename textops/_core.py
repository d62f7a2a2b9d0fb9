"""The one module that calls the C core: texts in as (pointer, length), no
copies; plain Python results out.

Arguments reaching this module are already validated by ``_api``. A ``str``
is passed as its UTF-8 form from ``PyUnicode_AsUTF8AndSize`` (CPython's
public C API, called by the binding glue of ``build_ffi.py`` for exact
``str`` objects and through ``ctypes.pythonapi`` for others): the string's
own storage when it is ASCII, otherwise a UTF-8 copy that CPython caches on
the string, so only the first call on a string pays for it. A string holding
lone surrogates has no UTF-8 form and is encoded with "surrogatepass" on
every call. Bytes-like objects are read in place through
``ffi.from_buffer``, released as soon as the call returns.

>>> from textops import _core
>>> _core.word_count("a b a", "a", None, _core.UNICODE, 0)
2
"""
from __future__ import annotations

import ctypes
import sys
from typing import Any, Callable, List, Optional, Tuple

try:
    from ._textops import ffi, lib
except ImportError as exc:  # a source checkout without the built extension
    raise ImportError(
        "textops: the C extension textops._textops is not built here. "
        "Install with `pip install .` and run from outside the source "
        "folder, or build it in place with `python build_ffi.py`."
    ) from exc

BYTES: int = lib.TEXTOPS_BYTES
UNICODE: int = lib.TEXTOPS_UNICODE
MAX_THREADS: int = lib.TEXTOPS_MAX_THREADS

_as_utf8 = ctypes.pythonapi.PyUnicode_AsUTF8AndSize
_as_utf8.restype = ctypes.c_void_p
_as_utf8.argtypes = (ctypes.py_object, ctypes.POINTER(ctypes.c_ssize_t))


# CPython's id() is the object's address, which the binding glue reads
# (textops_py_count, textops_py_spans) to find the bytes of exact str and
# bytes objects in C; elsewhere every text takes the path through _text.
_ID_IS_ADDRESS = sys.implementation.name == "cpython"
_PY_SLOW: int = lib.TEXTOPS_PY_SLOW


def _utf8(text: str) -> Tuple[int, int]:
    """Address and byte length of the UTF-8 form of text, or (0, -1) when it
    has none (lone surrogates). Valid while text is alive."""
    n = ctypes.c_ssize_t()
    try:
        return _as_utf8(text, ctypes.byref(n)), n.value
    except UnicodeEncodeError:
        return 0, -1


def _pattern(obj: Any) -> Any:
    """A word, separator or substring as something cffi passes as char *.

    Patterns are short, so a str is simply encoded (surrogatepass keeps
    lone surrogates comparable with the text's encoding)."""
    if isinstance(obj, str):
        return obj.encode("utf-8", "surrogatepass")
    return obj if type(obj) is bytes else bytes(memoryview(obj))


class _Pins:
    """Pins texts for one C call and releases the buffers it took on exit."""

    __slots__ = ("_held",)

    def __init__(self) -> None:
        self._held: List[Any] = []

    def __enter__(self) -> "_Pins":
        return self

    def __exit__(self, *exc_info: object) -> None:
        for cdata in self._held:
            ffi.release(cdata)

    def _buffer(self, obj: Any) -> Any:
        cdata = ffi.from_buffer(obj)
        self._held.append(cdata)
        return cdata

    def address(self, obj: Any) -> Tuple[int, int]:
        """Return (address, length in bytes) of obj, valid until exit."""
        if isinstance(obj, str):
            address, size = _utf8(obj)
            if size >= 0:
                return address, size
            obj = obj.encode("utf-8", "surrogatepass")
        cdata = self._buffer(obj)
        return int(ffi.cast("uintptr_t", cdata)), len(cdata)


def _text(text: Any) -> Tuple[Any, int, Any]:
    """(char pointer or bytes, length in bytes, buffer to release or None)
    for one C call on text."""
    if isinstance(text, str):
        address, size = _utf8(text)
        if size >= 0:
            return ffi.cast("const char *", address), size, None
        text = text.encode("utf-8", "surrogatepass")
    if type(text) is bytes:
        return text, len(text), None
    cdata = ffi.from_buffer(text)
    return cdata, len(cdata), cdata


def default_threads() -> int:
    """OpenMP's default thread count for the calling thread (1 after fork)."""
    return lib.textops_default_threads()


def openmp_enabled() -> bool:
    """True when the core was built with OpenMP."""
    return bool(lib.textops_openmp_enabled())


def set_min_chunk(nbytes: int) -> int:
    """Set the fewest bytes one thread counts; return the previous value.

    Only tests need this: a tiny value cuts even short texts into pieces.
    """
    return lib.textops_set_min_chunk(nbytes)


def _backend_ids() -> dict:
    ids = {}
    for backend_id in range(16):
        name = lib.textops_search_backend(backend_id)
        if name != ffi.NULL:
            ids[ffi.string(name).decode()] = backend_id
    return ids


def search_backends() -> List[str]:
    """Names of the search backends this CPU can run, portable first."""
    return list(_backend_ids())


def set_search_backend(name: str) -> str:
    """Make every search use backend ``name``; return the previous name.

    Only tests and benchmarks need this: by default the widest vector
    backend the CPU supports is used.
    """
    ids = _backend_ids()
    if name not in ids:
        raise ValueError(f"{name!r} is not a search backend here, must be one of {list(ids)}")
    previous = lib.textops_set_search_backend(ids[name])
    return ffi.string(lib.textops_search_backend(previous)).decode()


def substring_count(text: Any, sub: Any, mode: int, threads: int) -> int:
    """``text.count(sub)``; threads 0 means the OpenMP default."""
    s = _pattern(sub)
    if _ID_IS_ADDRESS:
        count = lib.textops_py_count(id(text), 0, s, len(s), ffi.NULL, 0,
                                     mode, threads)
        if count != _PY_SLOW:
            return count
    t, n, held = _text(text)
    try:
        return lib.textops_substring_count(t, n, s, len(s), mode, threads)
    finally:
        if held is not None:
            ffi.release(held)


def word_count(text: Any, word: Any, sep: Optional[Any], mode: int,
               threads: int) -> int:
    """``text.split(sep).count(word)``; threads 0 means the OpenMP default."""
    w = _pattern(word)
    s = ffi.NULL if sep is None else _pattern(sep)
    s_len = 0 if sep is None else len(s)
    if _ID_IS_ADDRESS:
        count = lib.textops_py_count(id(text), 1, w, len(w), s, s_len, mode,
                                     threads)
        if count != _PY_SLOW:
            return count
    t, n, held = _text(text)
    try:
        return lib.textops_word_count(t, n, w, len(w), s, s_len, mode,
                                      threads)
    finally:
        if held is not None:
            ffi.release(held)


def line_word_counts(text: Any, word: Any, sep: Optional[Any], mode: int,
                     threads: int) -> List[int]:
    """``[ln.split(sep).count(word) for ln in text.splitlines()]``."""
    counts = ffi.new("size_t **")
    nlines = ffi.new("size_t *")
    w = _pattern(word)
    s = ffi.NULL if sep is None else _pattern(sep)
    t, n, held = _text(text)
    try:
        rc = lib.textops_line_word_counts(t, n, w, len(w), s,
                                          0 if sep is None else len(s), mode,
                                          threads, counts, nlines)
    finally:
        if held is not None:
            ffi.release(held)
    if rc != 0:
        raise MemoryError("textops: out of memory for the per-line counts")
    try:
        return ffi.unpack(counts[0], nlines[0]) if nlines[0] else []
    finally:
        lib.textops_free(counts[0])


def _spans(pins: _Pins, items: List[Any], mode: int,
           check: Callable[[int, Any], Any]) -> Tuple[Any, Any]:
    """C arrays of the addresses and byte lengths of the texts in items.

    Exact str (or, for bytes mode, exact bytes) items are read in C without
    Python work per item; any other item goes through ``check(i, item)``,
    which raises if it is not acceptable and returns what to count in.
    """
    n = len(items)
    addrs = ffi.new("uintptr_t[]", n)
    lens = ffi.new("size_t[]", n)
    i = 0
    while i < n:
        if _ID_IS_ADDRESS:
            i = lib.textops_py_spans(ffi.cast("void *", id(items)), i, mode,
                                     addrs, lens)
            if i < 0:
                break
        addrs[i], lens[i] = pins.address(check(i, items[i]))
        i += 1
    return addrs, lens


def batch(kind: str, texts: List[Any], words: List[Any],
          sep: Optional[Any], mode: int, threads: int,
          check_text: Callable[[int, Any], Any],
          check_word: Callable[[int, Any], Any]) -> List[int]:
    """Per-text ``split(sep).count(word)`` (kind "words") or ``count(word)``
    (kind "substrings"); ``words`` holds one word per text, or one for all.
    Items that are not exact str (or bytes) go through the check functions,
    which raise for bad ones, naming the index."""
    out = ffi.new("size_t[]", len(texts))
    with _Pins() as pins:
        taddrs, tlens = _spans(pins, texts, mode, check_text)
        waddrs, wlens = _spans(pins, words, mode, check_word)
        tptrs = ffi.cast("const char *const *", taddrs)
        wptrs = ffi.cast("const char *const *", waddrs)
        if kind == "words":
            s = ffi.NULL if sep is None else _pattern(sep)
            lib.textops_batch_word_count(len(texts), tptrs, tlens, len(words),
                                         wptrs, wlens, s,
                                         0 if sep is None else len(s), mode,
                                         threads, out)
        else:
            lib.textops_batch_substring_count(len(texts), tptrs, tlens,
                                              len(words), wptrs, wlens, mode,
                                              threads, out)
    return ffi.unpack(out, len(texts))
