"""The ``.textops`` accessor on pandas Series of strings.

Importing this module registers the accessor; ``import textops`` does it
too when pandas is already imported.

>>> import pandas as pd
>>> import textops.pandas
>>> s = pd.Series(["the cat", None, "the the"], index=["a", "b", "c"])
>>> s.textops.word_count("the").tolist()
[1, <NA>, 2]

Each method gives, for every element, what the textops function of the same
name gives (``word_count``: ``text.split(sep).count(word)``...), as a Series
with the same index; a missing value (None, NaN, pd.NA) gives <NA>. Arrow-
backed strings (``string[pyarrow]``, pandas' default ``str`` from pandas 3)
are counted in place in Arrow's buffers, each chunk (one data buffer plus
offsets) as a packed corpus, searched in one scan (``count_matrix`` and the
frequencies of a chunk whose missing slots hold bytes excepted); other
Series (object dtype, ``string[python]``) go through the list of their
strings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._errors import TextopsTypeError
from ._threads import resolve
from ._validate import (
    TokenPattern,
    as_sub,
    check_like,
    check_sep,
    text_checker,
    token_rule,
    word_list,
)

__all__ = ["TextopsAccessor"]


def _arrow_chunks(series: pd.Series) -> list[Any] | None:
    """The pyarrow string chunks behind the Series, or None.

    ``string_view`` chunks (views into many buffers, which the core cannot
    read as one buffer plus offsets) are cast to ``large_string``: one copy
    of a chunk at a time."""
    array = series.array
    data = getattr(array, "_pa_array", None)
    if data is None:
        return None
    import pyarrow as pa

    if pa.types.is_string(data.type) or pa.types.is_large_string(data.type):
        return list(data.chunks)
    if getattr(pa.types, "is_string_view", lambda t: False)(data.type):
        return [chunk.cast(pa.large_string()) for chunk in data.chunks]
    return None


def _chunk_layout(chunk: Any) -> tuple[Any, Any, Any]:
    """(data bytes, size_t offsets, missing mask) of one Arrow string chunk,
    read in place (the offsets are converted when they are 32-bit)."""
    _, offsets_buf, data_buf = chunk.buffers()
    import pyarrow as pa

    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    n = len(chunk)
    offsets = np.frombuffer(offsets_buf, dtype=width)[chunk.offset : chunk.offset + n + 1]
    offsets = offsets.view(np.uint64) if width is np.int64 else offsets.astype(np.uint64)
    data = (
        np.frombuffer(data_buf, dtype=np.uint8)
        if data_buf is not None and data_buf.size
        else np.zeros(1, dtype=np.uint8)
    )
    missing = chunk.is_null().to_numpy(zero_copy_only=False)
    return data, offsets, missing


def _null_data(offsets: Any, missing: Any) -> bool:
    """True when a missing slot of a chunk holds bytes (Arrow allows it):
    its bytes must then not be read as a document's."""
    return bool(missing.any() and np.diff(offsets)[missing].any())


