"""The quickstart notebook runs in a real Jupyter kernel, and a long call
in a kernel stops when the kernel is interrupted (the notebook's stop
button)."""

import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "quickstart.ipynb"


def outputs(cell, kind):
    return [
        o
        for o in cell.get("outputs", [])
        if o.get("output_type") == kind or kind in o.get("data", {})
    ]


def test_quickstart_notebook_runs(monkeypatch):
    monkeypatch.setenv("QUICKSTART_MB", "1")  # a short run: 1 M characters a book
    monkeypatch.delenv("TEXTOPS_CORPUS", raising=False)  # what a fresh clone has
    assert "shared" not in NOTEBOOK.read_text()  # no folder outside the repository
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError on any error, incl. failed asserts
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not outputs(c, "error") for c in code)
    text = "".join(o.get("text", "") for c in code for o in outputs(c, "stream"))
    assert "textops" in text and "times in" in text
    assert "paragraphs" in text and "scikit-learn" in text  # the drop-in CountVectorizer
    assert "generated-1" in text  # generated books, labelled so
    # the timing table, the term matrix and the frequency table are DataFrames
    html = [o["data"]["text/html"] for c in code for o in outputs(c, "text/html")]
    assert any("speed-up" in h for h in html)
    assert any("Valjean" in h and "Ahab" in h for h in html)
    assert "Dask dashboard: http://" in text and "on 2 workers" in text  # textops.dask
    # the four charts
    assert sum(len(outputs(c, "image/png")) for c in code) >= 4


LOOP = """\
import time
try:
    while True:
        textops.word_frequencies(text, threads=1)
except KeyboardInterrupt:
    print("caught", time.time())
    raise
"""


def test_interrupting_the_kernel_stops_a_long_call():
    """The latency is from the interrupt to the KeyboardInterrupt in the
    kernel (wall clocks of one machine), without IPython's traceback."""
    jupyter_client = pytest.importorskip("jupyter_client")
    import textops

    # not in the source checkout, whose unbuilt textops/ would come first
    km, kc = jupyter_client.manager.start_new_kernel(
        kernel_name="python3", cwd=str(Path(textops.__file__).resolve().parent.parent)
    )
    try:
        kc.execute_interactive(
            "import textops; text = 'the whale and the sea ' * 4_000_000", timeout=120
        )
        msg_id = kc.execute(LOOP)
        time.sleep(1.0)
        sent = time.time()
        km.interrupt_kernel()
        printed, reply = [], None
        while reply is None:
            msg = kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                reply = kc.get_shell_msg(timeout=30)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        caught = float("".join(printed).split()[1])
        print(f"\nkernel interrupt: KeyboardInterrupt after {(caught - sent) * 1000:.0f} ms")
        assert caught - sent < 0.5
        # the next call works
        result = []
        kc.execute_interactive(
            "print(textops.word_count('a b a', 'a'))",
            timeout=30,
            output_hook=lambda m: result.append(m["content"].get("text", "")),
        )
        assert "2" in "".join(result)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
