"""The one module that calls the C core: texts in as (pointer, length), no
copies; plain Python results out.

Arguments reaching this module are already validated by ``_api``. A ``str``
is read in CPython's own storage (PEP 393: 1, 2 or 4 bytes a character,
``_storage``, through the binding glue ``textops/_glue.c``): substrings and
most word counts are counted there, the other word and line counts go
block by block through a small UTF-8 buffer in C, and the calls that need
every token of a whole text (frequencies, many words, matrices, corpora)
take a UTF-8 copy for the length of the call (``_utf8_copy``, or the glue's
for a batch). No call makes the UTF-8 form CPython would cache on the
string; one it already has is read as it is (``_utf8``). Bytes-like objects
are read in place through ``ffi.from_buffer``, released as soon as the call
returns. A batch reads its list in place: with one word for all texts,
its short texts are counted while holding the GIL, a slice at a time, with
no reference taken (``_held``); otherwise the glue takes a reference to
each text it reads (so a text the list lets go of during the call stays
readable) and drops them all when the call returns.

>>> from textops import _core
>>> _core.word_count("a b a", "a", None, _core.UNICODE, 0)
2
"""

from __future__ import annotations

import _thread
import sys
import threading
from itertools import accumulate
from typing import Any, Callable, Dict, List, Optional, Tuple

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
# The token rule of the word functions, or'ed into their mode (the text's
# kind, BYTES or UNICODE): _validate.token_rule makes it from the pattern
# and lowercase arguments. Every ``mode`` below is such a C mode; the
# text's kind is ``mode & UNICODE``.
WORD_CHARS: int = lib.TEXTOPS_WORD_CHARS
TWO_OR_MORE: int = lib.TEXTOPS_TWO_OR_MORE
LOWER: int = lib.TEXTOPS_LOWER
MAX_THREADS: int = lib.TEXTOPS_MAX_THREADS

# CPython's id() is the object's address, which the binding glue reads
# (textops_py_count, textops_py_spans) to find the bytes of exact str and
# bytes objects in C; elsewhere every text takes the path through _text.
_ID_IS_ADDRESS = sys.implementation.name == "cpython"
_PY_SLOW: int = lib.TEXTOPS_PY_SLOW
_PY_UNITS: int = lib.TEXTOPS_PY_UNITS
_PY_WORD_UNITS: int = lib.TEXTOPS_PY_WORD_UNITS


def _utf8(text: str) -> Tuple[int, int]:
    """Address and byte length of the UTF-8 text already has (its own
    storage when ASCII, or the form CPython cached on it), or (0, -1) when
    it has none: no call makes one (they count in the string's storage,
    ``_storage``, or in a copy of their own, ``_utf8_copy``). Valid while
    text is alive."""
    if not _ID_IS_ADDRESS:
        return 0, -1
    size = ffi.new("size_t *")
    address = lib.textops_py_utf8(id(text), size)
    return (address, size[0]) if address else (0, -1)


def _storage(text: str) -> Optional[Tuple[int, int, int]]:
    """(address, size in bytes, unit width) of CPython's own storage of
    text (PEP 393), read in place while text is alive; None when it cannot
    be read so (not CPython, or a legacy string)."""
    if not _ID_IS_ADDRESS:
        return None
    out = ffi.new("uintptr_t *")
    size = ffi.new("size_t *")
    width = ffi.new("int *")
    if lib.textops_py_storage(id(text), out, size, width) != 0:
        return None
    return out[0], size[0], width[0]


# Memory for UTF-8 copies, left uninitialised: the copy writes every byte
# it hands on, and the pages it never touches cost nothing.
_raw = ffi.new_allocator(should_clear_after_alloc=False)
_UTF8_PER_UNIT = {1: 2, 2: 3, 4: 4}  # the most UTF-8 bytes of a code unit


def _utf8_copy(text: str) -> Tuple[Any, int]:
    """The UTF-8 of text ("surrogatepass") as (buffer, length): written
    from the string's storage in C, on every core, into memory that goes
    with the buffer, so that nothing is left cached on the string."""
    storage = _storage(text)
    if storage is None:
        data = str.encode(text, "utf-8", "surrogatepass")
        return data, len(data)
    address, size, width = storage
    n = size // width
    cap = n * _UTF8_PER_UNIT[width]
    buf = _raw("char[]", cap or 1)
    units = ffi.cast("const char *", address)
    return buf, lib.textops_units_to_utf8(units, n, width, buf, cap, 0)


def _pattern(obj: Any) -> Any:
    """A word, separator or substring as something cffi passes as char *.

    Patterns are short, so a str is simply encoded (surrogatepass keeps
    lone surrogates comparable with the text's encoding)."""
    if isinstance(obj, str):
        return str.encode(obj, "utf-8", "surrogatepass")
    return obj if type(obj) is bytes else bytes(memoryview(obj))


class _Pins:
    """Keeps the texts of one C call alive and readable until exit: Python
    references to the items read in Python, the buffers it took (released
    on exit), and the references the binding glue took to the items it
    read itself (dropped on exit)."""

    __slots__ = ("_held", "_alive", "_owned")

    def __init__(self) -> None:
        self._held: List[Any] = []
        self._alive: List[Any] = []
        self._owned: List[Tuple[Any, int]] = []

    def __enter__(self) -> _Pins:
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            for owned, n in self._owned:
                lib.textops_py_release(owned, n)
        finally:  # even if Ctrl-C comes meanwhile: no buffer stays exported
            for cdata in self._held:
                ffi.release(cdata)

    def _buffer(self, obj: Any) -> Any:
        # held in one step: a Ctrl-C between taking it and holding it would
        # leave the export to the traceback's frame (closing an mmap would
        # then raise BufferError)
        self._held.append(ffi.from_buffer(obj))
        return self._held[-1]

    def owned(self, n: int) -> Any:
        """An array of n references for textops_py_spans, dropped on exit."""
        owned = ffi.new("void *[]", n)
        self._owned.append((owned, n))
        return owned

    def storage(self, text: str) -> Tuple[int, int, int]:
        """(address, size in bytes, unit width) of the storage of text
        (``_storage``), valid until exit."""
        storage = _storage(text)
        if storage is None:
            raise MemoryError("textops: out of memory to read a str")
        self._alive.append(text)
        return storage

    def address(self, obj: Any) -> Tuple[int, int]:
        """Return (address, length in bytes) of obj, valid until exit."""
        if isinstance(obj, str):
            address, size = _utf8(obj)
            if size >= 0:
                self._alive.append(obj)
                return address, size
            obj, size = _utf8_copy(obj)
            if not isinstance(obj, bytes):
                self._alive.append(obj)
                return int(ffi.cast("uintptr_t", obj)), size
        cdata = self._buffer(obj)
        return int(ffi.cast("uintptr_t", cdata)), len(cdata)


