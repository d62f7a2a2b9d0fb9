"""textops on Dask: counts over a bag of texts, a dataframe column or many files.

Each function returns a lazy Dask object (a ``dask.bag.Item``) whose
``.compute()`` gives exactly what the single-machine textops function gives
on the whole collection in its order (which is exactly Python's). Importing
this module also registers the ``.textops`` accessor on dask dataframe
Series (per-document counts, as ``textops.pandas`` gives them per partition).

>>> import dask.bag as db
>>> import textops.dask as tdask
>>> bag = db.from_sequence(["the cat", "the hat", "a cat"], npartitions=2)
>>> tdask.word_frequencies(bag).compute(scheduler="sync")
Counter({'the': 2, 'cat': 2, 'hat': 1, 'a': 1})
>>> tdask.word_count(bag, "the").compute(scheduler="sync")
2

The collection is one of:

- a ``dask.bag.Bag`` of texts (``str``, or bytes-like for bytes semantics),
  counted partition by partition;
- a dask dataframe ``Series`` of strings (missing values are skipped, as
  ``Series.textops`` skips them);
- a list of file paths, or one path or glob pattern (``"corpus/*.txt"``,
  expanded on the client, sorted): the files are handed out in groups, one
  task per group, and each worker maps and counts them with textops' own
  file functions (``file_word_frequencies``...); no text crosses the wire.

What crosses the wire. A task's partial word frequencies are not a Python
dict (pickled and added key by key in Python, which costs about as much as
counting) but a ``_Partial``: the distinct tokens as one Arrow binary array
(one joined buffer plus offsets, their UTF-8 bytes for ``str`` texts) and a
NumPy int64 array of their counts. Partials merge by a tree reduction
(``Bag.reduction`` with ``split_every``), on the workers, in bulk:
concatenate the tokens of a few partials in collection order, dictionary-
encode them in Arrow (first occurrence first, so the key order of the
single-machine ``Counter`` is kept), and add the counts with
``numpy.add.at``. Only the final merge becomes a ``Counter``.

Threads. A task counts on the thread count given by ``threads=``; when it is
None (the default), on textops' own default in that process if one was set
there (``TEXTOPS_NUM_THREADS`` in the workers' environment, or
``textops.set_num_threads`` run on them), else on one thread when tasks run
side by side (a ``distributed`` worker runs ``nthreads`` tasks at once, one
per core it was given; Dask's threaded and multiprocessing schedulers run
one task per core), else on every core (the synchronous scheduler). So a
cluster uses the cores it was given and no more. In a worker made by fork
textops counts on one thread (it never hangs there).

Errors raise on the client, from ``.compute()``: a missing or unreadable
file raises the OSError the single-machine function raises, naming the path.
"""

from __future__ import annotations

import errno
import functools
import glob
import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple, cast

import dask.bag as db
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from dask.dataframe.extensions import register_series_accessor

from . import _core, _files
from . import pandas as _pandas_accessor  # noqa: F401  (registers pandas' series.textops)
from ._errors import TextopsTypeError
from ._freq import _key
from ._threads import check_threads, resolve
from ._validate import (
    PathLike,
    Text,
    TokenPattern,
    as_sub,
    check_encoding,
    check_like,
    check_sep,
    text_checker,
    text_list,
    token_rule,
    type_name,
    word_list,
)
from ._validate import paths as check_paths

__all__ = [
    "DaskTextopsAccessor",
    "count_matrix",
    "substring_count",
    "word_count",
    "word_counts",
    "word_frequencies",
]

# Files go to a task in groups of at most GROUP_FILES files and about
# GROUP_BYTES bytes: large enough that a task's fixed cost (its partial,
# scheduling) is small beside the counting, small enough to make several
# tasks per worker core.
GROUP_FILES = 64
GROUP_BYTES = 32 << 20

# Partials merged per node of the reduction tree.
SPLIT_EVERY = 8


# --- threads inside a task ---------------------------------------------------


