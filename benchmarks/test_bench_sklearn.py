"""The CountVectorizer rows of issue 10: ``textops.sklearn.CountVectorizer``
against scikit-learn's own, in one run (benchmark groups: one per input
and ``ngram_range``, the parent and the drop-in on 1 and 2 threads).

Run from the repository root (``pytest`` alone runs only ``tests/``), small::

    TEXTOPS_BENCH_SKLEARN_DOCS=200000 python -m pytest \\
        benchmarks/test_bench_sklearn.py --benchmark-only --benchmark-columns=min,mean,rounds

Inputs: the books (``$TEXTOPS_CORPUS``, else generated English-like text of
``$TEXTOPS_BENCH_SKLEARN_MB`` MB, default 13, ``textops._bench``) cut into
paragraphs at blank lines; and ``$TEXTOPS_BENCH_SKLEARN_DOCS`` (default
1,000,000) short documents of 40-200 characters cut from the books. Every
drop-in result is checked against the parent's (the same vocabulary_ and
CSR arrays). The drop-in builds ``vocabulary_`` when it is first read: the
rows ``textops+vocabulary_`` read it after ``fit_transform``, the rows
``textops`` do not. Each benchmark records ``extra_info`` ``impl``, ``threads`` and
``bytes``; the parent runs few rounds (``benchmark.pedantic``).
"""

from __future__ import annotations

import os
import re

import pytest

pytest.importorskip("sklearn")
pytest.importorskip("scipy")

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer as Parent

import textops
from textops._bench import cut_documents, find_corpus_dir, generate_books, load_books
from textops.sklearn import CountVectorizer

MB = float(os.environ.get("TEXTOPS_BENCH_SKLEARN_MB", "13"))
DOCS = int(os.environ.get("TEXTOPS_BENCH_SKLEARN_DOCS", "1000000"))


def _books() -> list[str]:
    directory = find_corpus_dir()
    return load_books(directory) if directory is not None else generate_books(int(MB * 1e6))


@pytest.fixture(scope="module")
def inputs() -> dict[str, list[str]]:
    books = _books()
    paragraphs = [p for book in books for p in re.split(r"\n\s*\n", book) if p.strip()]
    short = cut_documents("\n".join(books), DOCS)
    for docs in (paragraphs, short):  # the UTF-8 forms CPython caches, made once
        textops.parallel_word_count(docs, "x")
    return {"paragraphs": paragraphs, "short": short}


@pytest.fixture(scope="module")
def references() -> dict:
    return {}


def _same(mine, theirs, cv_mine, cv_theirs) -> None:
    mine.sort_indices()
    theirs.sort_indices()
    if cv_mine.vocabulary_ != cv_theirs.vocabulary_:
        raise AssertionError("the vocabularies differ")
    for name in ("indptr", "indices", "data"):
        a, b = getattr(mine, name), getattr(theirs, name)
        if a.dtype != b.dtype or not np.array_equal(a, b):
            raise AssertionError(f"the matrices' {name} differ")


# "textops+vocabulary_": fit_transform, then vocabulary_ read (the drop-in
# builds the dict when it is first read)
IMPLS = [
    ("scikit-learn", None),
    ("textops", 1),
    ("textops", 2),
    ("textops+vocabulary_", 1),
    ("textops+vocabulary_", 2),
]
IDS = ["sklearn", "textops-1", "textops-2", "textops-1-vocab", "textops-2-vocab"]


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)], ids=["1-1", "1-2"])
@pytest.mark.parametrize("name", ["paragraphs", "short"])
@pytest.mark.parametrize("impl,threads", IMPLS, ids=IDS)
def test_fit_transform(benchmark, inputs, references, name, ngram_range, impl, threads):
    docs = inputs[name]
    benchmark.group = f"CountVectorizer {name} ngram_range={ngram_range}"
    benchmark.extra_info.update(
        impl=impl, threads=threads, bytes=sum(len(d.encode()) for d in docs), docs=len(docs)
    )
    key = (name, ngram_range)
    if impl == "scikit-learn":
        cv = Parent(ngram_range=ngram_range)
        X = benchmark.pedantic(cv.fit_transform, (docs,), rounds=2, iterations=1)
        references[key] = (cv, X)
        return
    previous = textops.get_num_threads()
    textops.set_num_threads(threads)
    read = impl == "textops+vocabulary_"

    def run():
        cv = CountVectorizer(ngram_range=ngram_range)
        X = cv.fit_transform(docs)
        if read:
            cv.vocabulary_  # noqa: B018 (built when first read)
        return cv, X

    try:
        cv, X = benchmark.pedantic(run, rounds=5, iterations=1, warmup_rounds=1)
    finally:
        textops.set_num_threads(previous)
    if key not in references:
        ref = Parent(ngram_range=ngram_range)
        references[key] = (ref, ref.fit_transform(docs))
    _same(X, references[key][1], cv, references[key][0])