def _on_text(text: Any, fn: Callable[[Any, int], Any]) -> Any:
    """``fn(pointer, length)`` on the bytes of one text (a char pointer or
    bytes, and the length in bytes), releasing the buffer taken for it, if
    any, when fn returns or raises."""
    if isinstance(text, str):
        address, size = _utf8(text)
        if size >= 0:
            return fn(ffi.cast("const char *", address), size)
        text, size = _utf8_copy(text)
        if not isinstance(text, bytes):
            return fn(text, size)
    if type(text) is bytes:
        return fn(text, len(text))
    cdata = ffi.from_buffer(text)
    try:
        return fn(cdata, len(cdata))
    finally:
        ffi.release(cdata)


_NO_SEP: Tuple[Any, int] = (ffi.NULL, 0)


def _sep(sep: Optional[Any]) -> Tuple[Any, int]:
    """The separator of a C call as (pointer or bytes, length): (NULL, 0),
    splitting on whitespace, when sep is None."""
    if sep is None:
        return _NO_SEP
    s = _pattern(sep)
    return s, len(s)


# A call on at least this many bytes, made from the main thread, runs on a
# helper thread while the main thread waits where Ctrl-C can reach it.
_WATCH_BYTES = 8 << 20
# Texts the binding glue reads itself (textops_py_count), when they are too
# short to need watching (a str's UTF-8 form has at most 4 bytes a character).
_EXACT = (str, bytes)
_SHORT = _WATCH_BYTES // 4
_WATCH_TEXTS = 1000  # a batch of more texts is treated as long
_MAIN_THREAD = threading.main_thread()


def _call(nbytes: int, threads: int, fn: Callable[[int], Any]) -> Any:
    """``fn(threads)``, one C call, stopped by Ctrl-C when it is long.

    A short call, or one from another thread than the main one (where
    Python never raises KeyboardInterrupt), runs here. A long one runs on a
    helper thread that watches a stop flag (textops_watch) while this
    thread waits where Ctrl-C reaches it: on KeyboardInterrupt the flag is
    raised, the C call ends at its next look at it (milliseconds), and
    only then does KeyboardInterrupt go on, so no call outlives the
    buffers it reads. The default thread count is resolved here, so that
    limits set on this thread (threadpoolctl) still apply.
    """
    if threads <= 0:
        threads = lib.textops_default_threads()
    if nbytes < _WATCH_BYTES or threading.current_thread() is not _MAIN_THREAD:
        return fn(threads)
    flag = ffi.new("int *")
    outcome: List[Any] = []
    # Whoever takes `claim` first decides: the helper runs the call, or
    # this thread gave up before it began. `done` is released when the
    # helper is through with the call.
    claim = _thread.allocate_lock()
    done = _thread.allocate_lock()
    done.acquire()

    def run() -> None:
        if not claim.acquire(False):
            return
        lib.textops_watch(flag)
        try:
            outcome.append((True, fn(threads)))
        except BaseException as exc:  # handed to the calling thread
            outcome.append((False, exc))
        finally:
            lib.textops_watch(ffi.NULL)
            done.release()

    try:
        _thread.start_new_thread(run, ())
        while not done.acquire(True, 0.05):
            pass
    except KeyboardInterrupt:
        flag[0] = 1
        if not claim.acquire(False) and not outcome:
            while True:  # the call is running: wait for it, whatever comes
                try:
                    done.acquire()
                    break
                except KeyboardInterrupt:
                    continue
        raise
    ok, value = outcome[0]
    if ok:
        return value
    raise value


def _total(lens: Any, n: int) -> int:
    """Bytes in a batch of n texts (a large batch counts as long)."""
    return _WATCH_BYTES if n > _WATCH_TEXTS else sum(ffi.unpack(lens, n))


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


def set_tally_dense(dense: int) -> int:
    """Force where a GIL-held batch's token tally tests a word's neighbours.

    Only tests need this: 1 in every block, 0 in the blocks with a match,
    -1 as the batch's sample says; returns the previous value.

    >>> previous = set_tally_dense(1)
    >>> set_tally_dense(previous)
    1
    """
    return int(lib.textops_set_tally_dense(dense))


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


def _word_storage(text: Any) -> Optional[Tuple[int, int, int]]:
    """``_storage`` of a str the word functions read in its own storage
    (one with no UTF-8 at hand), else None."""
    if not isinstance(text, str) or _utf8(text)[1] >= 0:
        return None
    return _storage(text)


def probes(text: bytes, needle: bytes) -> Tuple[int, List[int]]:
    """The probes a one-thread count of ``needle`` in ``text`` tests.

    Only tests need this: how many offsets the fast test uses (0 when the
    needle needs no probe) and the four offsets, rarest first.

    >>> probes(b"abc" * 30000, b"xy")
    (2, [0, 1, 0, 1])
    """
    at = ffi.new("size_t[4]")
    quiet = lib.textops_probes(text, len(text), needle, len(needle), at)
    return quiet, list(at)


def _glue_count(
    text: Any, words: bool, p: Any, sep: Tuple[Any, int], mode: int, threads: int
) -> Optional[int]:
    """The count of p (a word split on sep when words, else a substring)
    in text by the binding glue in one call, or None when text is not an
    exact str or bytes short enough to need no watching for Ctrl-C. p is
    already bytes, sep a pair from _sep."""
    if not _ID_IS_ADDRESS or type(text) not in _EXACT or len(text) >= _SHORT:
        return None
    count = lib.textops_py_count(id(text), words, p, len(p), sep[0], sep[1], mode, threads)
    return None if count == _PY_SLOW else count