def _runs_beside_others() -> bool:
    """True in a task that may run at the same time as others in this
    process or machine: on a ``distributed`` worker, on a thread of Dask's
    threaded scheduler, in a process of its multiprocessing scheduler."""
    try:
        from distributed import get_worker

        get_worker()
        return True
    except (ImportError, ValueError):
        pass
    if threading.current_thread() is not threading.main_thread():
        return True
    return multiprocessing.parent_process() is not None


def task_threads(threads: int | None) -> int | None:
    """The ``threads`` a task passes to textops: the one given, else this
    process's textops default if one was set, else 1 beside other tasks,
    else None (every core).

    >>> task_threads(3)
    3
    """
    if threads is not None:
        return threads
    if resolve(None):  # TEXTOPS_NUM_THREADS or set_num_threads in this process
        return None
    return 1 if _runs_beside_others() else None


# --- the collection ----------------------------------------------------------

_FILES = "the files (str for an encoding, bytes for encoding=None)"


def _expand(pattern: str) -> list[str]:
    """The files a glob pattern matches, sorted; FileNotFoundError naming
    the pattern when it matches none."""
    found = sorted(glob.glob(pattern))
    if not found:
        raise FileNotFoundError(errno.ENOENT, "no file matches the pattern", pattern)
    return found


def _file_groups(paths: list[PathLike]) -> list[list[PathLike]]:
    """The paths in order, in groups of at most GROUP_FILES files and about
    GROUP_BYTES bytes (sizes as the client sees them; a file it cannot see
    counts 0, its error is raised by the task that opens it)."""
    groups: list[list[PathLike]] = [[]]
    size = 0
    for path in paths:
        try:
            nbytes = os.stat(path).st_size
        except OSError:
            nbytes = 0
        if groups[-1] and (len(groups[-1]) >= GROUP_FILES or size + nbytes > GROUP_BYTES):
            groups.append([])
            size = 0
        groups[-1].append(path)
        size += nbytes
    return groups


def _collection(collection: Any, encoding: str | None) -> tuple[str, db.Bag]:
    """("texts" | "series" | "files", a bag with one partition per task)."""
    if isinstance(collection, db.Bag):
        return "texts", collection
    from dask.dataframe import DataFrame, Series

    if isinstance(collection, Series):
        return "series", db.from_delayed(collection.to_delayed())
    if isinstance(collection, DataFrame):
        raise TextopsTypeError(
            "collection must be a bag, a Series or paths, not a dask DataFrame; "
            "pick its text column: ddf['text']"
        )
    if isinstance(collection, str) and glob.has_magic(collection):
        paths: list[PathLike] = list(_expand(collection))
    else:
        try:
            paths, _ = check_paths(collection)
        except TextopsTypeError:
            raise TextopsTypeError(
                "collection must be a dask bag of texts, a dask dataframe Series, "
                f"or a path, glob or list of paths, not {type_name(collection)}"
            ) from None
    check_encoding(encoding)
    groups = _file_groups(paths)
    return "files", db.from_sequence(groups, npartitions=len(groups))


def _reduce(bag: db.Bag, perpartition: Any, merge: Any, final: Any, split_every: int | None) -> Any:
    """The lazy result: perpartition on every partition, a tree of merges
    (``split_every`` partials per node), then ``final`` on the last one."""
    every = SPLIT_EVERY if split_every is None else check_threads(split_every, "split_every")
    if every < 2:
        raise TextopsTypeError(f"split_every must be >= 2, got {every}")
    return bag.reduction(perpartition, merge, split_every=every).apply(final)


def _present(series: pd.Series) -> list[str]:
    """The present strings of a pandas partition (TextopsTypeError for
    anything else), as ``Series.textops`` reads them."""
    texts, _ = series.textops._strings()
    return texts


# --- partial word frequencies: tokens as one Arrow array, counts in NumPy ---


class _Partial(NamedTuple):
    """Word frequencies in transit: ``mode`` (None when no text was seen),
    the distinct tokens in first-occurrence order (Arrow large_binary) and
    their counts (int64)."""

    mode: int | None
    tokens: Any
    counts: Any


_NONE = _Partial(None, pa.array([], type=pa.large_binary()), np.zeros(0, dtype=np.int64))


