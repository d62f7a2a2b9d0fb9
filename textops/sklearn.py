"""A drop-in ``CountVectorizer``: scikit-learn's, with the counting done by
the textops core (``csrc/matrix.c``) on every core.

``textops.sklearn.CountVectorizer`` is a subclass of
``sklearn.feature_extraction.text.CountVectorizer`` with the same
parameters. For the parameters it accelerates it gives the parent's answer
exactly (the same ``vocabulary_``, the same CSR matrix: ``indptr``,
``indices``, ``data`` and ``dtype``, after ``sort_indices()``); for any
other it runs the parent's own code. Accelerated: ``analyzer="word"`` with
no ``preprocessor``, ``tokenizer`` or ``strip_accents``; ``token_pattern``
one of ``r"(?u)\\b\\w\\w+\\b"`` (the default), ``r"(?u)\\b\\w+\\b"``,
``r"\\w+"``; ``lowercase`` True or False; ``ngram_range`` (1, 1), (1, 2) or
(2, 2); ``stop_words`` None, ``"english"`` or a list; ``min_df``,
``max_df``, ``max_features``, ``binary``, a numeric ``dtype``,
``vocabulary``; ``input="content"`` with ``str`` documents, and
``input="filename"`` with UTF-8 files (``encoding="utf-8"``,
``decode_error="strict"``), mapped and counted in C. Each document is
counted by one thread, the documents shared out among textops' threads
(``textops.set_num_threads``).

Needs scikit-learn and SciPy (``pip install 'textops[sklearn]'``).

>>> cv = CountVectorizer()
>>> X = cv.fit_transform(["The cat and the hat.", "A cat!"])
>>> cv.get_feature_names_out().tolist(), X.toarray().tolist()
(['and', 'cat', 'hat', 'the'], [[1, 1, 1, 2], [0, 1, 0, 0]])
"""

from __future__ import annotations

import codecs
import os
import threading
import warnings
from contextlib import ExitStack
from numbers import Integral
from typing import Any

import numpy as np
from sklearn.base import _fit_context
from sklearn.feature_extraction import text as _text

from . import _core, _files, _matrix
from ._threads import resolve

try:
    from sklearn.utils._sparse import _align_api_if_sparse
except ImportError:  # scikit-learn before the sparse-interface setting
    _align_api_if_sparse = None

__all__ = ["CountVectorizer"]

# Files smaller than this are read, not mapped; at most MAX_MAPPED files of
# a call are mapped (each mapping holds a file descriptor), the rest read.
READ_BYTES = 1 << 20
MAX_MAPPED = 256

# The key of the instance's __dict__ that holds the fitted terms until
# vocabulary_ is read (CountVectorizer.vocabulary_).
_TERMS = "_textops_terms"
# Held while vocabulary_ or the terms are stored or dropped, so that the
# two are never both kept and a dict built from one fit's terms is never
# stored over a later fit (or a deletion).
_STORE = threading.Lock()


def _accept(i: int, item: Any) -> Any:
    return item


class _NotCounted(Exception):
    """A document the core does not count: the parent's code then runs."""


def _only_str(i: int, item: Any) -> Any:
    """The check of ``input="content"`` documents: the core reads exact
    ``str`` items itself and hands any other here."""
    raise _NotCounted


def _load_files(paths: list[Any], threads: int, stack: ExitStack) -> list[Any]:
    """The files' bytes (checked UTF-8), mapped or read. Raises OSError or
    UnicodeDecodeError (the caller then lets scikit-learn raise its own)."""
    texts: list[Any] = []
    mapped = 0
    for path in paths:
        if mapped < MAX_MAPPED and os.stat(path).st_size >= READ_BYTES:
            texts.append(_files.load(path, "utf-8", threads, stack))
            mapped += 1
            continue
        with open(path, "rb") as f:
            data = f.read()
        if _core.utf8_check(data, threads) >= 0:
            raise UnicodeDecodeError("utf-8", data, 0, 1, "invalid data")
        texts.append(data)
    return texts


def _is_path(doc: Any) -> bool:
    return isinstance(doc, (str, bytes, os.PathLike))


