"""Ctrl-C (SIGINT) stops a long textops call within half a second.

A child process runs each kind of long call in a loop, sends itself SIGINT,
and reports how long the KeyboardInterrupt took, whether memory grew, and
whether the next call works; the test checks the report.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """About 60 MB of short lines: each call takes tens of milliseconds or more."""
    path = tmp_path_factory.mktemp("interrupt") / "big.txt"
    line = "the whale and the sea, caf\u00e9 \u3000 the end\n"
    path.write_text(line * 1_600_000, encoding="utf-8")
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself is POSIX")
def test_sigint_stops_long_calls(big_file):
    done = subprocess.run(
        [sys.executable, str(HERE / "scripts" / "interrupt_child.py"), str(big_file)],
        capture_output=True, text=True, timeout=300, cwd=big_file.parent,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report) == 8
    for name, result in report.items():
        print(f"\n{name}: stopped after {', '.join(f'{t * 1000:.0f}' for t in result['latencies'])} ms, "
              f"memory {result['rss_growth_mb']:+.1f} MB")
        assert max(result["latencies"]) < 0.5, (name, result)
        assert result["next_call"] == 2, name
        assert result["threads_left"] == 1, (name, result)
        assert result["rss_growth_mb"] < 20, (name, result)