def _arrow_keys(keys: list[Any], mode: int) -> Any:
    """Tokens (str, or bytes for bytes semantics) as an Arrow large_binary
    array: str as UTF-8 (lone surrogates as ``surrogatepass`` writes them)."""
    if mode == _core.UNICODE:
        try:
            return pa.array(keys, type=pa.large_string()).view(pa.large_binary())
        except (UnicodeEncodeError, pa.ArrowException):  # lone surrogates
            return pa.array(
                [k.encode("utf-8", "surrogatepass") for k in keys], type=pa.large_binary()
            )
    return pa.array(keys, type=pa.large_binary())


def _python_keys(tokens: Any, mode: int) -> list[Any]:
    """The tokens of ``_arrow_keys`` back as Python str (or bytes)."""
    if mode != _core.UNICODE:
        return cast(list, tokens.to_pylist())
    try:
        return cast(list, tokens.cast(pa.large_string()).to_pylist())
    except pa.ArrowInvalid:  # UTF-8 of lone surrogates
        return [b.decode("utf-8", "surrogatepass") for b in tokens.to_pylist()]


def _partial(
    texts: list[Any], sep: Any, mode: int, bits: int, nthreads: int, check: Any
) -> _Partial:
    """The partial of the texts' word frequencies (rule ``bits``; ``check``
    for items that are not exact str or bytes), built from the core's
    arrays with no Python object per token: Arrow wraps them."""
    data, sizes, counts = _core.word_frequency_arrays(texts, sep, mode | bits, nthreads, check)
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return _Partial(mode, pa.Array.from_buffers(pa.large_binary(), len(sizes), buffers), counts)


def _seen(parts: Iterable[Any]) -> list[Any]:
    """The partials that saw a text (``mode`` not None), all of one mode,
    else TextopsTypeError."""
    seen = [p for p in parts if p.mode is not None]
    if any(p.mode != seen[0].mode for p in seen):
        raise TextopsTypeError(
            "collection holds str texts and bytes-like texts: it must hold texts of one kind"
        )
    return seen


def _merge(parts: Iterable[_Partial]) -> _Partial:
    """One partial of several, in their order: first occurrences first."""
    seen = _seen(parts)
    if not seen:
        return _NONE
    mode = seen[0].mode
    if len(seen) == 1:
        return seen[0]
    encoded = pc.dictionary_encode(pa.concat_arrays([p.tokens for p in seen]))
    counts = np.zeros(len(encoded.dictionary), dtype=np.int64)
    np.add.at(counts, encoded.indices.to_numpy(), np.concatenate([p.counts for p in seen]))
    return _Partial(mode, encoded.dictionary, counts)


def _counter(part: _Partial) -> Counter:
    """The Counter of a partial (str keys for str texts, else bytes)."""
    result: Counter = Counter()
    if part.mode is None:
        return result
    dict.update(result, zip(_python_keys(part.tokens, part.mode), part.counts.tolist()))
    return result


class _Rule(NamedTuple):
    """The token rule arguments of a word function, as a task gets them."""

    pattern: Any
    lowercase: bool

    def check(self, sep: Any, mode: int | None, text_name: str) -> int:
        """The rule bits (see ``_validate.token_rule``); mode None (not
        known on the client) takes a pattern of either kind."""
        return token_rule(self.pattern, self.lowercase, sep, mode, text_name)


_SPLIT = _Rule(None, False)  # text.split(sep), the default


def _texts_frequencies(
    texts: Iterable[Any], sep: Any, rule: _Rule, threads: int | None
) -> _Partial:
    items, mode = text_list(texts, "collection")
    if mode is None:
        return _NONE
    bits = rule.check(sep, mode, "collection")
    check = text_checker(items, mode, "collection")
    return _partial(items, sep, mode, bits, resolve(task_threads(threads)), check)


def _series_frequencies(series: pd.Series, sep: Any, rule: _Rule, threads: int | None) -> _Partial:
    texts = _present(series)
    return _texts_frequencies(texts, sep, rule, threads) if texts else _NONE


