"""Counting in files without loading them as Python strings.

Each file is memory-mapped and counted in place by the C core, on every
core, within a file and across files; nothing of it becomes a Python object,
so memory stays flat whatever the size (the mapped pages are the kernel's
page cache, reclaimed as needed). A file that cannot be mapped (empty, a
/proc or /sys file, a pipe, a device) is read instead. With the default
``encoding="utf-8"`` a file has ``str`` semantics (Unicode whitespace and
line breaks), exactly as if it were read with
``Path(path).read_bytes().decode("utf-8")`` (no newline translation); it is
checked to be valid UTF-8 in C (by ``file_word_count`` and
``file_substring_count`` in the same pass as it is counted, each block
checked then counted while it is in cache; by the others first), and an
invalid file raises the
UnicodeDecodeError that expression raises (``start`` and ``end`` are file
offsets), its reason naming the byte offset and the file, its ``object``
the file's bytes up to ``end``. ``encoding=None`` gives bytes semantics, as
``Path(path).read_bytes()``. Another encoding decodes the file in Python
(memory: the decoded text). ``Corpus.from_files`` reads files the same way
(``load``). Every OSError names the path.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
>>> _ = open(path, "w").write("the cat\\nthe hat")
>>> file_word_count(path, "the")
2
>>> file_line_word_counts([path], "the")
[[1, 1]]
"""

from __future__ import annotations

import errno
import mmap
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from typing import Any

from . import _core
from ._threads import resolve
from ._validate import (
    PathLike,
    Text,
    TokenPattern,
    as_sub,
    check_encoding,
    check_like,
    check_sep,
    token_rule,
)
from ._validate import paths as check_paths

# Files are handled in groups (each group one parallel C call): mapped
# together, then closed before the next group, so that any number of files
# needs a bounded number of open mappings, and progress moves per group.
GROUP_FILES = 64
GROUP_BYTES = 256 << 20


# mmap's errors for a file the kernel does not let be mapped, whatever memory
# there is: such a file is read instead.
_CANNOT_MAP = {
    errno.ENODEV,
    errno.EINVAL,
    errno.EACCES,
    getattr(errno, "ENOTSUP", errno.EINVAL),
    getattr(errno, "EOPNOTSUPP", errno.EINVAL),
}


def _open(path: PathLike, stack: ExitStack) -> Any:
    """The file's bytes as a buffer to count in: its read-only mapping
    (closed by ``stack``), or the bytes read from it when it is empty or
    cannot be mapped (/proc and /sys files, pipes, devices).

    Every OSError names the path.
    """
    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
                return f.read()
            try:
                data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except OSError as exc:
                if exc.errno not in _CANNOT_MAP:  # ENOMEM...: reading would not help
                    raise
                return f.read()  # e.g. ENODEV: a /sys file of size 4096
            stack.enter_context(data)
            # runs before the mapping closes (an ExitStack unwinds in reverse)
            stack.callback(_unguard, path, _core.guard_mapping(data))
            if hasattr(data, "madvise") and hasattr(mmap, "MADV_SEQUENTIAL"):
                data.madvise(mmap.MADV_SEQUENTIAL)
            return data
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise type(exc)(exc.errno or errno.EIO, exc.strerror or str(exc), path) from exc


def load(
    path: PathLike, codec: str | None, threads: int, stack: ExitStack, check: bool = True
) -> Any:
    """The file as a text to count in: its bytes (codec None, or UTF-8
    checked valid in C, unless ``check`` is false: the caller checks it as
    it counts, see ``run``) or, for another codec, the decoded ``str``.

    Raises the OSError of reading (naming the path) or a UnicodeDecodeError
    as ``Path(path).read_bytes().decode(codec)`` raises it (``start`` and
    ``end`` are offsets in the file), whose reason names the path and the
    byte offset, and whose ``object`` is the file's bytes up to ``end``
    (not the whole file, which may be gigabytes).
    """
    data = _open(path, stack)
    if codec is None:
        return data
    if codec != "utf-8":
        try:
            return bytes(data).decode(codec)
        except UnicodeDecodeError as exc:
            _raise_decode_error(path, data, exc.encoding, exc.start, exc.end, exc.reason)
    if check:
        _raise_if_bad(path, data, _core.utf8_check(data, threads))
    return data


