"""The command line: textops count / freq (and bench's argument checks)."""

import io
import json
import re
import subprocess
import sys
from collections import Counter

import pytest

from textops.__main__ import main

TEXT = "the whale\u3000the sea\nand the\r\nwhale the end"
OTHER = "no words here\n"


@pytest.fixture
def files(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(TEXT.encode())
    b.write_bytes(OTHER.encode())
    return str(a), str(b)


def run(capsys, *argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    try:
        status = main(list(argv))
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def test_count_words_substrings_lines(capsys, files):
    a, b = files
    assert run(capsys, "count", "the", a) == (0, f"{TEXT.split().count('the')}\n", "")
    status, out, _ = run(capsys, "count", "the", a, b)
    assert out == f"{a}:{TEXT.split().count('the')}\n{b}:0\n"
    status, out, _ = run(capsys, "count", "--substring", "he", a, b, "--json")
    assert json.loads(out) == [
        {"file": a, "count": TEXT.count("he")},
        {"file": b, "count": OTHER.count("he")},
    ]
    status, out, _ = run(capsys, "count", "--lines", "the", a)
    assert out.split() == [str(ln.split().count("the")) for ln in TEXT.splitlines()]
    status, out, _ = run(capsys, "count", "--sep", " ", "the", a, "--threads", "2")
    assert out == f"{TEXT.split(' ').count('the')}\n"
    status, out, _ = run(capsys, "count", "--bytes", "the", a)
    assert out == f"{TEXT.encode().split().count(b'the')}\n"


def test_count_and_freq_from_stdin(capsys, monkeypatch):
    status, out, _ = run(capsys, "count", "whale", stdin=TEXT.encode(), monkeypatch=monkeypatch)
    assert (status, out) == (0, f"{TEXT.split().count('whale')}\n")
    status, out, _ = run(
        capsys, "freq", "-n", "2", "--json", stdin=TEXT.encode(), monkeypatch=monkeypatch
    )
    assert json.loads(out) == [
        {"word": w, "count": c} for w, c in Counter(TEXT.split()).most_common(2)
    ]


def test_freq(capsys, files):
    a, b = files
    expected = Counter(TEXT.split()) + Counter(OTHER.split())
    status, out, _ = run(capsys, "freq", a, b, "-n", "3")
    assert status == 0
    assert out == "".join(f"{c}\t{w}\n" for w, c in expected.most_common(3))


@pytest.mark.parametrize(
    "argv, message",
    [
        (["count", "x", "/nonexistent/file.txt"], "cannot read '/nonexistent/file.txt'"),
        (["count"], "required: PATTERN"),
        (["count", "x", "--threads", "0"], "not a valid thread count"),
        (["count", "x", "--sep", ""], "--sep must not be empty"),
        (["count", "x", "--substring", "--lines"], "not allowed with argument"),
        (["freq", "-n", "0"], "not a valid count"),
        (["count", "x", "--encoding", "nope", "/dev/null"], "not a known encoding"),
        (["frob"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert message in err


def test_invalid_utf8_exits_2(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok \xff")
    status, _, err = run(capsys, "count", "ok", str(bad))
    assert status == 2 and "byte offset 3" in err and "bad.txt" in err
    assert run(capsys, "count", "--bytes", "ok", str(bad))[:2] == (0, "1\n")


def test_help_mentions_every_command(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0 and all(name in out for name in ("count", "freq", "bench"))
    status, out, _ = run(capsys, "count", "--help")
    assert status == 0 and "--json" in out and "grep -c" in out


def test_python_m_textops_runs(tmp_path, files):
    """``python -m textops`` from outside the source folder, exit statuses included."""
    a, _ = files
    done = subprocess.run(
        [sys.executable, "-m", "textops", "count", "whale", a],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout) == (0, "2\n")
    done = subprocess.run(
        [sys.executable, "-m", "textops", "count", "whale", str(tmp_path / "no")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "cannot read" in done.stderr


def test_bogus_encoding_on_stdin_exits_2(capsys, monkeypatch):
    """--encoding bogus with standard input gave a LookupError traceback."""
    for command in (["count", "a"], ["freq"]):
        status, out, err = run(
            capsys, *command, "--encoding", "bogus", stdin=b"a b", monkeypatch=monkeypatch
        )
        assert (status, out) == (2, "") and "not a known encoding" in err and "Traceback" not in err
        status, out, err = run(
            capsys, *command, "--encoding", "rot13", stdin=b"a b", monkeypatch=monkeypatch
        )
        assert (status, out) == (2, "") and "not a text encoding" in err


def test_pattern_starting_with_a_dash_after_double_dash(capsys, tmp_path):
    """`textops count -- -x FILE` counts the word -x (parse_intermixed_args
    ignored the `--`)."""
    path = tmp_path / "dash.txt"
    path.write_text("-x a -x --lines b -x")
    assert run(capsys, "count", "--", "-x", str(path)) == (0, "3\n", "")
    assert run(capsys, "count", "--substring", "--", "-x", str(path)) == (0, "3\n", "")
    assert run(capsys, "count", "--bytes", "--", "--lines", str(path)) == (0, "1\n", "")
    assert run(capsys, "freq", "-n", "1", "--", str(path)) == (0, "3\t-x\n", "")
    # options before the -- still apply; files may still come before options
    assert run(capsys, "count", "a", str(path), "--json") == (
        0,
        json.dumps([{"file": str(path), "count": 1}]) + "\n",
        "",
    )


def test_closed_pipe_exits_quietly(tmp_path):
    """`textops freq ... | head -1` printed "Broken pipe" and exited 2. Now it
    stops quietly with status 141, what a shell shows for grep or wc killed
    by SIGPIPE (128 + 13)."""
    path = tmp_path / "many.txt"
    path.write_text(" ".join(f"w{i}" for i in range(200_000)))
    process = subprocess.Popen(
        [sys.executable, "-m", "textops", "freq", "-n", "200000", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert err == b""


RULE_TEXT = "The Whale, the whale's tail.\r\nTHE end\u3000ΑΣ. Σ \u212aelvin İ-x\n"


def test_count_and_freq_with_token_rules(capsys, tmp_path, monkeypatch):
    """--pattern REGEX and -i/--lowercase: the tokens of re.findall(REGEX,
    text.lower()), in files, on standard input and as bytes."""
    path = tmp_path / "rules.txt"
    path.write_bytes(RULE_TEXT.encode())
    a = str(path)
    lowered = RULE_TEXT.lower()
    for word in ("the", "whale", "ας", "kelvin", "i"):
        want = re.findall(r"\w+", lowered).count(word)
        assert run(capsys, "count", "--pattern", r"\w+", "-i", word, a) == (0, f"{want}\n", "")
        want = re.findall(r"\w+", RULE_TEXT).count(word)
        assert run(capsys, "count", "--pattern", r"\w+", word, a) == (0, f"{want}\n", "")
    want = lowered.split().count("the")
    assert run(capsys, "count", "--lowercase", "the", a) == (0, f"{want}\n", "")
    status, out, _ = run(capsys, "count", "--lines", "--pattern", r"(?u)\b\w\w+\b", "-i", "the", a)
    assert out.split() == [
        str(re.findall(r"(?u)\b\w\w+\b", ln).count("the")) for ln in lowered.splitlines()
    ]
    data = RULE_TEXT.encode()
    want = re.findall(rb"\w+", data.lower()).count(b"the")
    assert run(capsys, "count", "--bytes", "--pattern", r"\w+", "-i", "the", a)[1] == f"{want}\n"
    status, out, _ = run(capsys, "freq", "--pattern", r"\w+", "-i", "--top", "3", "--json", a, a)
    top = Counter(re.findall(r"\w+", lowered) * 2).most_common(3)
    assert json.loads(out) == [{"word": w, "count": c} for w, c in top]
    status, out, _ = run(
        capsys, "freq", "--pattern", r"\w+", "-i", "-n", "2", stdin=data, monkeypatch=monkeypatch
    )
    top = Counter(re.findall(r"\w+", lowered)).most_common(2)
    assert out == "".join(f"{c}\t{w}\n" for w, c in top)
    status, out, _ = run(
        capsys, "count", "-i", "--pattern", r"\w+", "the", stdin=data, monkeypatch=monkeypatch
    )
    want = re.findall(r"\w+", lowered).count("the")
    assert out == f"{want}\n"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["count", "--pattern", "x", "the"], "pattern must be None"),
        (["count", "--pattern", r"\s+", "the"], r"r'(?u)\b\w\w+\b'"),
        (["count", "--bytes", "--pattern", r"(?u)\w+", "the"], "not b'(?u)\\\\w+'"),
        (["count", "--substring", "-i", "the"], "not to --substring"),
        (["count", "--substring", "--pattern", r"\w+", "the"], "not to --substring"),
        (["count", "--sep", ",", "--pattern", r"\w+", "the"], "sep and pattern"),
        (["freq", "--sep", ",", "--pattern", r"\w+"], "sep and pattern"),
        (["freq", "--pattern", "[a-z]+"], "pattern must be None"),
    ],
)
def test_bad_token_rules_exit_2(capsys, tmp_path, argv, message):
    path = tmp_path / "t.txt"
    path.write_text("the end")
    status, out, err = run(capsys, *argv, str(path))
    assert (status, out) == (2, "") and message in err and "Traceback" not in err