def _files_frequencies(
    groups: Iterable[list[PathLike]],
    sep: Any,
    rule: _Rule,
    encoding: str | None,
    threads: int | None,
) -> _Partial:
    def count(buffers: list[Any], mode: int, nthreads: int) -> list[Any]:
        # a str buffer (another encoding, decoded) is counted as a str
        bits = rule.check(sep, mode, _FILES)
        return [_partial(buffers, sep, mode, bits, nthreads, _accept)]

    parts: list[_Partial] = []
    for group in groups:
        parts.extend(_files.run(group, encoding, task_threads(threads), False, count)[0])
    return _merge(parts)


def word_frequencies(
    collection: Any,
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    encoding: str | None = "utf-8",
    threads: int | None = None,
    split_every: int | None = None,
) -> Any:
    """``Counter`` of every text's ``split(sep)``, summed over the
    collection (lazy): ``textops.word_frequencies`` of all its texts, or
    ``textops.file_word_frequencies`` of all its files, in order (with a
    ``pattern`` or ``lowercase``, their tokens).

    ``encoding`` applies to files (None: bytes semantics); ``threads`` is
    each task's thread count (see the module's "Threads"); ``split_every``
    the partials merged per node of the tree (8).

    >>> import dask.bag as db
    >>> bag = db.from_sequence(["b a", "a"], npartitions=2)
    >>> word_frequencies(bag).compute(scheduler="sync")
    Counter({'a': 2, 'b': 1})
    """
    kind, bag = _collection(collection, encoding)
    _check_threads(threads)
    rule = _Rule(pattern, lowercase)
    if kind == "files":
        mode, _ = check_encoding(encoding)
        check_sep(sep, mode, "the files")
        rule.check(sep, mode, _FILES)
        per = functools.partial(
            _files_frequencies, sep=sep, rule=rule, encoding=encoding, threads=threads
        )
    elif kind == "series":
        check_sep(sep, _core.UNICODE, "the series")
        rule.check(sep, _core.UNICODE, "the series")
        per = functools.partial(_series_frequencies, sep=sep, rule=rule, threads=threads)
    else:
        check_sep(sep, None, "collection")
        rule.check(sep, None, "collection")
        per = functools.partial(_texts_frequencies, sep=sep, rule=rule, threads=threads)
    return _reduce(bag, per, _merge, _counter, split_every)


# --- word_counts: one int64 array per partition, summed ----------------------


def _texts_word_counts(
    texts: Iterable[Any], words: list[Any], sep: Any, rule: _Rule, threads: int | None
) -> Any:
    items, mode = text_list(texts, "collection")
    if mode is None:
        return np.zeros(len(words), dtype=np.int64)
    words_ = word_list(words, mode, "collection")
    bits = rule.check(sep, mode, "collection")
    counts = _core.word_counts(
        items,
        words_,
        sep,
        mode | bits,
        resolve(task_threads(threads)),
        text_checker(items, mode, "collection"),
    )
    return np.array(counts, dtype=np.int64)


def _series_word_counts(
    series: pd.Series, words: list[Any], sep: Any, rule: _Rule, threads: int | None
) -> Any:
    return _texts_word_counts(_present(series), words, sep, rule, threads)


def _files_word_counts(
    groups: Iterable[list[PathLike]],
    words: list[Any],
    sep: Any,
    rule: _Rule,
    encoding: str | None,
    threads: int | None,
) -> Any:
    def count(buffers: list[Any], mode: int, nthreads: int) -> list[Any]:
        bits = rule.check(sep, mode, _FILES)
        return [_core.word_counts(buffers, words, sep, mode | bits, nthreads, _accept)]

    total = np.zeros(len(words), dtype=np.int64)
    for group in groups:
        for counts in _files.run(group, encoding, task_threads(threads), False, count)[0]:
            total += np.array(counts, dtype=np.int64)
    return total


def _accept(i: int, item: Any) -> Any:
    return item


def _sum(parts: Iterable[Any]) -> Any:
    return sum(parts)


def _as_dict(words: list[Any], counts: Any) -> dict[Any, int]:
    return {_key(w): int(c) for w, c in zip(words, counts)}