def _raise_if_bad(path: PathLike, data: Any, bad: int) -> None:
    """Raise the UnicodeDecodeError of UTF-8 ``data`` (the file's bytes)
    whose first invalid byte is at ``bad``; nothing when ``bad`` is -1."""
    if bad >= 0:
        try:  # the error's extent and reason: a UTF-8 sequence has <= 4 bytes
            bytes(data[bad : bad + 4]).decode("utf-8")
            reason, end = "invalid data", 1
        except UnicodeDecodeError as exc:
            reason, end = exc.reason, exc.end
        _raise_decode_error(path, data, "utf-8", bad, bad + end, reason)


def _unguard(path: PathLike, end_guard: Callable[[], bool]) -> None:
    """End the guard of a file's mapping; raise OSError naming the file if
    it shrank while it was read (the counts are then not of its content)."""
    if end_guard():
        raise OSError(errno.EIO, "the file changed size while being read", os.fsdecode(path))


def _raise_decode_error(
    path: PathLike, data: Any, encoding: str, start: int, end: int, reason: str
) -> None:
    """Raise UnicodeDecodeError for bytes [start, end) of the file."""
    raise UnicodeDecodeError(
        encoding,
        bytes(data[:end]),
        start,
        end,
        f"{reason} at byte offset {start} of file {os.fsdecode(path)!r}",
    ) from None


def _groups(paths: list[PathLike], progress: bool) -> list[list[int]]:
    """Indices of the paths, in groups of at most GROUP_FILES files and
    about GROUP_BYTES bytes (smaller with a progress bar)."""
    max_files = 8 if progress else GROUP_FILES
    max_bytes = GROUP_BYTES // 4 if progress else GROUP_BYTES
    groups: list[list[int]] = [[]]
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


