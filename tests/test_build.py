"""The build glue: the cdef generated from the C headers declares every
public function, and the extension exposes each one."""

import importlib.util
import re
import textwrap
from pathlib import Path

import pytest

from textops._core import lib

ROOT = Path(__file__).resolve().parent.parent
HEADERS = [ROOT / "csrc" / "textops.h", ROOT / "textops" / "_glue.h"]

pytestmark = pytest.mark.skipif(
    not (ROOT / "build_ffi.py").exists(), reason="needs the source checkout"
)


def declared(header: Path):
    """Names of the functions and #define constants a header declares."""
    text = re.sub(r"/\*.*?\*/", " ", header.read_text(), flags=re.S)
    functions = re.findall(r"\b(textops_\w+)\s*\(", text)
    constants = re.findall(r"^#define[ \t]+(TEXTOPS_\w+)[ \t]+\S", text, flags=re.M)
    return functions, constants


@pytest.mark.parametrize("header", HEADERS, ids=lambda p: p.name)
def test_every_declaration_reaches_the_module(header):
    """Each textops_ function and TEXTOPS_ constant of the header is in lib."""
    functions, constants = declared(header)
    assert len(functions) >= 5
    missing = [name for name in functions + constants if not hasattr(lib, name)]
    assert not missing, f"{header.name}: not in the extension: {missing}"


def test_cdef_from_header(tmp_path):
    """Preprocessor lines are dropped, constants kept for cffi, C++ guards cut."""
    spec = importlib.util.spec_from_file_location("build_ffi", ROOT / "build_ffi.py")
    build_ffi = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_ffi)
    header = tmp_path / "h.h"
    header.write_text(
        textwrap.dedent("""\
        #ifndef H
        #define H
        #include <stddef.h>
        #define ANSWER 42 /* a constant */
        #define BIG \\
            ((size_t)-1)
        #define twice(x) ((x) * 2)
        #ifdef __cplusplus
        extern "C" {
        #endif
        typedef enum { H_A = 0, H_B = 1 } h_mode;
        size_t h_count(const char *text, size_t len, h_mode mode);
        #ifdef __cplusplus
        }
        #endif
        #endif
        """)
    )
    cdef = build_ffi.cdef_from_header(header)
    assert "#define ANSWER ..." in cdef and "#define BIG ..." in cdef
    assert "twice" not in cdef and "extern" not in cdef and "#include" not in cdef
    assert "h_count" in cdef and "h_mode" in cdef
    build_ffi.FFI().cdef(cdef)  # cffi parses it