def word_counts(
    collection: Any,
    words: Iterable[Text],
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    encoding: str | None = "utf-8",
    threads: int | None = None,
    split_every: int | None = None,
) -> Any:
    """``{w: total of t.split(sep).count(w) over the texts}`` (lazy), every
    text read once whatever the number of words (with a ``pattern`` or
    ``lowercase``, the tokens of ``textops.word_count``).

    >>> import dask.bag as db
    >>> bag = db.from_sequence(["to be", "or not to be"], npartitions=2)
    >>> word_counts(bag, ["to", "is"]).compute(scheduler="sync")
    {'to': 2, 'is': 0}
    """
    kind, bag = _collection(collection, encoding)
    _check_threads(threads)
    rule = _Rule(pattern, lowercase)
    if kind == "files":
        mode, _ = check_encoding(encoding)
        items = word_list(words, mode, _FILES)
        check_sep(sep, mode, "the files")
        rule.check(sep, mode, _FILES)
        per = functools.partial(
            _files_word_counts, words=items, sep=sep, rule=rule, encoding=encoding, threads=threads
        )
    elif kind == "series":
        items = word_list(words, _core.UNICODE, "the series")
        check_sep(sep, _core.UNICODE, "the series")
        rule.check(sep, _core.UNICODE, "the series")
        per = functools.partial(
            _series_word_counts, words=items, sep=sep, rule=rule, threads=threads
        )
    else:
        items = word_list(words, None, "collection")
        check_sep(sep, None, "collection")
        rule.check(sep, None, "collection")
        per = functools.partial(
            _texts_word_counts, words=items, sep=sep, rule=rule, threads=threads
        )
    return _reduce(bag, per, _sum, functools.partial(_as_dict, items), split_every)


# --- word_count and substring_count: one int per partition, summed ----------


def _texts_count(
    texts: Iterable[Any], pattern: Any, sep: Any, words: bool, rule: _Rule, threads: int | None
) -> int:
    from ._api import parallel_substring_count, parallel_word_count

    items = list(texts)
    t = task_threads(threads)
    if words:
        return sum(parallel_word_count(items, pattern, sep=sep, threads=t, **rule._asdict()))
    return sum(parallel_substring_count(items, pattern, threads=t))


def _series_count(
    series: pd.Series, pattern: Any, sep: Any, words: bool, rule: _Rule, threads: int | None
) -> int:
    accessor = series.textops
    t = task_threads(threads)
    counts = (
        accessor.word_count(pattern, sep=sep, threads=t, **rule._asdict())
        if words
        else accessor.substring_count(pattern, threads=t)
    )
    return int(counts.sum())


def _files_count(
    groups: Iterable[list[PathLike]],
    pattern: Any,
    sep: Any,
    words: bool,
    rule: _Rule,
    encoding: str | None,
    threads: int | None,
) -> int:
    t = task_threads(threads)
    total = 0
    for group in groups:  # a list of paths gives a list of counts
        if words:
            counts = _files.file_word_count(
                group, pattern, sep=sep, encoding=encoding, threads=t, **rule._asdict()
            )
        else:
            counts = _files.file_substring_count(group, pattern, encoding=encoding, threads=t)
        total += sum(cast(list, counts))
    return total


def _count(
    collection: Any,
    pattern: Any,
    sep: Any,
    words: bool,
    encoding: str | None,
    threads: int | None,
    split_every: int | None,
    rule: _Rule = _SPLIT,
) -> Any:
    """The lazy total of word (words) or substring ``pattern``; ``rule``
    the word's token rule."""
    kind, bag = _collection(collection, encoding)
    _check_threads(threads)
    name = "word" if words else "sub"
    common: dict[str, Any] = {"pattern": pattern, "sep": sep, "words": words, "rule": rule}
    if kind == "files":
        mode, _ = check_encoding(encoding)
        if words:
            check_like(pattern, name, mode, _FILES)
            check_sep(sep, mode, "the files")
            rule.check(sep, mode, _FILES)
        else:
            common["pattern"] = as_sub(pattern, name, mode, _FILES)
        per = functools.partial(_files_count, encoding=encoding, threads=threads, **common)
    elif kind == "series":
        if words:
            check_like(pattern, name, _core.UNICODE, "the series")
            check_sep(sep, _core.UNICODE, "the series")
            rule.check(sep, _core.UNICODE, "the series")
        else:
            common["pattern"] = as_sub(pattern, name, _core.UNICODE, "the series")
        per = functools.partial(_series_count, threads=threads, **common)
    else:
        if words:
            check_like(pattern, name, None, "collection")
            check_sep(sep, None, "collection")
            rule.check(sep, None, "collection")
        else:
            as_sub(pattern, name, None, "collection")  # each task checks it against its texts
        per = functools.partial(_texts_count, threads=threads, **common)
    return _reduce(bag, per, _sum, int, split_every)


