"""``python -m textops bench`` and its corpus helpers, on tiny inputs (no timing is checked)."""
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
    for title in ("1. substring count", "2. word count", "5. word count per document", "7. word count"):
        assert title in out
    assert "all counts agree" in out
