"""Per-item costs at the limit (issue 13): the Corpus rows.

Run from the repository root, on the books (skipped without them)::

    TEXTOPS_CORPUS=../shared/corpus python -m pytest benchmarks/test_bench_items.py \\
        --benchmark-only --benchmark-group-by=group --benchmark-columns=min,median \\
        --benchmark-json=items.json

Inputs (``conftest.py``): BOOKS cut into paragraphs (``paras``: split at
blank lines) and DOCS (``docs``: ``$TEXTOPS_BENCH_DOCS`` documents of
40-200 characters cut from BOOKS, 1,000,000 by default), each packed once
into a ``Corpus``, and the same documents joined into one ``str`` and into
its UTF-8 bytes (the corpus's own bytes, end to end: the substring rows'
one text).

Groups, ``items-corpus-substring[w|kind]`` and ``items-corpus-word[w|kind]``
for kind ``paras`` or ``docs`` and the words "the" (frequent), "whale"
(rare), "zyzzyva" (absent) and "e" (one letter): ``Corpus.substring_count(w)``
against ``substring_count(joined_bytes, w)`` (target: the corpus at least 0.7x the
speed of the one text, for every word, on 1 and 2 threads), and
``Corpus.word_count(w)`` against ``word_count(joined, w)`` (measured and
reported). ``extra_info`` holds ``impl``, ``threads``, ``word``, ``docs``
and ``bytes``; ``ratios(json)`` below gives, per group and thread count,
the one text's time over the corpus's (above 1: the corpus is faster).

Groups ``items-batch-substring[w]`` and ``items-batch-word[w]`` ("the",
"whale"; 1 and 2 threads): DOCS as a list through
``parallel_substring_count`` / ``parallel_word_count``, whose short texts
are counted with the GIL held a slice at a time (``impl`` "held path"),
against the same batch through the path that takes a reference to every
text and counts with the GIL released ("reference path"), in one run.

Every benchmark asserts its result: the corpus against each document's own
count (``[d.count(w) for d in docs]``, ``[d.split().count(w) ...]``), the one
text against ``joined.count(w)`` / ``joined.split().count(w)``, computed once.
"""

from __future__ import annotations

import functools
import json
import sys
from typing import Any

import pytest

import textops
from conftest import corpus_dir, warm  # benchmarks/conftest.py, on pytest's path
from textops import _core
from textops._bench import utf8_size

WORDS = ["the", "whale", "zyzzyva", "e"]
THREADS = [1, 2]
KINDS = ["paras", "docs"]


class Items:
    """One kind of documents: the list, its Corpus and the joined text."""

    def __init__(self, docs: list[str]) -> None:
        self.docs = docs
        self.corpus = textops.Corpus(docs)
        self.joined = "".join(docs)
        # the corpus's own bytes end to end: a str of the books is stored
        # two bytes a character, which would make the one text slower
        self.joined_bytes = self.joined.encode("utf-8", "surrogatepass")
        warm([self.joined])
        self.nbytes = utf8_size(self.joined)
        self.each_count = functools.cache(lambda w: [d.count(w) for d in docs])
        self.each_words = functools.cache(lambda w: [d.split().count(w) for d in docs])
        self.count = functools.cache(self.joined.count)
        self.words = functools.cache(lambda w: self.joined.split().count(w))


@pytest.fixture(scope="session")
def items(request: pytest.FixtureRequest) -> dict[str, Items]:
    """The paragraphs of BOOKS and DOCS, packed (only on real books: the
    skip comes before BOOKS is built)."""
    if corpus_dir() is None:
        pytest.skip("set TEXTOPS_CORPUS to a directory of *.txt books (../shared/corpus)")
    books: str = request.getfixturevalue("books")
    docs: list[str] = request.getfixturevalue("docs")
    paras = [p for p in books.split("\n\n") if p]
    return {"paras": Items(paras), "docs": Items(docs)}