def quick_count(text: Any, pattern: Any, words: bool, threads: int, rule: int = 0) -> Optional[int]:
    """``text.split().count(pattern)`` (words; the tokens of the token
    ``rule`` bits, already checked, when given) or ``text.count(pattern)``
    in one glue call, for an exact str text and str pattern or an exact
    bytes text and bytes pattern, with nothing left to validate; None when
    the call needs the full path (other types, or a text long enough to be
    watched for Ctrl-C).

    >>> quick_count("a b a", "a", True, 0), quick_count("a b a", b"a", True, 0)
    (2, None)
    """
    kind = type(text)
    if type(pattern) is not kind:
        return None
    if kind is str:
        return _glue_count(
            text,
            words,
            pattern.encode("utf-8", "surrogatepass"),
            _NO_SEP,
            UNICODE | rule,
            threads,
        )
    if kind is bytes:
        return _glue_count(text, words, pattern, _NO_SEP, BYTES | rule, threads)
    return None


def substring_count(text: Any, sub: Any, mode: int, threads: int) -> int:
    """``text.count(sub)``; threads 0 means the OpenMP default."""
    s = _pattern(sub)
    count = _glue_count(text, False, s, _NO_SEP, mode, threads)
    if count is not None:
        return count
    storage = _storage(text) if isinstance(text, str) else None
    if storage is not None:  # counted in the string's own storage
        address, size, width = storage
        units = ffi.cast("const char *", address)
        out = ffi.new("size_t *")
        rc = _call(
            size,
            threads,
            lambda th: lib.textops_units_count(units, size, width, s, len(s), th, out),
        )
        if rc != 0:
            raise MemoryError("textops: out of memory for the substring")
        return out[0]
    return _on_text(
        text,
        lambda t, n: _call(
            n, threads, lambda th: lib.textops_substring_count(t, n, s, len(s), mode, th)
        ),
    )


def word_count(text: Any, word: Any, sep: Optional[Any], mode: int, threads: int) -> int:
    """``text.split(sep).count(word)``; threads 0 means the OpenMP default."""
    w = _pattern(word)
    s, sn = sep_pair = _sep(sep)
    count = _glue_count(text, True, w, sep_pair, mode, threads)
    if count is not None:
        return count
    storage = _word_storage(text)
    if storage is not None:  # block by block from the string's own storage
        address, size, width = storage
        units = ffi.cast("const char *", address)
        out = ffi.new("size_t *")
        rc = _call(
            size,
            threads,
            lambda th: lib.textops_units_word_count(
                units, size, width, w, len(w), s, sn, mode, th, out
            ),
        )
        if rc != 0:
            raise MemoryError("textops: out of memory for the word count")
        return out[0]
    return _on_text(
        text,
        lambda t, n: _call(
            n, threads, lambda th: lib.textops_word_count(t, n, w, len(w), s, sn, mode, th)
        ),
    )


def line_word_counts(
    text: Any, word: Any, sep: Optional[Any], mode: int, threads: int
) -> List[int]:
    """``[ln.split(sep).count(word) for ln in text.splitlines()]``."""
    counts = ffi.new("size_t **")
    nlines = ffi.new("size_t *")
    w = _pattern(word)
    s, sn = _sep(sep)
    storage = _word_storage(text)
    try:
        if storage is not None:  # block by block from the string's storage
            address, size, width = storage
            units = ffi.cast("const char *", address)
            rc = _call(
                size,
                threads,
                lambda th: lib.textops_units_line_word_counts(
                    units, size, width, w, len(w), s, sn, mode, counts, nlines
                ),
            )
        else:
            rc = _on_text(
                text,
                lambda t, n: _call(
                    n,
                    threads,
                    lambda th: lib.textops_line_word_counts(
                        t, n, w, len(w), s, sn, mode, th, counts, nlines
                    ),
                ),
            )
    except BaseException:  # KeyboardInterrupt: the call may have allocated
        lib.textops_free(counts[0])
        raise
    if rc != 0:
        raise MemoryError("textops: out of memory for the per-line counts")
    try:
        return ffi.unpack(counts[0], nlines[0]) if nlines[0] else []
    finally:
        lib.textops_free(counts[0])


def _spans(
    pins: _Pins,
    items: List[Any],
    mode: int,
    check: Callable[[int, Any], Any],
    widths: Any = None,
    how: int = 0,
) -> Tuple[Any, Any, int]:
    """C arrays of the addresses and byte lengths of the texts in items,
    readable until pins exits, and their number (the callers use it, not
    ``len(items)``, which another thread may change).

    Exact str (or, for bytes mode, exact bytes) items are read in C without
    Python work per item; any other item goes through ``check(i, item)``,
    which raises if it is not acceptable and returns what to count in.
    ``how`` says how str items are read (textops_py_spans): as UTF-8
    (``_utf8``, or a copy of the call's), or, with ``widths`` (a C array of
    n unsigned chars; CPython only), in their own storage, widths[i]
    getting the unit width (0 for UTF-8: a buffer, or with _PY_WORD_UNITS a
    str whose UTF-8 is at hand).
    Raises RuntimeError if another thread changes the length of items.
    """
    n = len(items)
    addrs = ffi.new("uintptr_t[]", n)
    lens = ffi.new("size_t[]", n)
    owned = pins.owned(n) if _ID_IS_ADDRESS else None
    to = ffi.NULL if widths is None else widths
    i = 0
    while i < n:
        if owned is not None:
            i = lib.textops_py_spans(
                ffi.cast("void *", id(items)), n, i, mode, how, addrs, lens, to, owned
            )
            if i == -1:
                break
        if i < 0 or len(items) != n:
            raise RuntimeError("textops: the list of texts changed size during the call")
        item = check(i, items[i])
        if widths is None:
            addrs[i], lens[i] = pins.address(item)
        elif not isinstance(item, str) or (how == _PY_WORD_UNITS and _utf8(item)[1] >= 0):
            addrs[i], lens[i] = pins.address(item)  # UTF-8
            widths[i] = 0
        else:
            addrs[i], lens[i], widths[i] = pins.storage(item)
        i += 1
    return addrs, lens, n


def _int_list(counts: Any, n: int) -> List[int]:
    """The size_t array counts[0, n) as a list of ints."""
    if not _ID_IS_ADDRESS:
        return ffi.unpack(counts, n)
    out = [0] * n
    if lib.textops_py_fill(ffi.cast("void *", id(out)), counts, n) != 0:
        raise MemoryError("textops: out of memory for the counts")
    return out


