"""``python -m textops bench`` and its corpus helpers, on tiny inputs (no timing is checked)."""

from pathlib import Path

import pytest

from textops import _bench
from textops.__main__ import main


def test_cut_documents_are_slices_of_the_text():
    text = _bench.generate_book(20_000)
    docs = _bench.cut_documents(text, 300, min_chars=40, max_chars=200)
    assert len(docs) == 300
    assert all(40 <= len(d) <= 200 and d in text for d in docs)
    assert docs == _bench.cut_documents(text, 300, min_chars=40, max_chars=200)


def test_bench_command_counts_agree(capsys):
    assert main(["bench", "--mb", "0.3", "--repeat", "1", "--docs", "500"]) == 0
    out = capsys.readouterr().out
    for title in (
        "1. substring count",
        "2. word count",
        "5. word count per document",
        "7. word count",
    ):
        assert title in out
    assert "all counts agree" in out


def test_benchmark_books_are_given_or_generated(tmp_path, monkeypatch):
    """The benchmark input is the books of --corpus or $TEXTOPS_CORPUS, else
    generated text, labelled so; nothing outside the repository (such as
    ../shared/corpus) is looked for. Its type is not named Corpus, which is
    textops.Corpus."""
    assert not hasattr(_bench, "Corpus") and _bench.BenchCorpus.__name__ == "BenchCorpus"
    monkeypatch.delenv("TEXTOPS_CORPUS", raising=False)
    assert _bench.find_corpus_dir() is None
    assert _bench.make_corpus(10_000).source.startswith("generated")
    monkeypatch.setenv("TEXTOPS_CORPUS", str(tmp_path))
    with pytest.warns(RuntimeWarning, match="holds no"):
        assert _bench.find_corpus_dir() is None
    (tmp_path / "a.txt").write_text("the whale\n")
    assert _bench.find_corpus_dir() == tmp_path
    assert _bench.find_corpus_dir("elsewhere") == Path("elsewhere")
    assert _bench.make_corpus(100, _bench.find_corpus_dir()).books[0].split().count("whale") >= 1
    conftest = Path(__file__).resolve().parent.parent / "benchmarks" / "conftest.py"
    assert "shared" not in conftest.read_text()