def _progress_bar(paths: list[PathLike], enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("progress=True needs tqdm: pip install 'textops[progress]'") from None
    return tqdm(total=len(paths), unit="file", desc="textops")


def run(
    paths: Any,
    encoding: str | None,
    threads: int | None,
    progress: bool,
    count: Callable[[list[Any], int, int], list[Any]],
    checked: Callable[[list[Any], int], tuple[list[Any], list[int]]] | None = None,
) -> tuple[list[Any], bool]:
    """Open the files group by group and call ``count(texts, mode,
    nthreads)`` on each group; the results in order, and whether a single
    path was given. With ``encoding="utf-8"`` and ``checked``, a group is
    counted by ``checked(texts, nthreads)`` instead, which checks the UTF-8
    in the same pass and gives the counts and each file's first invalid
    offset (or -1): the first invalid file of the group raises."""
    items, single = check_paths(paths)
    mode, codec = check_encoding(encoding)
    nthreads = resolve(threads)
    bar = _progress_bar(items, progress)
    results: list[Any] = []
    try:
        for group in _groups(items, progress):
            with ExitStack() as stack:
                fused = checked if codec == "utf-8" else None
                buffers = [load(items[i], codec, nthreads, stack, fused is None) for i in group]
                if fused is not None:
                    counts, bad = fused(buffers, nthreads)
                    for i, data, offset in zip(group, buffers, bad):
                        _raise_if_bad(items[i], data, offset)
                    results.extend(counts)
                else:
                    results.extend(count(buffers, mode, nthreads))
            if bar is not None:
                bar.update(len(group))
    finally:
        if bar is not None:
            bar.close()
    return results, single


def _accept(i: int, item: Any) -> Any:
    return item


_FILES = "the files (str for an encoding, bytes for encoding=None)"


def _check_word(word: Any, encoding: str | None, name: str = "word") -> None:
    mode, _ = check_encoding(encoding)
    check_like(word, name, mode, _FILES)


def _rule(encoding: str | None, sep: Any, pattern: TokenPattern | None, lowercase: bool) -> int:
    """The token rule bits of a word query on the files (their kind: bytes
    for encoding=None, else str), after checking sep."""
    mode, _ = check_encoding(encoding)
    check_sep(sep, mode, "the files")
    return token_rule(pattern, lowercase, sep, mode, _FILES)


def file_word_count(
    paths: PathLike | Iterable[PathLike],
    word: Text,
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    encoding: str | None = "utf-8",
    threads: int | None = None,
    progress: bool = False,
) -> int | list[int]:
    """``text.split(sep).count(word)`` for the text of a path (``text =
    Path(p).read_bytes().decode(encoding)``), or the list of them for an
    iterable of paths (with a ``pattern`` or ``lowercase``, the tokens of
    ``textops.word_count``). ``encoding=None`` reads bytes (then ``word``,
    ``sep`` and ``pattern`` are bytes).

    >>> file_word_count([], "the")
    []
    """
    _check_word(word, encoding)
    rule = _rule(encoding, sep, pattern, lowercase)

    def count(buffers: list[Any], mode: int, nthreads: int) -> list[int]:
        return _core.batch(True, buffers, [word], sep, mode | rule, nthreads, _accept, _accept)

    def checked(buffers: list[Any], nthreads: int) -> tuple[list[int], list[int]]:
        return _core.checked_batch(True, buffers, word, sep, _core.UNICODE | rule, nthreads)

    results, single = run(paths, encoding, threads, progress, count, checked)
    return results[0] if single else results


def file_substring_count(
    paths: PathLike | Iterable[PathLike],
    sub: Text | int,
    *,
    encoding: str | None = "utf-8",
    threads: int | None = None,
    progress: bool = False,
) -> int | list[int]:
    """``text.count(sub)`` for the text of each file.

    >>> file_substring_count([], "the")
    []
    """
    mode, _ = check_encoding(encoding)
    sub = as_sub(sub, "sub", mode, "the files")

    def count(buffers: list[Any], mode: int, nthreads: int) -> list[int]:
        return _core.batch(False, buffers, [sub], None, mode, nthreads, _accept, _accept)

    def checked(buffers: list[Any], nthreads: int) -> tuple[list[int], list[int]]:
        return _core.checked_batch(False, buffers, sub, None, _core.UNICODE, nthreads)

    results, single = run(paths, encoding, threads, progress, count, checked)
    return results[0] if single else results


def file_line_word_counts(
    paths: PathLike | Iterable[PathLike],
    word: Text,
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    encoding: str | None = "utf-8",
    threads: int | None = None,
    progress: bool = False,
) -> list[int] | list[list[int]]:
    """``[ln.split(sep).count(word) for ln in text.splitlines()]`` for the
    text of each file (with a ``pattern`` or ``lowercase``, the lines of
    ``textops.line_word_counts``).

    >>> file_line_word_counts([], "the")
    []
    """
    _check_word(word, encoding)
    rule = _rule(encoding, sep, pattern, lowercase)

    def count(buffers: list[Any], mode: int, nthreads: int) -> list[list[int]]:
        return [_core.line_word_counts(b, word, sep, mode | rule, nthreads) for b in buffers]

    results, single = run(paths, encoding, threads, progress, count)
    return results[0] if single else results


def file_word_frequencies(
    paths: PathLike | Iterable[PathLike],
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    encoding: str | None = "utf-8",
    threads: int | None = None,
    progress: bool = False,
) -> Counter:
    """``Counter(text.split(sep))`` summed over the texts of the files (with
    a ``pattern`` or ``lowercase``, the tokens of
    ``textops.word_frequencies``).

    >>> file_word_frequencies([])
    Counter()
    """
    rule = _rule(encoding, sep, pattern, lowercase)
    total: Counter = Counter()

    def count(buffers: list[Any], mode: int, nthreads: int) -> list[Any]:
        # a str buffer (another encoding, decoded) is counted as a str
        total.update(_core.word_frequencies(buffers, sep, mode | rule, nthreads, _accept))
        return []

    run(paths, encoding, threads, progress, count)
    return total
