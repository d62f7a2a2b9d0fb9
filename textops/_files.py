"""Counting in files without loading them as Python strings.

Each file is memory-mapped and counted in place by the C core, on every
core, within a file and across files; nothing of it becomes a Python object,
so memory stays flat whatever the size (the mapped pages are the kernel's
page cache, reclaimed as needed). With the default ``encoding="utf-8"`` a
file has ``str`` semantics (Unicode whitespace and line breaks), exactly as
if it were read with ``Path(path).read_bytes().decode("utf-8")`` (no
newline translation); it is checked
to be valid UTF-8 first, in C, and an invalid file raises UnicodeDecodeError
naming the file and the byte offset. ``encoding=None`` gives bytes
semantics, as ``Path(path).read_bytes()``. Another encoding decodes the file
in Python (memory: the decoded text).

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
>>> _ = open(path, "w").write("the cat\\nthe hat")
>>> file_word_count(path, "the")
2
>>> file_line_word_counts([path], "the")
[[1, 1]]
"""
from __future__ import annotations

import codecs
import mmap
import os
from collections import Counter
from contextlib import ExitStack
from typing import Any, Callable, Iterable, List, Optional, Tuple, Union

from . import _core
from ._api import Text, _as_sub, _check_like, _check_sep
from ._errors import TextopsTypeError, TextopsValueError
from ._threads import resolve

PathLike = Union[str, bytes, "os.PathLike[Any]"]

# Files are handled in groups (each group one parallel C call): mapped
# together, then closed before the next group, so that any number of files
# needs a bounded number of open mappings, and progress moves per group.
GROUP_FILES = 64
GROUP_BYTES = 256 << 20