def word_count(
    collection: Any,
    word: Text,
    *,
    sep: Text | None = None,
    pattern: TokenPattern | None = None,
    lowercase: bool = False,
    encoding: str | None = "utf-8",
    threads: int | None = None,
    split_every: int | None = None,
) -> Any:
    r"""Total of ``t.split(sep).count(word)`` over the texts (lazy); with a
    ``pattern`` or ``lowercase``, the tokens of ``textops.word_count``.

    >>> import dask.bag as db
    >>> word_count(db.from_sequence(["a b a", "a"]), "a").compute(scheduler="sync")
    3
    >>> bag = db.from_sequence(["A-a", "a."])
    >>> word_count(bag, "a", pattern=r"\w+", lowercase=True).compute(scheduler="sync")
    3
    """
    rule = _Rule(pattern, lowercase)
    return _count(collection, word, sep, True, encoding, threads, split_every, rule)


def substring_count(
    collection: Any,
    sub: Text | int,
    *,
    encoding: str | None = "utf-8",
    threads: int | None = None,
    split_every: int | None = None,
) -> Any:
    """Total of ``t.count(sub)`` over the texts (lazy).

    >>> import dask.bag as db
    >>> substring_count(db.from_sequence(["aaaa", "a"]), "aa").compute(scheduler="sync")
    2
    """
    return _count(collection, sub, None, False, encoding, threads, split_every)


# --- count_matrix: one pass, each task's matrix on its own sorted terms ------


class _Matrix(NamedTuple):
    """A document-term matrix in transit: ``mode`` (None when no document
    was seen), its terms in sorted order (Arrow large_binary, as
    ``_arrow_keys`` writes them) and its CSR arrays (column ``j`` is
    ``terms[j]``)."""

    mode: int | None
    terms: Any
    indptr: Any
    indices: Any
    counts: Any


_NO_MATRIX = _Matrix(
    None,
    pa.array([], type=pa.large_binary()),
    np.zeros(1, dtype=np.int64),
    np.zeros(0, dtype=np.int64),
    np.zeros(0, dtype=np.int64),
)


class _MatrixOptions(NamedTuple):
    """The arguments of ``count_matrix`` as a task gets them."""

    pattern: Any
    lowercase: bool
    ngram_range: tuple[int, int]
    stop_words: tuple[Any, ...] | None


def _matrix_of(
    items: list[Any], mode: int, options: _MatrixOptions, threads: int, check: Any = None
) -> _Matrix:
    """The matrix of the texts, counted by the core; ``check`` vets each
    text (None: as a batch of texts of ``mode``; files come checked)."""
    from ._matrix import build

    bits = token_rule(options.pattern, options.lowercase, None, mode, "collection")
    vocabulary, indptr, indices, counts = build(
        items,
        mode,
        bits,
        options.ngram_range,
        options.stop_words,
        None,
        threads,
        text_checker(items, mode, "collection") if check is None else check,
    )
    terms = _arrow_keys(list(vocabulary or ()), mode)  # column order is sorted order
    return _Matrix(mode, terms, indptr.astype(np.int64), indices.astype(np.int64), counts)


def _texts_matrix(texts: Iterable[Any], options: _MatrixOptions, threads: int | None) -> _Matrix:
    items, mode = text_list(texts, "collection")
    if mode is None:
        return _NO_MATRIX
    return _matrix_of(items, mode, options, resolve(task_threads(threads)))