def batch(
    words: bool,
    texts: List[Any],
    patterns: List[Any],
    sep: Optional[Any],
    mode: int,
    threads: int,
    check_text: Callable[[int, Any], Any],
    check_word: Callable[[int, Any], Any],
) -> List[int]:
    """Per-text ``split(sep).count(pattern)`` (words) or ``count(pattern)``;
    ``patterns`` holds one per text, or one for all.
    Items that are not exact str (or bytes) go through the check functions,
    which raise for bad ones, naming the index. On CPython a str is read in
    its own storage (for words, unless its UTF-8 is at hand).

    With one pattern for all, the short texts are counted while holding
    the GIL, a slice of about a millisecond at a time (``_held``); the
    rest take the path that holds references with the GIL released.

    >>> batch(False, ["banana", "x"], ["an"], None, UNICODE, 0,
    ...       lambda i, t: t, lambda i, w: w)
    [2, 0]
    """
    if _ID_IS_ADDRESS and len(patterns) == 1:
        counts = _held(words, texts, patterns[0], sep, mode, threads, check_text, check_word)
        if counts is not None:
            return counts
    return _released(words, texts, patterns, sep, mode, threads, check_text, check_word)


_PY_CHANGED: int = lib.TEXTOPS_PY_CHANGED
_PY_NO_HELD: int = lib.TEXTOPS_PY_NO_HELD
_SLICE_ITEMS: int = lib.TEXTOPS_PY_SLICE_ITEMS


def _held(
    words: bool,
    texts: List[Any],
    pattern: Any,
    sep: Optional[Any],
    mode: int,
    threads: int,
    check_text: Callable[[int, Any], Any],
    check_word: Callable[[int, Any], Any],
) -> Optional[List[int]]:
    """``batch`` with one pattern: the short exact texts (at most
    TEXTOPS_PY_HELD_MAX bytes) counted by the glue while this thread holds
    the GIL, with no reference taken (textops_py_held), one slice per call:
    each call gives the GIL up at its ends, so other Python threads run and
    Ctrl-C is raised between slices, and each slice reads the list afresh.
    A run of long texts is counted as a batch of its own with the GIL
    released (``_released``), and so is the rest of the list from the
    first item that is not an exact str (or bytes). None when this build
    has no GIL to hold (free-threaded CPython)."""
    n = len(texts)
    p = _pattern(check_word(0, pattern))
    s, sn = _sep(sep)
    if threads <= 0:
        threads = lib.textops_default_threads()
    query = lib.textops_prepare_count(words, p, len(p), s, sn, mode)
    if query == ffi.NULL:
        raise MemoryError("textops: out of memory for the counts")
    try:
        out = ffi.new("size_t[]", min(n, _SLICE_ITEMS))
        results = [0] * n
        run_end = ffi.new("size_t *")
        listed = ffi.cast("void *", id(texts))
        filled = ffi.cast("void *", id(results))
        i = 0
        while i < n:
            j = lib.textops_py_held(listed, n, i, words, mode, query, threads, out, filled, run_end)
            if j > i:
                i = j
                continue
            if j == _PY_NO_HELD:
                return None
            if j == _PY_CHANGED or len(texts) != n:
                raise RuntimeError("textops: the list of texts changed size during the call")
            if j == -1:
                raise MemoryError("textops: out of memory for the counts")
            end = run_end[0] if run_end[0] > i else n
            first = i
            results[i:end] = _released(
                words,
                texts[i:end],
                [pattern],
                sep,
                mode,
                threads,
                lambda k, item: check_text(first + k, item),
                check_word,
            )
            if len(texts) != n:
                raise RuntimeError("textops: the list of texts changed size during the call")
            i = end
    finally:
        lib.textops_prepared_free(query)
    return results


def _released(
    words: bool,
    texts: List[Any],
    patterns: List[Any],
    sep: Optional[Any],
    mode: int,
    threads: int,
    check_text: Callable[[int, Any], Any],
    check_word: Callable[[int, Any], Any],
) -> List[int]:
    """``batch`` with the GIL released: the glue takes a reference to each
    text it reads (textops_py_spans), dropped when the call returns."""
    units = bool(mode & UNICODE) and _ID_IS_ADDRESS
    with _Pins() as pins:
        widths = ffi.new("unsigned char[]", len(texts)) if units else None
        how = (_PY_WORD_UNITS if words else _PY_UNITS) if units else 0
        taddrs, tlens, n = _spans(pins, texts, mode, check_text, widths, how)
        waddrs, wlens, nwords = _spans(pins, patterns, mode, check_word)
        if nwords not in (1, n):
            raise RuntimeError("textops: the list of words changed size during the call")
        out = ffi.new("size_t[]", n)
        tptrs = ffi.cast("const char *const *", taddrs)
        wptrs = ffi.cast("const char *const *", waddrs)
        s, sn = _sep(sep)

        def count(th: int) -> int:
            if words and units:
                return lib.textops_batch_units_word_count(
                    n, tptrs, tlens, widths, nwords, wptrs, wlens, s, sn, mode, th, out
                )
            if units:
                return lib.textops_batch_units_count(
                    n, tptrs, tlens, widths, nwords, wptrs, wlens, th, out
                )
            if words:
                lib.textops_batch_word_count(
                    n, tptrs, tlens, nwords, wptrs, wlens, s, sn, mode, th, out
                )
            else:
                lib.textops_batch_substring_count(
                    n, tptrs, tlens, nwords, wptrs, wlens, mode, th, out
                )
            return 0

        if _call(_total(tlens, n), threads, count) != 0:
            raise MemoryError("textops: out of memory for the counts")
    return _int_list(out, n)


