"""cffi builder for textops' C core (API mode, out-of-line).

``setup.py`` names ``ffibuilder`` in ``cffi_modules``; for development,
``python build_ffi.py`` builds ``textops/_textops*.so`` in place.
Environment: ``TEXTOPS_NO_OPENMP=1`` builds without OpenMP, on one thread.
``TEXTOPS_SANITIZE=1`` builds the core with AddressSanitizer and
UndefinedBehaviorSanitizer (any other value is taken as the list for
``-fsanitize=``); such a build only loads into a python started with the
sanitizer runtime preloaded, see ``sanitizer_env()`` and README "Reliability".
"""
import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
CSRC = HERE / "csrc"
SOURCES = ["search.c", "split.c", "space.c", "backend.c", "backend_sse2.c",
           "backend_avx2.c", "backend_avx512.c", "tokens.c", "parallel.c", "freq.c",
           "corpus.c", "utf8.c"]

CDEF = """
size_t textops_substring_count(const char *text, size_t len,
                               const char *sub, size_t sub_len,
                               int mode, int threads);
size_t textops_word_count(const char *text, size_t len,
                          const char *word, size_t word_len,
                          const char *sep, size_t sep_len,
                          int mode, int threads);
int textops_line_word_counts(const char *text, size_t len,
                             const char *word, size_t word_len,
                             const char *sep, size_t sep_len,
                             int mode, int threads,
                             size_t **counts, size_t *nlines);
void textops_batch_word_count(size_t ntexts, const char *const *texts,
                              const size_t *lens, size_t nwords,
                              const char *const *words,
                              const size_t *word_lens,
                              const char *sep, size_t sep_len,
                              int mode, int threads, size_t *out);
void textops_batch_substring_count(size_t ntexts, const char *const *texts,
                                   const size_t *lens, size_t nwords,
                                   const char *const *words,
                                   const size_t *word_lens,
                                   int mode, int threads, size_t *out);
typedef struct {
    char *data;
    size_t nbytes;
    size_t *info;
    size_t ntokens;
} textops_tokens;
int textops_word_frequencies(size_t ntexts, const char *const *texts,
                             const size_t *lens, const char *sep,
                             size_t sep_len, int mode, int threads,
                             textops_tokens *out);
int textops_word_counts(size_t ntexts, const char *const *texts,
                        const size_t *lens, size_t nwords,
                        const char *const *words, const size_t *word_lens,
                        const char *sep, size_t sep_len, int mode,
                        int threads, int per_text, size_t *out);
void textops_corpus_count(const char *buf, const size_t *offsets,
                          size_t ndocs, const char *word, size_t word_len,
                          const char *sep, size_t sep_len, int words,
                          int mode, int threads, size_t *out);
int textops_corpus_line_word_counts(const char *buf, const size_t *offsets,
                                    size_t ndocs, const char *word,
                                    size_t word_len, const char *sep,
                                    size_t sep_len, int mode, int threads,
                                    size_t *nlines, size_t **counts);
void textops_gather(size_t ntexts, const char *const *texts,
                    const size_t *lens, char *out);
size_t textops_utf8_check(const char *text, size_t len, int threads);
void textops_watch(const volatile int *flag);
void textops_free(void *p);
int textops_openmp_enabled(void);
int textops_default_threads(void);
size_t textops_set_min_chunk(size_t nbytes);
const char *textops_search_backend(int id);
int textops_set_search_backend(int id);
long textops_py_spans(void *list, size_t n, size_t start, int mode,
                      uintptr_t *addrs, size_t *lens, void **owned);
void textops_py_release(void **owned, size_t n);
int textops_py_fill(void *list, const size_t *counts, size_t n);
size_t textops_py_count(uintptr_t text, int words,
                        const char *word, size_t word_len,
                        const char *sep, size_t sep_len,
                        int mode, int threads);
#define TEXTOPS_PY_SLOW ...
#define TEXTOPS_BYTES ...
#define TEXTOPS_UNICODE ...
#define TEXTOPS_MAX_THREADS ...
"""

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
        print("textops: the compiler has no OpenMP; building on one thread",
              file=sys.stderr)
    return ["-fopenmp"] if ok else []