@pd.api.extensions.register_series_accessor("textops")
class TextopsAccessor:
    """``series.textops.<method>``: textops counts for each string of a Series."""

    def __init__(self, series: pd.Series) -> None:
        self._series = series

    # --- helpers ------------------------------------------------------------

    def _result(self, values: Any, missing: Any) -> pd.Series:
        out = pd.array(values, dtype="Int64")
        if missing.any():
            out[missing] = pd.NA
        return pd.Series(out, index=self._series.index, name=self._series.name)

    def _layouts(self) -> list[tuple[Any, Any, Any]] | None:
        """(data, offsets, missing) of each Arrow chunk behind the Series, or
        None when it is not Arrow-backed."""
        chunks = _arrow_chunks(self._series)
        return None if chunks is None else [_chunk_layout(chunk) for chunk in chunks]

    @staticmethod
    def _missing(layouts: list[tuple[Any, Any, Any]]) -> Any:
        """The missing mask of the whole Series from its chunks'."""
        masks = [missing for _, _, missing in layouts]
        return np.concatenate(masks) if masks else np.zeros(0, dtype=bool)

    def _strings(self) -> tuple[list, Any]:
        """The present strings (as a list) and the missing mask."""
        data = getattr(self._series.array, "_pa_array", None)
        if data is not None and str(data.type) == "string_view":  # to_numpy cannot
            chunks = _arrow_chunks(self._series) or []
            values = np.empty(len(data), dtype=object)
            values[:] = [v for chunk in chunks for v in chunk.to_pylist()]
        else:
            values = self._series.to_numpy(dtype=object, na_value=None)
        missing = pd.isna(values)
        texts = values[~missing].tolist()
        for position, text in zip(np.flatnonzero(~missing), texts):
            if not isinstance(text, str):
                raise TextopsTypeError(
                    f"series.textops needs strings; the element at position {position} "
                    f"is {type(text).__name__}"
                )
        return texts, missing

    def _documents(self) -> list[str]:
        """Every element as a document: a missing value is the empty one."""
        texts, missing = self._strings()
        documents = [""] * len(missing)
        for position, text in zip(np.flatnonzero(~missing), texts):
            documents[position] = text
        return documents

    def _count(
        self, word: Any, sep: Any | None, words: bool, threads: int, mode: int = _core.UNICODE
    ) -> pd.Series:
        """Per element count of word (words) or substring; ``mode`` the C
        mode (str and the token rule)."""
        layouts = self._layouts()
        if layouts is not None:  # each chunk one buffer plus offsets: one scan
            parts = [
                _core.corpus_count(data, offsets, word, sep, words, mode, threads)
                for data, offsets, _ in layouts
            ]
            values = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            return self._result(values, self._missing(layouts))
        texts, missing = self._strings()
        values = np.zeros(len(missing), dtype=np.int64)
        if texts:
            accept = text_checker(texts, _core.UNICODE, "series")
            values[~missing] = _core.batch(
                words, texts, [word], sep, mode, threads, accept, lambda i, item: item
            )
        return self._result(values, missing)

    # --- the methods --------------------------------------------------------

    @staticmethod
    def _word_mode(sep: Any, pattern: Any, lowercase: Any) -> int:
        """The C mode of a word query: str and the token rule."""
        check_sep(sep, _core.UNICODE, "the series")
        return _core.UNICODE | token_rule(pattern, lowercase, sep, _core.UNICODE, "the series")

    def word_count(
        self,
        word: str,
        *,
        sep: str | None = None,
        pattern: TokenPattern | None = None,
        lowercase: bool = False,
        threads: int | None = None,
    ) -> pd.Series:
        r"""``s.map(lambda t: t.split(sep).count(word))``, <NA> for missing
        (with a ``pattern`` or ``lowercase``, the tokens of
        ``textops.word_count``).

        >>> pd.Series(["a b a", None]).textops.word_count("a").tolist()
        [2, <NA>]
        >>> pd.Series(["The whale, the end."]).textops.word_count(
        ...     "the", pattern=r"\w+", lowercase=True).tolist()
        [2]
        """
        check_like(word, "word", _core.UNICODE, "the series")
        mode = self._word_mode(sep, pattern, lowercase)
        return self._count(word, sep, True, resolve(threads), mode)

    def substring_count(self, sub: str, *, threads: int | None = None) -> pd.Series:
        """``s.map(lambda t: t.count(sub))``, <NA> for missing.

        >>> pd.Series(["aaaa", "a"]).textops.substring_count("aa").tolist()
        [2, 0]
        """
        sub = as_sub(sub, "sub", _core.UNICODE, "the series")
        return self._count(sub, None, False, resolve(threads))

    def line_word_counts(
        self,
        word: str,
        *,
        sep: str | None = None,
        pattern: TokenPattern | None = None,
        lowercase: bool = False,
        threads: int | None = None,
    ) -> pd.Series:
        """``s.map(lambda t: [ln.split(sep).count(word) for ln in
        t.splitlines()])`` (lists), <NA> for missing (with a ``pattern`` or
        ``lowercase``, the lines of ``textops.line_word_counts``).

        >>> pd.Series(["a\\na a", None]).textops.line_word_counts("a").tolist()
        [[1, 2], <NA>]
        """
        check_like(word, "word", _core.UNICODE, "the series")
        mode = self._word_mode(sep, pattern, lowercase)
        nthreads = resolve(threads)
        layouts = self._layouts()
        if layouts is not None:
            per_doc = [
                counts.tolist()
                for data, offsets, _ in layouts
                for counts in _core.corpus_line_word_counts(
                    data, offsets, word, sep, mode, nthreads
                )
            ]
            missing = self._missing(layouts)
            values = [pd.NA if m else counts for m, counts in zip(missing, per_doc)]
        else:
            texts, missing = self._strings()
            per_text = iter(_core.line_word_counts(t, word, sep, mode, nthreads) for t in texts)
            values = [pd.NA if m else next(per_text) for m in missing]
        return pd.Series(values, index=self._series.index, name=self._series.name, dtype=object)

    def count_matrix(
        self,
        *,
        pattern: TokenPattern | None = r"(?u)\b\w\w+\b",
        lowercase: bool = True,
        ngram_range: tuple[int, int] = (1, 1),
        stop_words: Iterable[str] | None = None,
        threads: int | None = None,
    ) -> pd.DataFrame:
        """The document-term matrix of the strings (``textops.count_matrix``,
        scikit-learn's ``CountVectorizer`` by default) as a sparse DataFrame:
        one row per element (same index), one column per term, sorted; a
        missing value is an empty document (a row of zeros). Needs SciPy.

        >>> m = pd.Series(["The cat", None, "the hat"]).textops.count_matrix()
        >>> m.columns.tolist(), m.sparse.to_dense().values.tolist()
        (['cat', 'hat', 'the'], [[1, 0, 1], [0, 0, 0], [0, 1, 1]])
        """
        from ._matrix import count_matrix

        matrix, vocabulary = count_matrix(
            self._documents(),
            pattern=pattern,
            lowercase=lowercase,
            ngram_range=ngram_range,
            stop_words=stop_words,
            threads=threads,
        )
        columns = sorted(vocabulary, key=vocabulary.__getitem__)
        return pd.DataFrame.sparse.from_spmatrix(matrix, index=self._series.index, columns=columns)

    def term_matrix(
        self,
        words: Iterable[str],
        *,
        sep: str | None = None,
        pattern: TokenPattern | None = None,
        lowercase: bool = False,
        threads: int | None = None,
    ) -> pd.DataFrame:
        """A DataFrame, one column per word, of ``t.split(sep).count(w)``
        (with a ``pattern`` or ``lowercase``, the tokens of
        ``textops.word_count``); rows of missing values are <NA>.

        >>> pd.Series(["a b a", "b"]).textops.term_matrix(["a", "b"]).values.tolist()
        [[2, 1], [0, 1]]
        """
        items = word_list(words, _core.UNICODE, "the series")
        mode = self._word_mode(sep, pattern, lowercase)
        layouts = self._layouts()
        if layouts is not None:  # the chunks' own buffers, no strings made
            parts = [
                _core.corpus_term_matrix(data, offsets, items, sep, mode, resolve(threads))
                for data, offsets, _ in layouts
            ]
            missing = self._missing(layouts)
            matrix = np.concatenate(parts) if parts else np.zeros((0, len(items)), dtype=np.int64)
        else:
            texts, missing = self._strings()
            from ._corpus import Corpus

            matrix = np.zeros((len(missing), len(items)), dtype=np.int64)
            if texts:
                matrix[~missing] = Corpus(texts).term_matrix(
                    items, sep=sep, pattern=pattern, lowercase=lowercase, threads=threads
                )
        data = {}
        for j in range(len(items)):
            column = pd.array(matrix[:, j], dtype="Int64")
            column[missing] = pd.NA
            data[j] = column
        frame = pd.DataFrame(data, index=self._series.index)
        # an object Index holds any str (pandas 3's str Index cannot hold
        # lone surrogates)
        frame.columns = pd.Index(list(items), dtype=object)
        return frame

    def word_frequencies(
        self,
        *,
        sep: str | None = None,
        pattern: TokenPattern | None = None,
        lowercase: bool = False,
        threads: int | None = None,
    ) -> Counter:
        """``Counter`` of every present string's ``split(sep)``, summed (with
        a ``pattern`` or ``lowercase``, the tokens of
        ``textops.word_frequencies``).

        >>> pd.Series(["a b a", None, "b"]).textops.word_frequencies()
        Counter({'a': 2, 'b': 2})
        """
        mode = self._word_mode(sep, pattern, lowercase)
        nthreads = resolve(threads)
        layouts = self._layouts()
        # a missing slot may be read as an empty document only where that
        # has no token ("".split(sep) has one) and holds no bytes
        if layouts is not None and not any(
            missing.any() and (sep is not None or _null_data(offsets, missing))
            for _, offsets, missing in layouts
        ):
            total: Counter = Counter()
            for data, offsets, _ in layouts:
                total.update(_core.corpus_frequencies(data, offsets, sep, mode, nthreads))
            return total
        texts, _ = self._strings()
        if not texts:
            return Counter()
        return Counter(
            _core.word_frequencies(
                texts, sep, mode, nthreads, text_checker(texts, _core.UNICODE, "series")
            )
        )