def checked_batch(
    words: bool,
    buffers: List[Any],
    pattern: Any,
    sep: Optional[Any],
    mode: int,
    threads: int,
) -> Tuple[List[int], List[int]]:
    """``batch`` of one word (or substring) over bytes-like ``buffers``
    read with str semantics (their UTF-8), each checked to be valid UTF-8
    in the same pass as it is counted: the counts, and per buffer the
    offset of its first byte strict UTF-8 decoding rejects, or -1 (its
    count is of use only then).

    >>> checked_batch(False, [b"a\\xffa", b"aa"], "a", None, UNICODE, 1)[1]
    [1, -1]
    """
    with _Pins() as pins:
        taddrs, tlens, n = _spans(pins, buffers, BYTES, _accept_any)
        waddrs, wlens, _ = _spans(pins, [pattern], mode, _accept_any)
        out = ffi.new("size_t[]", n)
        bad = ffi.new("size_t[]", n)
        tptrs = ffi.cast("const char *const *", taddrs)
        wptrs = ffi.cast("const char *const *", waddrs)
        s, sn = _sep(sep)

        def count(th: int) -> None:
            if words:
                lib.textops_batch_word_count_utf8(
                    n, tptrs, tlens, 1, wptrs, wlens, s, sn, mode, th, out, bad
                )
            else:
                lib.textops_batch_substring_count_utf8(
                    n, tptrs, tlens, 1, wptrs, wlens, th, out, bad
                )

        _call(_total(tlens, n), threads, count)
        offsets = [-1 if b == size else b for b, size in zip(bad, ffi.unpack(tlens, n))]
    return _int_list(out, n), offsets


def _accept_any(i: int, item: Any) -> Any:
    return item


def _text_address(text: Any) -> int:
    """Address of the bytes an exact str (UTF-8) or bytes is read at, or 0."""
    if type(text) is str:
        return _utf8(text)[0]
    return int(ffi.cast("uintptr_t", ffi.from_buffer(text)))


def _tokens_dict(
    tokens: Any, mode: int, addrs: Any, lens: Any, items: Optional[List[Any]] = None
) -> Dict[Any, int]:
    """The dict {token: count} from a textops_tokens result (then freed).

    A long token that is a whole text is not in ``tokens.data`` (only when
    ``items`` is given): its key is the text itself, as ``t.split()`` gives
    ``[t]``, or a copy of its bytes when another thread changed the list."""
    unicode = (mode & UNICODE) == UNICODE
    try:
        # decoded (or copied) straight from the C buffer, with no bytes copy
        # first: a long token's key is built in one pass
        buffer = ffi.buffer(tokens.data, tokens.nbytes) if tokens.nbytes else b""
        data = str(buffer, "utf-8", "surrogatepass") if unicode else bytes(buffer)
        info = ffi.unpack(tokens.info, 3 * tokens.ntokens)
        whole = None if tokens.whole == ffi.NULL else ffi.unpack(tokens.whole, tokens.ntokens)
    finally:
        _free_tokens(tokens)
    counts = info[2::3]
    sizes = info[1::3] if unicode else info[0::3]
    ends = list(accumulate(sizes))
    keys = list(map(data.__getitem__, map(slice, [0] + ends[:-1], ends)))
    if whole is not None:
        exact = str if unicode else bytes
        for k, text in enumerate(whole):
            if text:
                item = None if items is None else items[text - 1]
                if type(item) is not exact or _text_address(item) != addrs[text - 1]:
                    # another thread may have changed the list, or the
                    # bytes read were a copy of the call's (a non-ASCII str)
                    copy = ffi.unpack(ffi.cast("char *", addrs[text - 1]), lens[text - 1])
                    if unicode:
                        copy = copy.decode("utf-8", "surrogatepass")
                    item = item if type(item) is exact and item == copy else copy
                keys[k] = item
    return dict(zip(keys, counts))


def word_frequencies(
    texts: List[Any],
    sep: Optional[Any],
    mode: int,
    threads: int,
    check_text: Callable[[int, Any], Any],
) -> Dict[Any, int]:
    """``{token: count}`` of ``t.split(sep)`` over all texts (bytes keys for
    bytes-like texts). Items that are not exact str (or bytes) go through
    ``check_text(i, item)``, which raises for bad ones."""
    checked: List[int] = []

    def check(i: int, item: Any) -> Any:
        checked.append(i)
        return check_text(i, item)

    with _Pins() as pins:
        addrs, lens, n = _spans(pins, texts, mode, check)
        # a whole text may be its own token's key when every text is an
        # exact str (or bytes): immutable, read without a Python copy
        return _frequencies(addrs, lens, n, sep, mode, threads, None if checked else texts)


def word_frequency_arrays(
    texts: List[Any],
    sep: Optional[Any],
    mode: int,
    threads: int,
    check_text: Callable[[int, Any], Any],
) -> Tuple[Any, Any, Any]:
    """The result of ``word_frequencies`` as three NumPy arrays, with no
    Python object per token: the distinct tokens end to end (uint8; UTF-8
    for str texts), their byte sizes and their counts (int64), in
    first-occurrence order.

    >>> data, sizes, counts = word_frequency_arrays(["b a b"], None, UNICODE, 1, _accept_any)
    >>> bytes(data), sizes.tolist(), counts.tolist()
    (b'ba', [1, 1], [2, 1])
    """
    with _Pins() as pins:
        addrs, lens, n = _spans(pins, texts, mode, check_text)
        return _tokens_arrays(_frequency_tokens(addrs, lens, n, sep, mode, threads, False))


def _frequencies(
    addrs: Any,
    lens: Any,
    ntexts: int,
    sep: Optional[Any],
    mode: int,
    threads: int,
    items: Optional[List[Any]] = None,
) -> Dict[Any, int]:
    """``{token: count}`` over the texts at C arrays ``addrs``, ``lens``
    (the exact str or bytes ``items``, when given: a long token that is a
    whole text is then not copied, and the text is its key)."""
    # a lowered token is never the text itself
    keep_whole = items is not None and not (mode & LOWER)
    tokens = _frequency_tokens(addrs, lens, ntexts, sep, mode, threads, keep_whole)
    return _tokens_dict(tokens, mode, addrs, lens, items)


def _frequency_tokens(
    addrs: Any,
    lens: Any,
    ntexts: int,
    sep: Optional[Any],
    mode: int,
    threads: int,
    keep_whole: bool,
) -> Any:
    """The core's ``textops_tokens`` of the texts at C arrays ``addrs``,
    ``lens`` (for the caller to free)."""
    out = ffi.new("textops_tokens *")
    out.keep_whole = keep_whole
    s, sn = _sep(sep)
    try:
        rc = _call(
            _total(lens, ntexts),
            threads,
            lambda th: lib.textops_word_frequencies(
                ntexts, ffi.cast("const char *const *", addrs), lens, s, sn, mode, th, out
            ),
        )
    except BaseException:  # KeyboardInterrupt: the call may have allocated
        _free_tokens(out)
        raise
    if rc != 0:
        raise MemoryError("textops: out of memory for the word frequencies")
    return out


