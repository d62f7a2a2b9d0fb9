"""Document-term matrices: scikit-learn's ``CountVectorizer`` counts, built
in C (``csrc/matrix.c``), for users with or without scikit-learn.

``count_matrix(docs)`` gives what
``CountVectorizer(token_pattern=pattern, lowercase=lowercase,
ngram_range=ngram_range, stop_words=stop_words).fit_transform(docs)``
gives: a ``scipy.sparse.csr_matrix`` (int64 counts, columns in the sorted
order of the terms) and the vocabulary ``{term: column}``. SciPy is needed
(``pip install 'textops[sklearn]'``); ``import textops`` does not import it.

>>> X, vocabulary = count_matrix(["The cat and the hat.", "A cat!"])
>>> sorted(vocabulary.items(), key=lambda kv: kv[1])
[('and', 0), ('cat', 1), ('hat', 2), ('the', 3)]
>>> X.toarray().tolist()
[[1, 1, 1, 2], [0, 1, 0, 0]]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import _core
from ._errors import TextopsTypeError, TextopsValueError
from ._threads import resolve
from ._validate import quick_rule, text_checker, text_list, token_rule, type_name

#: The n-gram ranges the core counts.
NGRAM_RANGES = ((1, 1), (1, 2), (2, 2))


def rule_mode(pattern: Any, lowercase: bool) -> int | None:
    """The mode bits of a str token pattern and lowercasing, or None when
    the core does not know the pattern (the drop-in then runs the parent).

    >>> rule_mode(r"\\w+", False) == _core.WORD_CHARS
    True
    """
    return quick_rule(pattern, bool(lowercase), "")


def check_options(ngram_range: Any, stop_words: Any) -> None:
    """TextopsValueError for an ``ngram_range`` the core does not count,
    TextopsTypeError for ``stop_words`` given as one word.

    >>> check_options((1, 2), ["the"])
    """
    if not isinstance(ngram_range, tuple) or tuple(ngram_range) not in NGRAM_RANGES:
        raise TextopsValueError(
            f"ngram_range {ngram_range!r} is not supported, must be one of "
            + ", ".join(map(str, NGRAM_RANGES))
        )
    if isinstance(stop_words, (str, bytes)):
        raise TextopsTypeError(
            f"stop_words must be an iterable of words, not a single {type_name(stop_words)}"
        )


def _encode(words: Iterable[Any], mode: int) -> list[bytes]:
    """Words as the bytes the core compares (str as UTF-8)."""
    if mode == _core.UNICODE:
        return [str.encode(w, "utf-8", "surrogatepass") for w in words if isinstance(w, str)]
    return [bytes(w) for w in words if not isinstance(w, str)]


def _sparse() -> Any:
    try:
        import scipy.sparse
    except ImportError:
        raise ImportError("count_matrix needs scipy: pip install 'textops[sklearn]'") from None
    return scipy.sparse


def build(
    items: list[Any],
    mode: int,
    rule: int,
    ngram_range: tuple[int, int],
    stop_words: Iterable[Any] | None,
    vocabulary: dict[Any, int] | _core.MatrixTerms | None,
    threads: int,
    check: Any,
) -> tuple[_core.MatrixTerms | None, Any, Any, Any]:
    """The core's matrix of the texts ``items`` (already validated):
    (the terms in column order, or None with a ``vocabulary``: a dict
    ``{term: column}`` or the terms of an earlier matrix), indptr,
    indices, counts."""
    stops = _encode(stop_words or (), mode)
    vocab: Any = vocabulary
    if vocabulary is not None and not isinstance(vocabulary, _core.MatrixTerms):
        terms = [t for t in vocabulary if isinstance(t, str) == (mode == _core.UNICODE)]
        vocab = (_encode(terms, mode), [int(vocabulary[t]) for t in terms])
    return _core.count_matrix(items, stops, ngram_range, vocab, mode | rule, threads, check)


def csr(
    indptr: Any, indices: Any, counts: Any, shape: tuple[int, int], dtype: Any, array: bool
) -> Any:
    """A CSR matrix (or array) of the core's arrays, its index arrays int32
    (int64 past 2**31 - 1 entries) as scikit-learn makes them."""
    import numpy as np

    sparse = _sparse()
    index = np.int32 if len(indices) <= np.iinfo(np.int32).max else np.int64
    make = sparse.csr_array if array else sparse.csr_matrix
    return make(
        (counts.astype(dtype, copy=False), indices.astype(index, copy=False), indptr.astype(index)),
        shape=shape,
        copy=False,
    )


def count_matrix(
    documents: Iterable[Any],
    *,
    pattern: Any = r"(?u)\b\w\w+\b",
    lowercase: bool = True,
    ngram_range: tuple[int, int] = (1, 1),
    stop_words: Iterable[Any] | None = None,
    threads: int | None = None,
) -> tuple[Any, dict[Any, int]]:
    """The document-term matrix of ``documents`` and its vocabulary, as
    ``CountVectorizer(token_pattern=pattern, lowercase=lowercase,
    ngram_range=ngram_range, stop_words=stop_words)`` computes them with
    ``fit_transform`` and ``vocabulary_``: a ``scipy.sparse.csr_matrix`` of
    int64 counts (a row's columns in the order its terms first occur;
    ``sort_indices()`` sorts them) and ``{term: column}``, columns in
    the sorted order of the terms. Where CountVectorizer raises for an
    empty vocabulary, the matrix has no columns.

    ``pattern`` is one of ``r"(?u)\\b\\w\\w+\\b"`` (terms of two characters
    or more), ``r"(?u)\\b\\w+\\b"`` or ``r"\\w+"`` (the patterns of the word
    functions), or None for ``doc.split()``; bytes-like documents take the
    bytes patterns (``rb"\\w+"``..., ASCII ``\\w``, ``bytes.lower``) and give
    bytes terms. ``ngram_range`` is (1, 1), (1, 2) or (2, 2): a bigram is two
    neighbouring tokens joined by a space, after the ``stop_words`` (an
    iterable of words of the documents' kind) are taken out.

    >>> X, v = count_matrix(["a b a", "b c"], pattern=r"\\w+", ngram_range=(2, 2))
    >>> v, X.toarray().tolist()
    ({'a b': 0, 'b a': 1, 'b c': 2}, [[1, 1, 0], [0, 0, 1]])
    """
    name = "documents"
    items, mode = text_list(documents, name)
    check_options(ngram_range, stop_words)
    bits = token_rule(pattern, lowercase, None, mode, name)
    nthreads = resolve(threads)
    if mode is None:
        return _sparse().csr_matrix((0, 0), dtype="int64"), {}
    check = text_checker(items, mode, name)
    terms, indptr, indices, counts = build(
        items, mode, bits, ngram_range, stop_words, None, nthreads, check
    )
    import numpy as np

    if terms is None:  # never: no vocabulary was given
        raise RuntimeError("textops: the core returned no terms")

    matrix = csr(indptr, indices, counts, (len(items), len(terms)), np.int64, array=False)
    return matrix, terms.as_dict()
