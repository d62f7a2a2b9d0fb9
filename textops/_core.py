"""The one module that calls the C core: texts in as (pointer, length), no
copies; plain Python results out.

Arguments reaching this module are already validated by ``_api``. A ``str``
is passed as its UTF-8 form from ``PyUnicode_AsUTF8AndSize`` (CPython's
public C API, reached through ``ctypes.pythonapi``): the string's own
storage when it is ASCII, otherwise a UTF-8 copy that CPython caches on the
string, so only the first call on a string pays for it. A string holding
lone surrogates has no UTF-8 form and is encoded with "surrogatepass" on
every call. Bytes-like objects are read in place through
``ffi.from_buffer``, released as soon as the call returns.

>>> from textops import _core
>>> _core.word_count("a b a", "a", None, _core.UNICODE, 0)
2
"""
from __future__ import annotations

import ctypes
from typing import Any, List, Optional, Sequence, Tuple

from ._textops import ffi, lib

BYTES: int = lib.TEXTOPS_BYTES
UNICODE: int = lib.TEXTOPS_UNICODE
MAX_THREADS: int = lib.TEXTOPS_MAX_THREADS

_as_utf8 = ctypes.pythonapi.PyUnicode_AsUTF8AndSize
_as_utf8.restype = ctypes.c_void_p
_as_utf8.argtypes = (ctypes.py_object, ctypes.POINTER(ctypes.c_ssize_t))


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
            size = ctypes.c_ssize_t()
            try:
                return _as_utf8(obj, ctypes.byref(size)), size.value
            except UnicodeEncodeError:
                obj = obj.encode("utf-8", "surrogatepass")
        cdata = self._buffer(obj)
        return int(ffi.cast("uintptr_t", cdata)), len(cdata)

    def pointer(self, obj: Any) -> Tuple[Any, int]:
        """Return (char pointer or bytes, length in bytes) for one C call."""
        if type(obj) is bytes:
            return obj, len(obj)
        if isinstance(obj, str):
            address, size = self.address(obj)
            return ffi.cast("const char *", address), size
        cdata = self._buffer(obj)
        return cdata, len(cdata)


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
    with _Pins() as pins:
        t, n = pins.pointer(text)
        s, m = pins.pointer(sub)
        return lib.textops_substring_count(t, n, s, m, mode, threads)


def word_count(text: Any, word: Any, sep: Optional[Any], mode: int,
               threads: int) -> int:
    """``text.split(sep).count(word)``; threads 0 means the OpenMP default."""
    with _Pins() as pins:
        t, n = pins.pointer(text)
        w, wl = pins.pointer(word)
        s, sl = pins.pointer(sep) if sep is not None else (ffi.NULL, 0)
        return lib.textops_word_count(t, n, w, wl, s, sl, mode, threads)


def line_word_counts(text: Any, word: Any, sep: Optional[Any], mode: int,
                     threads: int) -> List[int]:
    """``[ln.split(sep).count(word) for ln in text.splitlines()]``."""
    counts = ffi.new("size_t **")
    nlines = ffi.new("size_t *")
    with _Pins() as pins:
        t, n = pins.pointer(text)
        w, wl = pins.pointer(word)
        s, sl = pins.pointer(sep) if sep is not None else (ffi.NULL, 0)
        rc = lib.textops_line_word_counts(t, n, w, wl, s, sl, mode, threads,
                                          counts, nlines)
    if rc != 0:
        raise MemoryError("textops: out of memory for the per-line counts")
    try:
        return ffi.unpack(counts[0], nlines[0]) if nlines[0] else []
    finally:
        lib.textops_free(counts[0])


def _addresses(pins: _Pins, objs: Sequence[Any]) -> Tuple[Any, Any]:
    """C arrays of the addresses and byte lengths of objs."""
    spans = [pins.address(obj) for obj in objs]
    addrs = ffi.new("uintptr_t[]", [a for a, _ in spans])
    lens = ffi.new("size_t[]", [n for _, n in spans])
    return addrs, lens


def batch(kind: str, texts: Sequence[Any], words: Sequence[Any],
          sep: Optional[Any], mode: int, threads: int) -> List[int]:
    """Per-text ``split(sep).count(word)`` (kind "words") or ``count(word)``
    (kind "substrings"); ``words`` holds one word per text, or one for all."""
    out = ffi.new("size_t[]", len(texts))
    with _Pins() as pins:
        taddrs, tlens = _addresses(pins, texts)
        waddrs, wlens = _addresses(pins, words)
        tptrs = ffi.cast("const char *const *", taddrs)
        wptrs = ffi.cast("const char *const *", waddrs)
        if kind == "words":
            s, sl = pins.pointer(sep) if sep is not None else (ffi.NULL, 0)
            lib.textops_batch_word_count(len(texts), tptrs, tlens, len(words),
                                         wptrs, wlens, s, sl, mode, threads,
                                         out)
        else:
            lib.textops_batch_substring_count(len(texts), tptrs, tlens,
                                              len(words), wptrs, wlens, mode,
                                              threads, out)
    return ffi.unpack(out, len(texts))