def _series_matrix(series: pd.Series, options: _MatrixOptions, threads: int | None) -> _Matrix:
    documents = series.textops._documents()  # a missing value is an empty document
    return _texts_matrix(documents, options, threads)


def _files_matrix(
    groups: Iterable[list[PathLike]],
    options: _MatrixOptions,
    encoding: str | None,
    threads: int | None,
) -> _Matrix:
    def count(buffers: list[Any], mode: int, nthreads: int) -> list[Any]:
        return [_matrix_of(buffers, mode, options, nthreads, _accept)]

    parts: list[_Matrix] = []
    for group in groups:
        parts.extend(_files.run(group, encoding, task_threads(threads), False, count)[0])
    return _merge_matrices(parts)


def _merge_matrices(parts: Iterable[_Matrix]) -> _Matrix:
    """One matrix of several, their rows in order: the sorted union of their
    terms, and each one's columns renumbered into it."""
    seen = _seen(parts)
    if len(seen) <= 1:
        return seen[0] if seen else _NO_MATRIX
    union = pc.unique(pa.concat_arrays([p.terms for p in seen]))
    terms = union.take(pc.sort_indices(union))
    indptr, indices = [np.zeros(1, dtype=np.int64)], []
    for p in seen:
        column = pc.index_in(p.terms, value_set=terms).to_numpy(zero_copy_only=False)
        indices.append(column.astype(np.int64)[p.indices])
        indptr.append(p.indptr[1:] + indptr[-1][-1])
    return _Matrix(
        seen[0].mode,
        terms,
        np.concatenate(indptr),
        np.concatenate(indices),
        np.concatenate([p.counts for p in seen]),
    )


def _matrix_result(part: _Matrix) -> tuple[Any, dict[Any, int]]:
    """(CSR matrix, ``{term: column}``) of the last merge, as
    ``textops.count_matrix`` returns them."""
    from ._matrix import csr

    if part.mode is None:
        return csr(part.indptr, part.indices, part.counts, (0, 0), np.int64, array=False), {}
    keys = _python_keys(part.terms, part.mode)
    shape = (len(part.indptr) - 1, len(keys))
    matrix = csr(part.indptr, part.indices, part.counts, shape, np.int64, array=False)
    return matrix, dict(zip(keys, range(len(keys))))


def count_matrix(
    collection: Any,
    *,
    pattern: TokenPattern | None = r"(?u)\b\w\w+\b",
    lowercase: bool = True,
    ngram_range: tuple[int, int] = (1, 1),
    stop_words: Iterable[Any] | None = None,
    encoding: str | None = "utf-8",
    threads: int | None = None,
    split_every: int | None = None,
) -> Any:
    """The document-term matrix of the collection and its vocabulary
    (lazy): ``.compute()`` gives exactly ``textops.count_matrix`` of all its
    documents in order (scikit-learn's ``CountVectorizer`` counts), a
    ``scipy.sparse.csr_matrix`` and ``{term: column}``. A document is a text
    of a bag, an element of a Series (a missing value is an empty
    document), or a whole file.

    One pass: each task counts its documents on its own vocabulary (sorted
    terms); merges take the sorted union of the terms and renumber each
    part's columns into it, so the text is read once and the merge costs
    per stored count, not per token.

    >>> import dask.bag as db
    >>> bag = db.from_sequence(["The cat", "a hat", "cat"], npartitions=2)
    >>> X, vocabulary = count_matrix(bag).compute(scheduler="sync")
    >>> vocabulary, X.toarray().tolist()
    ({'cat': 0, 'hat': 1, 'the': 2}, [[1, 0, 1], [0, 1, 0], [1, 0, 0]])
    """
    from ._matrix import check_options

    kind, bag = _collection(collection, encoding)
    _check_threads(threads)
    check_options(ngram_range, stop_words)
    stops = None if stop_words is None else tuple(stop_words)
    options = _MatrixOptions(pattern, bool(lowercase), (ngram_range[0], ngram_range[1]), stops)
    if kind == "files":
        mode, _ = check_encoding(encoding)
        token_rule(pattern, lowercase, None, mode, _FILES)
        per = functools.partial(_files_matrix, options=options, encoding=encoding, threads=threads)
    elif kind == "series":
        token_rule(pattern, lowercase, None, _core.UNICODE, "the series")
        per = functools.partial(_series_matrix, options=options, threads=threads)
    else:
        token_rule(pattern, lowercase, None, None, "collection")
        per = functools.partial(_texts_matrix, options=options, threads=threads)
    return _reduce(bag, per, _merge_matrices, _matrix_result, split_every)