def _free_tokens(tokens: Any) -> None:
    lib.textops_free(tokens.data)
    lib.textops_free(tokens.info)
    lib.textops_free(tokens.whole)


def _tokens_arrays(tokens: Any) -> Tuple[Any, Any, Any]:
    """(data, sizes, counts) of a ``textops_tokens`` laid out with no whole
    text left out (then freed)."""
    np = _np()
    try:
        n = tokens.ntokens
        data = np.frombuffer(ffi.buffer(tokens.data, tokens.nbytes), dtype=np.uint8).copy()
        info = np.frombuffer(ffi.buffer(tokens.info, 3 * n * ffi.sizeof("size_t")), dtype=np.uintp)
        sizes = info[0::3].astype(np.int64)
        counts = info[2::3].astype(np.int64)
    finally:
        _free_tokens(tokens)
    return data, sizes, counts


def _word_counts(
    count: Any,
    addrs: Any,
    lens: Any,
    ntexts: int,
    words: List[Any],
    sep: Optional[Any],
    mode: int,
    threads: int,
    out: Any,
    widths: Any = None,
) -> None:
    """``t.split(sep).count(w)`` for the texts at C arrays ``addrs`` and
    ``lens`` (with ``widths``, a C array from ``_spans``: some in a str's
    own storage) and every word, into the size_t array ``out`` by
    ``count``: lib.textops_word_counts (one row of sums) or
    lib.textops_term_matrix (``ntexts`` rows of ``len(words)``)."""
    patterns = [_pattern(w) for w in words]
    wptrs = ffi.new("char *[]", [ffi.from_buffer(p) for p in patterns])
    wlens = ffi.new("size_t[]", [len(p) for p in patterns])
    s, sn = _sep(sep)
    rc = _call(
        _total(lens, ntexts),
        threads,
        lambda th: count(
            ntexts,
            ffi.cast("const char *const *", addrs),
            lens,
            ffi.NULL if widths is None else widths,
            len(patterns),
            ffi.cast("const char *const *", wptrs),
            wlens,
            s,
            sn,
            mode,
            th,
            out,
        ),
    )
    if rc != 0:
        raise MemoryError("textops: out of memory for the word counts")


def word_counts(
    texts: List[Any],
    words: List[Any],
    sep: Optional[Any],
    mode: int,
    threads: int,
    check_text: Callable[[int, Any], Any],
) -> List[int]:
    """``[sum(t.split(sep).count(w) for t in texts) for w in words]``.

    On CPython a str is read in its own storage (unless its UTF-8 is at
    hand, or the rule lowers the text before splitting it on sep).
    """
    out = ffi.new("size_t[]", max(len(words), 1))
    units = _ID_IS_ADDRESS and bool(mode & UNICODE) and not (sep is not None and mode & LOWER)
    with _Pins() as pins:
        widths = ffi.new("unsigned char[]", len(texts)) if units else None
        how = _PY_WORD_UNITS if units else 0
        addrs, lens, n = _spans(pins, texts, mode, check_text, widths, how)
        _word_counts(
            lib.textops_word_counts, addrs, lens, n, words, sep, mode, threads, out, widths
        )
    return ffi.unpack(out, len(words))


# --- packed corpora: one buffer of documents end to end plus offsets -------
# Arrays are NumPy arrays (imported here only when a corpus is used); the
# offsets are size_t (np.uintp), ndocs + 1 of them.


def _np() -> Any:
    import numpy

    return numpy


def pack(texts: List[Any], mode: int, check_text: Callable[[int, Any], Any]) -> Tuple[Any, Any]:
    """The texts end to end in one uint8 array, and their offsets."""
    np = _np()
    with _Pins() as pins:
        addrs, lens, n = _spans(pins, texts, mode, check_text)
        sizes = np.frombuffer(ffi.buffer(lens, n * ffi.sizeof("size_t")), dtype=np.uintp)
        offsets = np.zeros(n + 1, dtype=np.uintp)
        np.cumsum(sizes, out=offsets[1:])
        buf = np.empty(int(offsets[-1]), dtype=np.uint8)
        lib.textops_gather(
            n, ffi.cast("const char *const *", addrs), lens, ffi.cast("char *", pins._buffer(buf))
        )
    return buf, offsets


def _doc_spans(pins: _Pins, buf: Any, offsets: Any) -> Tuple[Any, Any, int]:
    """C arrays of the documents' addresses and lengths, and their number."""
    np = _np()
    base = int(ffi.cast("uintptr_t", pins._buffer(buf))) if len(buf) else 0
    addrs = offsets[:-1] + np.uintp(base)
    lens = np.diff(offsets)
    return (
        ffi.cast("uintptr_t *", pins._buffer(addrs)),
        ffi.cast("size_t *", pins._buffer(lens)),
        len(offsets) - 1,
    )


def corpus_count(
    buf: Any, offsets: Any, word: Any, sep: Optional[Any], words: bool, mode: int, threads: int
) -> Any:
    """Per document ``split(sep).count(word)`` (words) or ``count(word)``,
    as an int64 array."""
    np = _np()
    ndocs = len(offsets) - 1
    out = np.empty(ndocs, dtype=np.uintp)
    w = _pattern(word)
    s, sn = _sep(sep)
    with _Pins() as pins:
        b, o = pins._buffer(buf), pins._buffer(offsets)
        o_ptr = ffi.cast("const size_t *", o)
        out_ptr = ffi.cast("size_t *", pins._buffer(out))
        if words:
            _call(
                len(buf),
                threads,
                lambda th: lib.textops_corpus_word_count(
                    ndocs, b, o_ptr, w, len(w), s, sn, mode, th, out_ptr
                ),
            )
        else:
            _call(
                len(buf),
                threads,
                lambda th: lib.textops_corpus_substring_count(
                    ndocs, b, o_ptr, w, len(w), mode, th, out_ptr
                ),
            )
    return out.view(np.int64)