OPENMP = _openmp_flags()


def _sanitize_flags() -> list:
    """Compile and link flags for TEXTOPS_SANITIZE (default off: [])."""
    value = os.environ.get("TEXTOPS_SANITIZE", "").strip()
    if value in ("", "0"):
        return []
    checks = "address,undefined" if value == "1" else value
    # every finding aborts (a test then fails), with usable stack traces
    return ["-fsanitize=" + checks, "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer", "-g", "-O1"]


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
    runtime = subprocess.run(cc[:1] + ["-print-file-name=libasan.so"],
                             capture_output=True, text=True,
                             check=True).stdout.strip()
    return {"LD_PRELOAD": runtime,
            "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1",
            "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}

# Binding glue, compiled into the extension (csrc/ itself knows no Python):
# the bytes of exact str and bytes objects, found in C, so that a call on a
# short text and a batch of a million short texts cost little Python work.
# The caller keeps the text of a single call alive until it returns; the
# items of a batch are kept alive by references the glue takes, so that the
# caller need not copy the list. The glue reads only fields that never
# change (str and bytes are immutable) and takes the GIL back where it
# touches reference counts or CPython may have to make the UTF-8 form.
PREAMBLE = r"""
#include "textops.h"

#define TEXTOPS_PY_SLOW ((size_t)-1)

/* Stores the bytes of obj in *data and *size and returns 0 if obj is an
 * exact str with a UTF-8 form (mode TEXTOPS_UNICODE) or an exact bytes
 * (otherwise); returns -1 for anything else (subclasses, buffers, strings
 * with lone surrogates), which the caller handles in Python. Takes the GIL
 * for a non-ASCII str unless the caller holds it (has_gil). */
static int py_text(PyObject *obj, int mode, int has_gil, const char **data,
                   Py_ssize_t *size)
{
    if (mode == TEXTOPS_UNICODE && PyUnicode_CheckExact(obj)) {
        if (PyUnicode_IS_COMPACT_ASCII(obj)) {
            *data = (const char *)PyUnicode_DATA(obj);
            *size = PyUnicode_GET_LENGTH(obj);
            return 0;
        }
#ifndef Py_GIL_DISABLED /* with a GIL, nothing sets the field meanwhile */
        if (has_gil && PyUnicode_IS_COMPACT(obj) &&
            ((PyCompactUnicodeObject *)obj)->utf8 != NULL) {
            /* the UTF-8 form CPython keeps (what AsUTF8AndSize returns) */
            *data = ((PyCompactUnicodeObject *)obj)->utf8;
            *size = ((PyCompactUnicodeObject *)obj)->utf8_length;
            return 0;
        }
#endif
        PyGILState_STATE gil = PyGILState_UNLOCKED;
        if (!has_gil)
            gil = PyGILState_Ensure();
        *data = PyUnicode_AsUTF8AndSize(obj, size); /* cached on obj */
        if (*data == NULL)
            PyErr_Clear(); /* lone surrogates: no UTF-8 form */
        if (!has_gil)
            PyGILState_Release(gil);
        return *data != NULL ? 0 : -1;
    }
    if (mode != TEXTOPS_UNICODE && PyBytes_CheckExact(obj)) {
        *data = PyBytes_AS_STRING(obj);
        *size = PyBytes_GET_SIZE(obj);
        return 0;
    }
    return -1;
}

/* How many items ahead the loops over a batch's objects ask the memory for
 * the next header: each object is a cache miss of its own. */
#define TEXTOPS_PY_AHEAD 16

/* Fills addrs[i], lens[i] and owned[i] from start on while py_text can read
 * list[i]. owned[i] is a new reference to list[i], which keeps its bytes
 * alive once the GIL is released (textops_py_release drops them). Returns
 * the first index it could not fill, -1 when all n are filled, or -2 when
 * the list no longer holds n items (another thread changed it). */
static long textops_py_spans(void *list, size_t n, size_t start, int mode,
                             uintptr_t *addrs, size_t *lens, void **owned)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject **item = ((PyListObject *)list)->ob_item;
    long next = (size_t)PyList_GET_SIZE((PyObject *)list) == n ? -1 : -2;
    for (size_t i = start; next == -1 && i < n; i++) {
        const char *data;
        Py_ssize_t size;
        if (i + TEXTOPS_PY_AHEAD < n)
            __builtin_prefetch(item[i + TEXTOPS_PY_AHEAD]);
        if (py_text(item[i], mode, 1, &data, &size) != 0) {
            next = (long)i;
            break;
        }
        Py_INCREF(item[i]);
        owned[i] = item[i];
        addrs[i] = (uintptr_t)data;
        lens[i] = (size_t)size;
    }
    PyGILState_Release(gil);
    return next;
}

/* Drops the references of owned[0, n) that are not NULL, and clears them. */
static void textops_py_release(void **owned, size_t n)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    for (size_t i = 0; i < n; i++) {
        if (i + TEXTOPS_PY_AHEAD < n && owned[i + TEXTOPS_PY_AHEAD] != NULL)
            __builtin_prefetch(owned[i + TEXTOPS_PY_AHEAD], 1);
        Py_XDECREF((PyObject *)owned[i]);
        owned[i] = NULL;
    }
    PyGILState_Release(gil);
}

/* Replaces the items of `list`, a list of n small ints that only the
 * caller holds, by the ints counts[0, n). Returns 0, or -1 when out of
 * memory (the items not yet replaced stay as they were). */
static int textops_py_fill(void *list, const size_t *counts, size_t n)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject **item = ((PyListObject *)list)->ob_item;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        PyObject *value = PyLong_FromSize_t(counts[i]);
        if (value == NULL) {
            PyErr_Clear();
            rc = -1;
            break;
        }
        PyObject *old = item[i];
        item[i] = value;
        Py_DECREF(old);
    }
    PyGILState_Release(gil);
    return rc;
}

/* textops_word_count (words != 0) or textops_substring_count on the text
 * object at address `text`, or TEXTOPS_PY_SLOW if py_text cannot read it. */
static size_t textops_py_count(uintptr_t text, int words,
                               const char *word, size_t word_len,
                               const char *sep, size_t sep_len,
                               int mode, int threads)
{
    const char *data;
    Py_ssize_t size;
    if (py_text((PyObject *)text, mode, 0, &data, &size) != 0)
        return TEXTOPS_PY_SLOW;
    if (words)
        return textops_word_count(data, (size_t)size, word, word_len, sep,
                                  sep_len, mode, threads);
    return textops_substring_count(data, (size_t)size, word, word_len, mode,
                                   threads);
}
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "textops._textops",
    PREAMBLE,
    # the glue uses CPython's list, str and bytes macros
    define_macros=[("_CFFI_NO_LIMITED_API", None)],
    py_limited_api=False,
    sources=[str((CSRC / name).relative_to(HERE)) for name in SOURCES],
    include_dirs=[str(CSRC.relative_to(HERE))],
    extra_compile_args=["-O3", "-std=c11"] + WARNINGS + OPENMP + SANITIZE,
    extra_link_args=OPENMP + SANITIZE,
)

if __name__ == "__main__":
    if sys.argv[1:] == ["--sanitizer-env"]:
        # for shell scripts: `env $(python build_ffi.py --sanitizer-env) ...`
        print(" ".join(f"{k}={v}" for k, v in sanitizer_env().items()))
        sys.exit(0)
    os.chdir(HERE)
    ffibuilder.compile(tmpdir=".", verbose=False)