def _check_threads(threads: object) -> None:
    if threads is not None:
        check_threads(threads)


# --- the .textops accessor on dask dataframe Series -------------------------


def _partition_count(
    series: pd.Series, pattern: Any, sep: Any, words: bool, rule: _Rule, threads: int | None
) -> pd.Series:
    accessor = series.textops
    t = task_threads(threads)
    if words:
        return accessor.word_count(pattern, sep=sep, threads=t, **rule._asdict())
    return accessor.substring_count(pattern, threads=t)


@register_series_accessor("textops")
class DaskTextopsAccessor:
    """``ddf["text"].textops.<method>``: per-document counts, lazily, each
    partition counted by ``textops.pandas``'s accessor (Int64, <NA> for a
    missing value).

    >>> import pandas as pd, dask.dataframe as dd
    >>> s = dd.from_pandas(pd.Series(["a b a", None, "a"]), npartitions=2)
    >>> s.textops.word_count("a").compute(scheduler="sync").tolist()
    [2, <NA>, 1]
    """

    def __init__(self, series: Any) -> None:
        self._series = series

    def _map(
        self,
        pattern: Any,
        sep: Any,
        words: bool,
        threads: int | None,
        rule: _Rule = _SPLIT,
    ) -> Any:
        meta = pd.Series(
            pd.array([], dtype="Int64"), name=self._series.name, index=self._series._meta.index
        )
        return self._series.map_partitions(
            _partition_count, pattern, sep, words, rule, threads, meta=meta
        )

    def word_count(
        self,
        word: str,
        *,
        sep: str | None = None,
        pattern: TokenPattern | None = None,
        lowercase: bool = False,
        threads: int | None = None,
    ) -> Any:
        """Per document ``t.split(sep).count(word)``, <NA> for missing (with a
        ``pattern`` or ``lowercase``, the tokens of ``textops.word_count``).

        >>> import pandas as pd, dask.dataframe as dd
        >>> s = dd.from_pandas(pd.Series(["x y x", "y"]), npartitions=1)
        >>> s.textops.word_count("x").compute(scheduler="sync").tolist()
        [2, 0]
        """
        check_like(word, "word", _core.UNICODE, "the series")
        check_sep(sep, _core.UNICODE, "the series")
        rule = _Rule(pattern, lowercase)
        rule.check(sep, _core.UNICODE, "the series")
        _check_threads(threads)
        return self._map(word, sep, True, threads, rule)

    def substring_count(self, sub: str, *, threads: int | None = None) -> Any:
        """Per document ``t.count(sub)``, <NA> for missing.

        >>> import pandas as pd, dask.dataframe as dd
        >>> s = dd.from_pandas(pd.Series(["aaaa", "a"]), npartitions=1)
        >>> s.textops.substring_count("aa").compute(scheduler="sync").tolist()
        [2, 0]
        """
        sub = as_sub(sub, "sub", _core.UNICODE, "the series")
        _check_threads(threads)
        return self._map(sub, None, False, threads)

    def word_frequencies(
        self,
        *,
        sep: str | None = None,
        pattern: TokenPattern | None = None,
        lowercase: bool = False,
        threads: int | None = None,
        split_every: int | None = None,
    ) -> Any:
        """``Counter`` of every present string's ``split(sep)``, summed
        (lazy): ``textops.dask.word_frequencies(series)``, with the same
        ``pattern`` and ``lowercase``."""
        return word_frequencies(
            self._series,
            sep=sep,
            pattern=pattern,
            lowercase=lowercase,
            threads=threads,
            split_every=split_every,
        )
