"""The fuzz corpus as regression tests, without clang or libFuzzer.

Builds fuzz/replay.c with the C core and the differential harness (with
AddressSanitizer and UndefinedBehaviorSanitizer when the compiler has them)
and runs every committed input of fuzz/corpus/TARGET/ and
fuzz/regressions/TARGET/ (inputs that once failed) through its target.
"""
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
TARGETS = ["substring_count", "word_count", "line_word_counts", "batch"]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    """Path of the replay driver, built once for this module."""
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if not (FUZZ / "replay.c").exists() or shutil.which(cc) is None:
        pytest.skip("needs the source checkout and a C compiler")
    exe = tmp_path_factory.mktemp("replay") / "replay"
    names = ("search.c", "split.c", "space.c", "tokens.c", "backend.c", "backend_sse2.c",
             "backend_avx2.c", "backend_avx512.c", "parallel.c")
    sources = [ROOT / "csrc" / name for name in names]
    sources += [FUZZ / name for name in ("harness.c", "reference.c", "replay.c")]
    base = [cc, "-std=c11", "-O1", "-g", "-I", str(ROOT / "csrc"), "-I", str(FUZZ),
            *map(str, sources), "-o", str(exe)]
    for flags in (SANITIZE, []):  # sanitizers when the compiler has them
        if subprocess.run(base + flags, capture_output=True).returncode == 0:
            return exe
    pytest.skip("the fuzz harness does not compile here")


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_inputs_replay(replay, target):
    """Every seed and every past failure of the target agrees with the reference."""
    inputs = sorted(p for folder in ("corpus", "regressions")
                    for p in (FUZZ / folder / target).glob("*") if p.is_file())
    assert inputs, f"no seed inputs for {target}"
    done = subprocess.run([str(replay), target, *map(str, inputs)],
                          capture_output=True, text=True, timeout=300,
                          env={"ASAN_OPTIONS": "detect_leaks=1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{len(inputs)} inputs passed" in done.stdout