class CountVectorizer(_text.CountVectorizer):
    """scikit-learn's ``CountVectorizer``, counted by the textops core for
    the parameters it accelerates (see the module), else by the parent.

    >>> CountVectorizer(ngram_range=(2, 2)).fit(["to be or not to be"]).vocabulary_
    {'be or': 0, 'not to': 1, 'or not': 2, 'to be': 3}
    """

    # vocabulary_ after a fit the core counted is built when first read,
    # from the terms the core laid out (kept meanwhile in
    # __dict__[_TERMS]); once built, or assigned, it is an ordinary
    # attribute in __dict__, as in the parent.
    @property
    def vocabulary_(self) -> dict[Any, int]:
        """The parent's ``{term: column}`` (see the module).

        >>> CountVectorizer().fit(["bb aa"]).vocabulary_
        {'aa': 0, 'bb': 1}
        """
        state = self.__dict__
        while True:
            try:
                return state["vocabulary_"]
            except KeyError:
                pass
            terms = state.get(_TERMS)
            if terms is None:
                raise self._no_vocabulary()
            built = terms.as_dict()  # other threads run meanwhile
            with _STORE:
                # stored only if these terms are still this object's (not
                # refitted, assigned or deleted meanwhile); another reader
                # that stored first leaves its dict for every reader
                if state.get(_TERMS) is terms:
                    state["vocabulary_"] = built
                    del state[_TERMS]

    @vocabulary_.setter
    def vocabulary_(self, value: Any) -> None:
        with _STORE:
            self.__dict__["vocabulary_"] = value
            self.__dict__.pop(_TERMS, None)

    @vocabulary_.deleter
    def vocabulary_(self) -> None:
        with _STORE:
            if self.__dict__.pop(_TERMS, None) is not None:
                return
            if "vocabulary_" not in self.__dict__:
                raise self._no_vocabulary()
            del self.__dict__["vocabulary_"]

    def _fitted_terms(self, terms: _core.MatrixTerms) -> None:
        """Keeps a fit's terms for vocabulary_ to build when read."""
        with _STORE:
            self.__dict__.pop("vocabulary_", None)
            self.__dict__[_TERMS] = terms

    def _no_vocabulary(self) -> AttributeError:
        """The parent's error for a vocabulary_ not fitted."""
        return AttributeError(f"'{type(self).__name__}' object has no attribute 'vocabulary_'")

    def __getstate__(self) -> Any:
        """The parent's state, with ``vocabulary_`` built (see the module)."""
        if _TERMS in self.__dict__:
            self.vocabulary_  # noqa: B018 (builds it)
        return super().__getstate__()

    def get_feature_names_out(self, input_features: Any = None) -> Any:
        """The terms in column order, as the parent's
        ``get_feature_names_out``.

        >>> CountVectorizer().fit(["bb aa"]).get_feature_names_out().tolist()
        ['aa', 'bb']
        """
        terms = self.__dict__.get(_TERMS)
        if terms is None:
            return super().get_feature_names_out(input_features)
        return np.asarray(terms.as_list(), dtype=object)

    def _textops_mode(self) -> int | None:
        """The core's mode bits for these parameters, or None when the
        parent's code must run."""
        if (
            self.analyzer != "word"
            or self.preprocessor is not None
            or self.tokenizer is not None
            or self.strip_accents
            or self.input not in ("content", "filename")
        ):
            return None
        if self.input == "filename":
            try:
                utf8 = codecs.lookup(self.encoding).name == "utf-8"
            except (LookupError, TypeError):
                return None
            if not utf8 or self.decode_error != "strict":
                return None
        ngram = self.ngram_range
        if not isinstance(ngram, tuple) or ngram not in _matrix.NGRAM_RANGES:
            return None
        stop = self.stop_words
        if not (
            stop is None or isinstance(stop, list) or (isinstance(stop, str) and stop == "english")
        ):
            return None
        try:
            if np.dtype(self.dtype).kind not in "biufc":
                return None
        except TypeError:
            return None
        bits = _matrix.rule_mode(self.token_pattern, bool(self.lowercase))
        return None if bits is None else bits

    def _textops_documents(self, raw_documents: Any) -> tuple[list[Any], bool]:
        """The documents as a list, and whether the core can count them."""
        docs = list(raw_documents)
        if not docs:
            return docs, False
        if self.input == "filename":
            return docs, all(map(_is_path, docs))
        return docs, True  # the core hands any item not an exact str to _only_str

    def _textops_count(
        self, docs: list[Any], rule: int, vocabulary: dict[Any, int] | _core.MatrixTerms | None
    ) -> tuple[_core.MatrixTerms | None, Any] | None:
        """(the terms in column order, or None with a vocabulary; the CSR
        matrix in self.dtype), or None when the core does not count the
        documents: files that could not be read (the parent then raises
        its own error) or an item not an exact ``str``."""
        threads = resolve(None)
        stop_words = self.get_stop_words()
        ngram = tuple(self.ngram_range)
        with ExitStack() as stack:
            texts, check = docs, _only_str
            if self.input == "filename":
                try:
                    texts, check = _load_files(docs, threads, stack), _accept
                except (OSError, UnicodeDecodeError):
                    return None
            try:
                terms, indptr, indices, counts = _matrix.build(
                    texts, _core.UNICODE, rule, ngram, stop_words, vocabulary, threads, check
                )
            except _NotCounted:
                return None
        ncols = len(terms) if terms is not None else len(vocabulary or ())
        array = _align_api_if_sparse is not None
        X = _matrix.csr(indptr, indices, counts, (len(docs), ncols), self.dtype, array)
        return terms, X

    def _textops_finish(self, X: Any) -> Any:
        return _align_api_if_sparse(X) if _align_api_if_sparse is not None else X

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, raw_documents: Any, y: Any = None) -> Any:
        """Learn the vocabulary and return the document-term matrix, as
        the parent does (see ``sklearn``'s ``CountVectorizer.fit_transform``).

        >>> CountVectorizer().fit_transform(["bb aa", "aa"]).toarray().tolist()
        [[1, 1], [1, 0]]
        """
        rule = self._textops_mode()
        if rule is None or isinstance(raw_documents, str):
            return super().fit_transform(raw_documents, y)
        docs, ok = self._textops_documents(raw_documents)
        if not ok:
            return super().fit_transform(docs, y)
        self._validate_ngram_range()
        self._warn_for_unused_params()
        self._validate_vocabulary()
        if self.fixed_vocabulary_ and self.lowercase:
            for term in self.vocabulary:
                if any(map(str.isupper, term)):
                    warnings.warn(
                        "Upper case characters found in"
                        " vocabulary while 'lowercase'"
                        " is True. These entries will not"
                        " be matched with any documents",
                        stacklevel=2,
                    )
                    break
        self.build_analyzer()  # the stop-word consistency check and warning
        counted = self._textops_count(
            docs, rule, self.vocabulary_ if self.fixed_vocabulary_ else None
        )
        if counted is None:
            return super().fit_transform(docs, y)
        terms, X = counted
        if not self.fixed_vocabulary_ and terms is not None and len(terms) == 0:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        if self.binary:
            X.data.fill(1)
        if self.fixed_vocabulary_:
            return self._textops_finish(X)
        if terms is None:  # never: no vocabulary was given
            raise RuntimeError("textops: the core returned no terms")
        X, vocabulary = self._textops_limit(X, terms)
        if isinstance(vocabulary, _core.MatrixTerms):
            self._fitted_terms(vocabulary)  # vocabulary_, when it is read
        else:
            self.vocabulary_ = vocabulary
        return self._textops_finish(X)

    def _textops_limit(
        self, X: Any, terms: _core.MatrixTerms
    ) -> tuple[Any, dict[Any, Any] | _core.MatrixTerms]:
        """min_df, max_df and max_features applied to X (columns in sorted
        order) as the parent's fit_transform applies them; the terms kept."""
        n_doc = X.shape[0]
        max_df, min_df = self.max_df, self.min_df
        high: Any = max_df if isinstance(max_df, Integral) else max_df * n_doc
        low: Any = min_df if isinstance(min_df, Integral) else min_df * n_doc
        if high < low:
            raise ValueError("max_df corresponds to < documents than min_df")
        if self.max_features is not None:
            # the parent sorts, then limits: its own code, on the same input
            vocabulary = terms.as_dict()
            return self._limit_features(X, vocabulary, high, low, self.max_features), vocabulary
        if low <= 1 and high >= n_doc:
            return X, terms  # every term is in 1 to n_doc documents
        dfs = np.bincount(X.indices, minlength=X.shape[1])
        mask = (dfs <= high) & (dfs >= low)
        if not mask.any():
            raise ValueError(
                "After pruning, no terms remain. Try a lower min_df or a higher max_df."
            )
        new_index = np.cumsum(mask) - 1
        keep = mask[X.indices]
        rows = np.repeat(np.arange(n_doc), np.diff(X.indptr))[keep]
        indptr = np.zeros(n_doc + 1, dtype=X.indptr.dtype)
        np.cumsum(np.bincount(rows, minlength=n_doc), out=indptr[1:])
        indices = new_index[X.indices[keep]].astype(X.indices.dtype)
        X = type(X)((X.data[keep], indices, indptr), shape=(n_doc, int(mask.sum())))
        return X, terms.select(mask)

    def transform(self, raw_documents: Any) -> Any:
        """The document-term matrix of the documents over the fitted (or
        given) vocabulary, as the parent's ``transform``.

        >>> cv = CountVectorizer().fit(["aa bb"])
        >>> cv.transform(["bb bb cc"]).toarray().tolist()
        [[0, 2]]
        """
        rule = self._textops_mode()
        if rule is None or isinstance(raw_documents, str):
            return super().transform(raw_documents)
        docs, ok = self._textops_documents(raw_documents)
        if not ok:
            return super().transform(docs)
        terms = self.__dict__.get(_TERMS)
        if terms is None:
            self._check_vocabulary()
        counted = self._textops_count(docs, rule, terms if terms is not None else self.vocabulary_)
        if counted is None:
            return super().transform(docs)
        X = counted[1]
        if self.binary:
            X.data.fill(1)
        return self._textops_finish(X)