def corpus_line_word_counts(
    buf: Any, offsets: Any, word: Any, sep: Optional[Any], mode: int, threads: int
) -> List[Any]:
    """Per document, an int64 array of its per-line counts."""
    np = _np()
    ndocs = len(offsets) - 1
    nlines = np.empty(ndocs, dtype=np.uintp)
    counts = ffi.new("size_t **")
    w = _pattern(word)
    s, sn = _sep(sep)
    with _Pins() as pins:
        b, o = pins._buffer(buf), pins._buffer(offsets)
        o_ptr = ffi.cast("const size_t *", o)
        n_ptr = ffi.cast("size_t *", pins._buffer(nlines))
        try:
            rc = _call(
                len(buf),
                threads,
                lambda th: lib.textops_corpus_line_word_counts(
                    ndocs, b, o_ptr, w, len(w), s, sn, mode, th, counts, n_ptr
                ),
            )
        except BaseException:  # KeyboardInterrupt: it may have allocated
            lib.textops_free(counts[0])
            raise
    if rc != 0:
        raise MemoryError("textops: out of memory for the per-line counts")
    try:
        total = int(nlines.sum())
        flat = (
            np.frombuffer(ffi.buffer(counts[0], total * ffi.sizeof("size_t")), dtype=np.uintp)
            .copy()
            .view(np.int64)
        )
    finally:
        lib.textops_free(counts[0])
    if ndocs == 0:
        return []
    return np.split(flat, np.cumsum(nlines)[:-1].astype(np.intp))


def corpus_term_matrix(
    buf: Any, offsets: Any, words: List[Any], sep: Optional[Any], mode: int, threads: int
) -> Any:
    """The documents x words int64 matrix of ``doc.split(sep).count(w)``."""
    np = _np()
    out = np.zeros((len(offsets) - 1, len(words)), dtype=np.uintp)
    with _Pins() as pins:
        addrs, lens, ndocs = _doc_spans(pins, buf, offsets)
        if ndocs and words:
            _word_counts(
                lib.textops_term_matrix,
                addrs,
                lens,
                ndocs,
                words,
                sep,
                mode,
                threads,
                ffi.cast("size_t *", pins._buffer(out)),
            )
    return out.view(np.int64)


def corpus_frequencies(
    buf: Any, offsets: Any, sep: Optional[Any], mode: int, threads: int
) -> Dict[Any, int]:
    """``{token: count}`` over every document of the corpus."""
    with _Pins() as pins:
        addrs, lens, ndocs = _doc_spans(pins, buf, offsets)
        return _frequencies(addrs, lens, ndocs, sep, mode, threads)


def utf8_check(data: Any, threads: int) -> int:
    """The offset of the first byte of ``data`` (bytes-like) that strict
    UTF-8 decoding rejects, or -1 when it is all valid."""

    def check(t: Any, n: int) -> int:
        bad = _call(n, threads, lambda th: lib.textops_utf8_check(t, n, th))
        return -1 if bad == n else bad

    return _on_text(data, check)


def guard_mapping(mapped: Any) -> Callable[[], bool]:
    """Guard the bytes of the mmap ``mapped`` against its file shrinking
    (``csrc/mapguard.c``): until the returned function is called, a read
    past the file's new end reads zeros instead of killing the process with
    SIGBUS. The function ends the guard and returns True if such a read
    happened (what was read is then not the file's content). Call it before
    the mapping is closed.

    >>> import mmap
    >>> m = mmap.mmap(-1, 4096)
    >>> guard_mapping(m)()
    False
    """
    cdata = ffi.from_buffer(mapped)
    try:
        slot = lib.textops_guard_begin(cdata, len(cdata))
    finally:
        # also on Ctrl-C here: the traceback keeps this frame, and an
        # unreleased export would make closing the mapping raise BufferError
        ffi.release(cdata)
    return lambda: bool(lib.textops_guard_end(slot))


# --- document-term matrices (csrc/matrix.c) --------------------------------


def _owned_array(pointer: Any, n: int, dtype: Any) -> Any:
    """The C array ``pointer[0, n)`` (malloc'd by the core) as a NumPy array
    that frees it with textops_free when it is dropped: no copy."""
    np = _np()
    if n == 0:
        lib.textops_free(pointer)
        return np.zeros(0, dtype=dtype)
    owner = ffi.gc(pointer, lib.textops_free)
    return np.frombuffer(ffi.buffer(owner, n * np.dtype(dtype).itemsize), dtype=dtype)


def _word_arrays(words: List[bytes]) -> Tuple[Any, Any, List[Any]]:
    """C arrays (pointers, lengths) of byte strings, and what keeps them."""
    keep = [ffi.from_buffer(w) for w in words]
    return ffi.new("char *[]", keep or 1), ffi.new("size_t[]", [len(w) for w in words] or 1), keep


def _matrix_arrays(out: Any, ntexts: int) -> Tuple[Any, Any, Any]:
    """indptr (uintp), indices (int32) and counts (int64) of a result."""
    np = _np()
    indptr = _owned_array(out.indptr, ntexts + 1, np.uintp)
    indices = _owned_array(ffi.cast("int32_t *", out.indices), out.nnz, np.int32)
    counts = _owned_array(out.counts, out.nnz, np.int64)
    return indptr, indices, counts


def _free_matrix(out: Any) -> None:
    for p in (out.terms, out.term_info, out.indptr, out.indices, out.counts):
        lib.textops_free(p)


