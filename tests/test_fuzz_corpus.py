"""The fuzz corpus as regression tests, without clang or libFuzzer.

Builds every fuzz target (fuzz/fuzz_*.c) with the C core and the
differential harness through fuzz/build.sh, as replay drivers (with OpenMP,
AddressSanitizer and UndefinedBehaviorSanitizer when the compiler has them),
and runs every committed input of fuzz/corpus/TARGET/ and
fuzz/regressions/TARGET/ (inputs that once failed) through its target. The
UTF-8 target's inputs are also checked against Python's own decoder.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from textops import _core

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
TARGETS = sorted(p.stem[len("fuzz_") :] for p in FUZZ.glob("fuzz_*.c"))
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


def inputs(target):
    """The committed seeds and past failures of a target."""
    return sorted(
        p
        for folder in ("corpus", "regressions")
        for p in (FUZZ / folder / target).glob("*")
        if p.is_file()
    )


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    """Folder of the replay drivers fuzz_TARGET, built once for this module."""
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if not (FUZZ / "build.sh").exists() or shutil.which(cc) is None:
        pytest.skip("needs the source checkout and a C compiler")
    out = tmp_path_factory.mktemp("replay")
    # sanitizers and real OpenMP teams when the compiler has them (libFuzzer's
    # build has no OpenMP, so this is where the targets' threads are checked)
    for flags in (SANITIZE + ["-fopenmp"], SANITIZE, []):
        done = subprocess.run(
            ["bash", str(FUZZ / "build.sh"), str(out), cc, "-O1", "-g", *flags],
            capture_output=True,
            text=True,
            timeout=600,
            # the Unicode tables (build_ucd.py) come from the Python under test
            env={**os.environ, "PYTHON": sys.executable},
        )
        if done.returncode == 0:
            return out
    pytest.skip("the fuzz harness does not compile here: " + done.stderr[-2000:])


def test_every_target_has_seeds():
    """A new fuzz/fuzz_TARGET.c comes with its seeds in fuzz/corpus/TARGET/."""
    assert {"batch", "corpus", "frequencies", "utf8", "word_counts"} <= set(TARGETS)
    for target in TARGETS:
        assert inputs(target), f"no seed inputs for {target} (fuzz/make_seeds.py)"


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_inputs_replay(replay, target):
    """Every seed and every past failure of the target agrees with the reference."""
    files = inputs(target)
    done = subprocess.run(
        [str(replay / f"fuzz_{target}"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"ASAN_OPTIONS": "detect_leaks=1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{len(files)} inputs passed" in done.stdout


def python_utf8_error(data: bytes) -> int:
    """Where Python's strict decoder first fails on data, or -1."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return -1


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_utf8_inputs_against_python(threads):
    """The UTF-8 target's inputs (text after a 2-byte header, fuzz/harness.h),
    checked by the core against bytes.decode("utf-8"), also cut in tiny
    pieces; the seeds hold errors of every kind."""
    texts = [p.read_bytes()[2:] for p in inputs("utf8")]
    expected = [python_utf8_error(t) for t in texts]
    assert len({e >= 0 for e in expected}) == 2, "seeds: valid and invalid texts"
    old = _core.set_min_chunk(1)
    try:
        for min_chunk in (1, 5, 1 << 18):
            _core.set_min_chunk(min_chunk)
            assert [_core.utf8_check(t, threads) for t in texts] == expected
    finally:
        _core.set_min_chunk(old)
