"""cffi builder for textops' C core (API mode, out-of-line).

``setup.py`` names ``ffibuilder`` in ``cffi_modules``; for development,
``python build_ffi.py`` builds ``textops/_textops*.so`` in place.
Environment: ``TEXTOPS_NO_OPENMP=1`` builds without OpenMP, on one thread.
``TEXTOPS_SANITIZE=1`` builds the core with AddressSanitizer and
UndefinedBehaviorSanitizer (any other value is taken as the list for
``-fsanitize=``); such a build only loads into a python started with the
sanitizer runtime preloaded, see ``sanitizer_env()`` and README "Reliability".

The extension is the C core (every ``csrc/*.c``) and the binding glue
(``textops/_glue.c``, the only C that knows Python objects), compiled with
the same warnings and hidden symbols; the cdef is generated from their
headers (``csrc/textops.h``, ``textops/_glue.h``).
"""

import importlib.util
import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent


def _write_unicode_tables() -> None:
    """Runs build_ucd.py beside this file: the Unicode tables of the token
    rules come from the Python that builds. Loaded from its path, so that
    importing this builder leaves sys.path alone (the processes a test
    spawns inherit it, and would import the source folder's textops)."""
    spec = importlib.util.spec_from_file_location("build_ucd", HERE / "build_ucd.py")
    if spec is None or spec.loader is None:
        raise ImportError("build_ffi: cannot load build_ucd.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write()


_write_unicode_tables()
CSRC = HERE / "csrc"
GLUE = HERE / "textops" / "_glue.c"
# The C core is every .c file in csrc/ (no list to keep up to date).
SOURCES = sorted(CSRC.glob("*.c")) + [GLUE]


def cdef_from_header(path: Path) -> str:
    """The cdef of a C header: its declarations, for cffi to parse.

    cffi reads no preprocessor lines, so they are dropped, except that a
    ``#define NAME value`` becomes ``#define NAME ...`` (cffi asks the
    compiler for the value); what sits under ``#if...__cplusplus`` is
    dropped with it. Comments are left for cffi to ignore.
    """
    lines = path.read_text().replace("\\\n", " ").splitlines()
    out, depth, skip_from = [], 0, None
    for line in lines:
        words = line.split()
        directive = words[0].lstrip("#") if words and words[0].startswith("#") else None
        if directive is None:
            if skip_from is None:
                out.append(line)
            continue
        if directive == "":  # "# define X": the directive is the next word
            directive = words[1] if len(words) > 1 else ""
            words = ["#" + directive] + words[2:]
        if directive.startswith("if"):
            depth += 1
            if skip_from is None and "__cplusplus" in line:
                skip_from = depth
        elif directive == "endif":
            if skip_from == depth:
                skip_from = None
            depth -= 1
        elif (
            directive == "define"
            and skip_from is None
            and len(words) > 2
            and words[1].isidentifier()
        ):  # a constant, not a macro
            out.append(f"#define {words[1]} ...")
    return "\n".join(out) + "\n"


# The cdef is generated from the headers, so that it cannot drift from them.
CDEF = cdef_from_header(CSRC / "textops.h") + cdef_from_header(GLUE.with_suffix(".h"))

WARNINGS = ["-Wall", "-Wextra", "-Wshadow", "-Wconversion", "-Wno-sign-conversion"]


def _openmp_flags() -> list:
    """Return the compiler flag for OpenMP, or [] if the compiler lacks it."""
    if os.environ.get("TEXTOPS_NO_OPENMP"):
        return []
    cc = (sysconfig.get_config_var("CC") or "cc").split()
    probe = "#include <omp.h>\nint main(void) { return omp_get_max_threads() < 1; }\n"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "probe.c"
        src.write_text(probe)
        cmd = cc + ["-fopenmp", str(src), "-o", str(Path(tmp) / "probe")]
        try:
            ok = subprocess.run(cmd, capture_output=True).returncode == 0
        except OSError:
            ok = False
    if not ok:
        print("textops: the compiler has no OpenMP; building on one thread", file=sys.stderr)
    return ["-fopenmp"] if ok else []


OPENMP = _openmp_flags()


def _sanitize_flags() -> list:
    """Compile and link flags for TEXTOPS_SANITIZE (default off: [])."""
    value = os.environ.get("TEXTOPS_SANITIZE", "").strip()
    if value in ("", "0"):
        return []
    checks = "address,undefined" if value == "1" else value
    # every finding aborts (a test then fails), with usable stack traces
    return [
        "-fsanitize=" + checks,
        "-fno-sanitize-recover=all",
        "-fno-omit-frame-pointer",
        "-g",
        "-O1",
    ]


SANITIZE = _sanitize_flags()


def sanitizer_env() -> dict:
    """Environment variables a python needs to import a sanitized build.

    The ASan runtime must come first in the process, so it is preloaded;
    CPython's own allocations look like leaks at exit, so leak checks are
    off. Empty when this build is not sanitized.
    """
    if not SANITIZE or "address" not in SANITIZE[0]:
        return {}
    cc = (sysconfig.get_config_var("CC") or "cc").split()
    runtime = subprocess.run(
        cc[:1] + ["-print-file-name=libasan.so"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return {
        "LD_PRELOAD": runtime,
        "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1",
        "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
    }


ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "textops._textops",
    '#include "textops.h"\n#include "_glue.h"\n',
    # the glue (textops/_glue.c) uses CPython's list, str and bytes macros
    define_macros=[("_CFFI_NO_LIMITED_API", None)],
    py_limited_api=False,
    sources=[str(path.relative_to(HERE)) for path in SOURCES],
    include_dirs=[str(CSRC.relative_to(HERE)), str(GLUE.parent.relative_to(HERE))],
    # hidden: the module exports PyInit__textops only, no tx_* or glue symbol
    extra_compile_args=["-O3", "-std=c11", "-fvisibility=hidden"] + WARNINGS + OPENMP + SANITIZE,
    extra_link_args=OPENMP + SANITIZE,
)

if __name__ == "__main__":
    if sys.argv[1:] == ["--sanitizer-env"]:
        # for shell scripts: `env $(python build_ffi.py --sanitizer-env) ...`
        print(" ".join(f"{k}={v}" for k, v in sanitizer_env().items()))
        sys.exit(0)
    if sys.argv[1:] == ["--warnings"]:
        # for .ci/run's -Werror compile: the warnings every build turns on
        print(" ".join(WARNINGS))
        sys.exit(0)
    os.chdir(HERE)
    ffibuilder.compile(tmpdir=".", verbose=False)
