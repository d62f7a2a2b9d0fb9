"""A file that shrinks or changes while textops reads it never kills the
interpreter.

Files are counted through a memory map; a read of a mapped page past a
truncated file's new end raises SIGBUS, which by default ends the process.
textops guards its mappings (csrc/mapguard.c): the call raises OSError
naming the file instead. Each case runs in a child interpreter, so that a
regression fails the test instead of killing the test run; the children run
with faulthandler on, as pytest runs this process, so the guard is also
shown to work beside another SIGBUS handler and to hand that handler back.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="SIGBUS on truncated mappings is tested on Linux"
)

FUNCTIONS = [
    "file_word_count",
    "file_substring_count",
    "file_line_word_counts",
    "file_word_frequencies",
]


def run_child(tmp_path, script):
    """Run script in a child python (faulthandler on) from tmp_path; return
    its completed process."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", textwrap.dedent(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_file_truncated_after_mapping_raises_oserror(tmp_path, function):
    """The file is cut to one page right after textops maps it, before it
    counts: every function raises OSError(EIO) naming the file."""
    done = run_child(
        tmp_path,
        f"""
        import errno, json, os, textops
        from textops import _files
        path = os.path.abspath("big.txt")
        with open(path, "wb") as f:
            f.write(b"the cat\\n" * (4 << 20))        # 32 MiB
        opened = _files._open

        def open_then_truncate(p, *args):
            data = opened(p, *args)
            os.truncate(p, 4096)
            return data

        _files._open = open_then_truncate
        args = () if {function!r} == "file_word_frequencies" else ("cat",)
        try:
            textops.{function}(path, *args, threads=2)
            print(json.dumps(["returned"]))
        except OSError as exc:
            print(json.dumps(["OSError", exc.errno, exc.filename, str(exc)]))
        """,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    kind, code, filename, message = json.loads(done.stdout)
    assert kind == "OSError"
    assert code == 5  # EIO
    assert filename == str(tmp_path / "big.txt")
    assert "changed size while being read" in message and "big.txt" in message


def test_file_truncated_by_another_thread_during_the_call(tmp_path):
    """The case as a user meets it: another thread truncates a 200 MiB file
    while file_line_word_counts reads it. Each attempt either finishes
    before the cut (then with the right counts) or raises OSError naming
    the file; the interpreter never dies."""
    done = run_child(
        tmp_path,
        """
        import json, os, threading, textops
        path = os.path.abspath("big.txt")
        outcomes = []
        for delay in (0.02, 0.05, 0.1, 0.15, 0.3):
            with open(path, "wb") as f:
                f.write(b"a" * (200 << 20))
            timer = threading.Timer(delay, os.truncate, (path, 4096))
            timer.start()
            try:
                counts = textops.file_line_word_counts(path, "b", threads=1)
                outcomes.append(["returned", counts == [0]])
            except OSError as exc:
                outcomes.append(["OSError", exc.filename])
            timer.join()
        print(json.dumps(outcomes))
        """,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcomes = json.loads(done.stdout)
    path = str(tmp_path / "big.txt")
    assert all(o in (["returned", True], ["OSError", path]) for o in outcomes), outcomes
    assert ["OSError", path] in outcomes, outcomes  # the cut landed in some call


def test_sigbus_outside_textops_still_reaches_the_previous_handler(tmp_path):
    """After textops' calls, a SIGBUS of the program's own goes to the
    handler that was there before (faulthandler here), as without textops."""
    done = run_child(
        tmp_path,
        """
        import mmap, os, textops
        with open("f.txt", "wb") as f:
            f.write(b"x" * (1 << 20))
        assert textops.file_word_count("f.txt", "x") == 0
        with open("f.txt", "rb") as f:
            m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        os.truncate("f.txt", 0)
        print(m[len(m) - 1])  # SIGBUS, not textops' business
        """,
    )
    assert done.returncode == -7  # SIGBUS
    assert "Fatal Python error: Bus error" in done.stderr


def test_file_rewritten_after_its_check_gives_no_false_ascii_term(tmp_path):
    """A mapped file rewritten after its UTF-8 check and before its count
    (another writer, here at that moment) makes the drop-in CountVectorizer's
    fit raise, not build a term whose str kind lies about its bytes: an
    "ASCII" str holding 0xC3 kills the interpreter on ord()."""
    pytest.importorskip("sklearn")
    done = run_child(
        tmp_path,
        """
        import json
        from textops import _files, sklearn as tsk
        with open("doc.txt", "wb") as f:
            f.write(("caf\\u00e9 " * 250000).encode())  # 1.5 MB: mapped
        loaded = _files.load

        def load_then_rewrite(p, *args, **kwargs):
            data = loaded(p, *args, **kwargs)  # mapped and checked
            with open(p, "r+b") as f:
                f.seek(3)
                f.write(b"\\xc3z")  # "caf\\xc3\\xa9" becomes "caf\\xc3z"
            return data

        _files.load = load_then_rewrite
        try:
            terms = list(tsk.CountVectorizer(input="filename").fit(["doc.txt"]).vocabulary_)
            print(json.dumps(["returned", [[ord(c) for c in t] for t in terms]]))
        except MemoryError as exc:
            print(json.dumps(["MemoryError", str(exc)]))
        """,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    kind, detail = json.loads(done.stdout)
    assert kind == "MemoryError", detail
    assert "changed during the call" in detail