def _info(benchmark: Any, impl: str, word: str, kind: str, threads: int, nbytes: int) -> None:
    benchmark.extra_info.update(impl=impl, word=word, docs=kind, threads=threads, bytes=nbytes)


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("word", WORDS)
def test_corpus_substring_count(benchmark, items, word, kind, threads):
    it = items[kind]
    benchmark.group = f"items-corpus-substring[{word}|{kind}]"
    _info(benchmark, "Corpus.substring_count", word, kind, threads, it.nbytes)
    got = benchmark(it.corpus.substring_count, word, threads=threads)
    assert got.tolist() == it.each_count(word)


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("word", WORDS)
def test_one_text_substring_count(benchmark, items, word, kind, threads):
    it = items[kind]
    benchmark.group = f"items-corpus-substring[{word}|{kind}]"
    _info(benchmark, "textops.substring_count", word, kind, threads, it.nbytes)
    got = benchmark(textops.substring_count, it.joined_bytes, word.encode(), threads=threads)
    assert got == it.count(word)


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("word", WORDS)
def test_corpus_word_count(benchmark, items, word, kind, threads):
    it = items[kind]
    benchmark.group = f"items-corpus-word[{word}|{kind}]"
    _info(benchmark, "Corpus.word_count", word, kind, threads, it.nbytes)
    got = benchmark(it.corpus.word_count, word, threads=threads)
    assert got.tolist() == it.each_words(word)


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("word", WORDS)
def test_one_text_word_count(benchmark, items, word, kind, threads):
    it = items[kind]
    benchmark.group = f"items-corpus-word[{word}|{kind}]"
    _info(benchmark, "textops.word_count", word, kind, threads, it.nbytes)
    assert benchmark(textops.word_count, it.joined, word, threads=threads) == it.words(word)


# --- the GIL-held batch (issue 13, rows 1 and 2) ---------------------------

HELD_WORDS = ["the", "whale"]


def _reference_path(words: bool, docs: list[str], word: str, threads: int) -> list[int]:
    """The batch as it ran before the GIL-held slices: the glue takes a
    reference to every text, the count runs with the GIL released, the
    references are dropped after it (``_core._released``)."""
    mode = _core.UNICODE

    def keep(i: int, item: Any) -> Any:
        return item

    return _core._released(words, docs, [word], None, mode, threads, keep, keep)


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("path", ["held", "reference"])
@pytest.mark.parametrize("what", ["substring", "word"])
@pytest.mark.parametrize("word", HELD_WORDS)
def test_batch_paths(benchmark, docs, word, what, path, threads):
    """DOCS through ``parallel_substring_count`` / ``parallel_word_count``
    (short texts counted with the GIL held, slice by slice) against the
    same call through the path that holds references with the GIL released,
    in one run; row 5 of test_bench_targets.py compares them with Python."""
    words = what == "word"
    benchmark.group = f"items-batch-{what}[{word}]"
    _info(benchmark, f"{path} path", word, "docs", threads, utf8_size(docs))
    if path == "held":
        call = textops.parallel_word_count if words else textops.parallel_substring_count
        got = benchmark(call, docs, word, threads=threads)
    else:
        got = benchmark(_reference_path, words, docs, word, threads)
    assert got == (
        [d.split().count(word) for d in docs] if words else [d.count(word) for d in docs]
    )


def ratios(path: str) -> dict[tuple[str, int], float]:
    """{(group, threads): the one text's best time / the corpus's} of a
    ``--benchmark-json`` run of this file.

    >>> ratios("items.json")[("items-corpus-substring[the|docs]", 1)]  # doctest: +SKIP
    0.93
    """
    with open(path, encoding="utf-8") as f:
        run = json.load(f)
    best: dict[tuple[str, int, bool], float] = {}
    for bench in run["benchmarks"]:
        info = bench["extra_info"]
        key = (bench["group"], info["threads"], info["impl"].startswith("Corpus"))
        best[key] = bench["stats"]["min"]
    return {
        (group, threads): best[(group, threads, False)] / best[(group, threads, True)]
        for group, threads, corpus in best
        if corpus and (group, threads, False) in best
    }


if __name__ == "__main__":  # python benchmarks/test_bench_items.py items.json
    for (group, threads), ratio in sorted(ratios(sys.argv[1]).items()):
        print(f"{group:44} threads={threads}  corpus/one-text speed {ratio:5.2f}x")