class MatrixTerms:
    """The terms of a document-term matrix in column order, kept as the
    core laid them out (UTF-8, or bytes) until they are asked for: as
    ``{term: column}`` (``as_dict``), a list (``as_list``), or the words of
    a fixed vocabulary for ``count_matrix`` (column c: term c).

    >>> terms = count_matrix(["b a"], [], (1, 1), None, UNICODE | WORD_CHARS, 1, None)[0]
    >>> len(terms), terms.as_dict(), terms.select([False, True]).as_list()
    (2, {'a': 0, 'b': 1}, ['b'])
    """

    __slots__ = ("_data", "_info", "_starts", "_mode")

    def __init__(self, data: Any, info: Any, starts: Any, mode: int) -> None:
        self._data = data  # uint8 array: the terms' bytes
        self._info = info  # uintp array: (bytes, characters) of each term
        self._starts = starts  # uintp array: where each term begins, or None
        self._mode = mode  # UNICODE: str terms; else bytes

    @classmethod
    def take(cls, out: Any, mode: int) -> MatrixTerms:
        """The terms of a textops_matrix, which they now own (freed with
        the last array that holds them)."""
        np = _np()
        data = _owned_array(ffi.cast("uint8_t *", out.terms), out.nbytes, np.uint8)
        out.terms = ffi.NULL
        info = _owned_array(out.term_info, 2 * out.nterms, np.uintp)
        out.term_info = ffi.NULL
        return cls(data, info, None, mode)

    def __len__(self) -> int:
        return len(self._info) // 2

    def __iter__(self) -> Any:
        return iter(self.as_list())

    def starts(self) -> Any:
        """Where each term begins in the bytes (a uintp array)."""
        if self._starts is None:
            np = _np()
            starts = np.zeros(len(self), dtype=np.uintp)
            np.cumsum(self._info[0:-2:2], out=starts[1:])
            self._starts = starts
        return self._starts

    def select(self, keep: Any) -> MatrixTerms:
        """The terms where the booleans ``keep`` are true, in their order."""
        np = _np()
        keep = np.asarray(keep, dtype=bool)
        info = self._info.reshape(-1, 2)[keep].reshape(-1)
        return MatrixTerms(self._data, info, self.starts()[keep], self._mode)

    def _fill(self, target: List[Any], as_list: bool) -> Any:
        """``target`` filled (textops_py_terms): a list of len(self) items
        made the terms, or a list of one item made ``{term: column}``."""
        n = len(self)
        if n == 0:
            return target
        if _ID_IS_ADDRESS:
            starts = ffi.NULL if self._starts is None else ffi.from_buffer(self._starts)
            if lib.textops_py_terms(
                ffi.cast("void *", id(target)),
                int(as_list),
                ffi.from_buffer(self._data),
                ffi.cast("size_t *", ffi.from_buffer(self._info)),
                ffi.cast("size_t *", starts),
                n,
                self._mode,
            ):
                raise MemoryError(
                    "textops: the vocabulary was not built: out of memory, or a"
                    " mapped file changed during the call"
                )
            return target
        data = self._data.tobytes()
        spans = zip(self.starts().tolist(), self._info[0::2].tolist())
        terms = [data[a : a + b] for a, b in spans]
        if self._mode == UNICODE:
            terms = [t.decode("utf-8", "surrogatepass") for t in terms]
        if as_list:
            return terms
        target[0] = dict(zip(terms, range(n)))
        return target

    def as_dict(self) -> Dict[Any, int]:
        """``{term: column}``, in column order."""
        box: List[Any] = [{}]
        return self._fill(box, False)[0]

    def as_list(self) -> List[Any]:
        """The terms, in column order."""
        return self._fill([None] * len(self), True)

    def words(self) -> Tuple[Any, Any, Any, int, List[Any]]:
        """C arrays of the terms as a fixed vocabulary (pointers, lengths,
        columns 0 to n - 1), their number, and what keeps them."""
        np = _np()
        n = len(self)
        base = int(ffi.cast("uintptr_t", ffi.from_buffer(self._data))) if n else 0
        addrs = self.starts() + np.uintp(base)
        lens = np.ascontiguousarray(self._info[0::2])
        columns = np.arange(n, dtype=np.uintp)
        keep = [addrs, lens, columns, self._data]
        if n == 0:
            return ffi.new("char *[]", 1), ffi.new("size_t[]", 1), ffi.new("size_t[]", 1), 0, keep
        return (
            ffi.cast("char **", ffi.from_buffer(addrs)),
            ffi.cast("size_t *", ffi.from_buffer(lens)),
            ffi.cast("size_t *", ffi.from_buffer(columns)),
            n,
            keep,
        )


def count_matrix(
    texts: List[Any],
    stop_words: List[bytes],
    ngram: Tuple[int, int],
    vocabulary: Optional[Tuple[List[bytes], List[int]] | MatrixTerms],
    mode: int,
    threads: int,
    check_text: Callable[[int, Any], Any],
) -> Tuple[Optional[MatrixTerms], Any, Any, Any]:
    """The document-term matrix of the texts: (its terms in column order,
    or None with a fixed ``vocabulary``: (terms, columns), or the terms of
    an earlier matrix), indptr, indices, counts as NumPy arrays (uintp,
    int32, int64). ``stop_words`` are UTF-8 (or bytes), ``mode`` carries
    the token rule."""
    out = ffi.new("textops_matrix *")
    swords, slens, keep = _word_arrays(stop_words)
    with _Pins() as pins:
        addrs, lens, n = _spans(pins, texts, mode & UNICODE, check_text)
        tptrs = ffi.cast("const char *const *", addrs)
        try:
            if vocabulary is None:
                rc = _call(
                    _total(lens, n),
                    threads,
                    lambda th: lib.textops_count_matrix(
                        n,
                        tptrs,
                        lens,
                        len(stop_words),
                        swords,
                        slens,
                        ngram[0],
                        ngram[1],
                        mode,
                        th,
                        out,
                    ),
                )
            else:
                if isinstance(vocabulary, MatrixTerms):
                    vwords, vlens, columns, nwords, vkeep = vocabulary.words()
                else:
                    vwords, vlens, vkeep = _word_arrays(vocabulary[0])
                    columns = ffi.new("size_t[]", vocabulary[1] or [0])
                    nwords = len(vocabulary[0])
                rc = _call(
                    _total(lens, n),
                    threads,
                    lambda th: lib.textops_vocab_matrix(
                        n,
                        tptrs,
                        lens,
                        len(stop_words),
                        swords,
                        slens,
                        nwords,
                        vwords,
                        vlens,
                        columns,
                        ngram[0],
                        ngram[1],
                        mode,
                        th,
                        out,
                    ),
                )
        except BaseException:  # KeyboardInterrupt: the call may have allocated
            _free_matrix(out)
            raise
    del keep
    if rc != 0:
        raise MemoryError("textops: out of memory for the document-term matrix")
    terms: Optional[MatrixTerms] = None
    try:
        if vocabulary is None:
            terms = MatrixTerms.take(out, mode & UNICODE)
    finally:
        lib.textops_free(out.terms)
        lib.textops_free(out.term_info)
    return (terms, *_matrix_arrays(out, n))