def _paths(paths: Any) -> Tuple[List[PathLike], bool]:
    """The paths as a list, and whether a single path was given."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        return [paths], True
    try:
        return list(paths), False
    except TypeError:
        raise TextopsTypeError(
            f"paths must be a path or an iterable of paths, not {type(paths).__name__}"
        ) from None


def _mode(encoding: Optional[str]) -> Tuple[int, Optional[str]]:
    """The text mode and the codec name (None: raw bytes)."""
    if encoding is None:
        return _core.BYTES, None
    if not isinstance(encoding, str):
        raise TextopsTypeError(f"encoding must be a str or None, not {type(encoding).__name__}")
    try:
        return _core.UNICODE, codecs.lookup(encoding).name
    except LookupError:
        raise TextopsValueError(f"{encoding!r} is not a known encoding") from None


def _open(path: PathLike, codec: Optional[str], threads: int, stack: ExitStack) -> Any:
    """The file's content as a buffer to count in (its mapping, usually).

    Raises the OSError of open() (it names the path) or a UnicodeDecodeError
    naming the path and the byte offset.
    """
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:  # empty, or a file such as /proc's that mmap cannot map
            data: Any = f.read()
        else:
            data = stack.enter_context(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
            if hasattr(data, "madvise") and hasattr(mmap, "MADV_SEQUENTIAL"):
                data.madvise(mmap.MADV_SEQUENTIAL)
    if codec is None:
        return data
    if codec != "utf-8":
        try:
            return bytes(data).decode(codec)
        except UnicodeDecodeError as exc:
            _raise_decode_error(path, exc.encoding, bytes(data[exc.start:exc.start + 4]), exc.start)
    bad = _core.utf8_check(data, threads)
    if bad >= 0:
        _raise_decode_error(path, "utf-8", bytes(data[bad:bad + 4]), bad)
    return data


def _raise_decode_error(path: PathLike, encoding: str, window: bytes, offset: int) -> None:
    """Raise UnicodeDecodeError for the bytes at ``offset`` of the file."""
    try:
        window.decode(encoding)
        reason, end = "invalid data", 1
    except UnicodeDecodeError as exc:
        reason, end = exc.reason, exc.end
    raise UnicodeDecodeError(
        encoding, window, 0, end,
        f"{reason} at byte offset {offset} of file {os.fsdecode(path)!r}",
    ) from None


def _groups(paths: List[PathLike], progress: bool) -> List[List[int]]:
    """Indices of the paths, in groups of at most GROUP_FILES files and
    about GROUP_BYTES bytes (smaller with a progress bar)."""
    max_files = 8 if progress else GROUP_FILES
    max_bytes = GROUP_BYTES // 4 if progress else GROUP_BYTES
    groups: List[List[int]] = [[]]
    size = 0
    for i, path in enumerate(paths):
        try:
            nbytes = os.stat(path).st_size
        except OSError:
            nbytes = 0  # the error is raised when the file is opened
        if groups[-1] and (len(groups[-1]) >= max_files or size + nbytes > max_bytes):
            groups.append([])
            size = 0
        groups[-1].append(i)
        size += nbytes
    return groups if groups[0] else []


def _progress_bar(paths: List[PathLike], enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("progress=True needs tqdm: pip install 'textops[progress]'") from None
    return tqdm(total=len(paths), unit="file", desc="textops")


def _run(paths: Any, encoding: Optional[str], threads: Optional[int], progress: bool,
         count: Callable[[List[Any], int, int], List[Any]]) -> Tuple[List[Any], bool]:
    """Open the files group by group and call ``count(buffers, mode,
    nthreads)`` on each group; the results in order, and whether a single
    path was given."""
    items, single = _paths(paths)
    mode, codec = _mode(encoding)
    nthreads = resolve(threads)
    bar = _progress_bar(items, progress)
    results: List[Any] = []
    try:
        for group in _groups(items, progress):
            with ExitStack() as stack:
                buffers = [_open(items[i], codec, nthreads, stack) for i in group]
                results.extend(count(buffers, mode, nthreads))
            if bar is not None:
                bar.update(len(group))
    finally:
        if bar is not None:
            bar.close()
    return results, single


def _accept(i: int, item: Any) -> Any:
    return item


def _check_word(word: Any, encoding: Optional[str], name: str = "word") -> None:
    mode, _ = _mode(encoding)
    _check_like(word, name, mode, "the files (str for an encoding, bytes for encoding=None)")


def file_word_count(paths: Union[PathLike, Iterable[PathLike]], word: Text, *,
                    sep: Optional[Text] = None, encoding: Optional[str] = "utf-8",
                    threads: Optional[int] = None, progress: bool = False) -> Union[int, List[int]]:
    """``text.split(sep).count(word)`` for the text of a path (``text =
    Path(p).read_bytes().decode(encoding)``), or the list of them for an
    iterable of paths. ``encoding=None``
    reads bytes (then ``word`` and ``sep`` are bytes).

    >>> file_word_count([], "the")
    []
    """
    mode, _ = _mode(encoding)
    _check_word(word, encoding)
    _check_sep(sep, mode, "the files")

    def count(buffers: List[Any], mode: int, nthreads: int) -> List[int]:
        return _core.batch("words", buffers, [word], sep, mode, nthreads, _accept, _accept)

    results, single = _run(paths, encoding, threads, progress, count)
    return results[0] if single else results


def file_substring_count(paths: Union[PathLike, Iterable[PathLike]], sub: Union[Text, int], *,
                         encoding: Optional[str] = "utf-8", threads: Optional[int] = None,
                         progress: bool = False) -> Union[int, List[int]]:
    """``text.count(sub)`` for the text of each file.

    >>> file_substring_count([], "the")
    []
    """
    mode, _ = _mode(encoding)
    sub = _as_sub(sub, "sub", mode, "the files")

    def count(buffers: List[Any], mode: int, nthreads: int) -> List[int]:
        return _core.batch("substrings", buffers, [sub], None, mode, nthreads, _accept, _accept)

    results, single = _run(paths, encoding, threads, progress, count)
    return results[0] if single else results


def file_line_word_counts(paths: Union[PathLike, Iterable[PathLike]], word: Text, *,
                          sep: Optional[Text] = None, encoding: Optional[str] = "utf-8",
                          threads: Optional[int] = None,
                          progress: bool = False) -> Union[List[int], List[List[int]]]:
    """``[ln.split(sep).count(word) for ln in text.splitlines()]`` for the
    text of each file.

    >>> file_line_word_counts([], "the")
    []
    """
    mode, _ = _mode(encoding)
    _check_word(word, encoding)
    _check_sep(sep, mode, "the files")

    def count(buffers: List[Any], mode: int, nthreads: int) -> List[List[int]]:
        return [_core.line_word_counts(b, word, sep, mode, nthreads) for b in buffers]

    results, single = _run(paths, encoding, threads, progress, count)
    return results[0] if single else results


def file_word_frequencies(paths: Union[PathLike, Iterable[PathLike]], *,
                          sep: Optional[Text] = None, encoding: Optional[str] = "utf-8",
                          threads: Optional[int] = None, progress: bool = False) -> Counter:
    """``Counter(text.split(sep))`` summed over the texts of the files.

    >>> file_word_frequencies([])
    Counter()
    """
    mode, _ = _mode(encoding)
    _check_sep(sep, mode, "the files")
    total: Counter = Counter()

    def count(buffers: List[Any], mode: int, nthreads: int) -> List[Any]:
        # a str buffer (another encoding, decoded) is counted as a str
        total.update(_core.word_frequencies(buffers, sep, mode, nthreads, _accept))
        return []

    _run(paths, encoding, threads, progress, count)
    return total
