/* The binding glue (see _glue.h): compiled into the extension beside the
 * cffi-generated module, with the core's warnings. It reads only fields of
 * str and bytes objects that never change (both are immutable) and takes
 * the GIL back where it touches reference counts or CPython may have to
 * make the UTF-8 form (the word functions; substrings are counted in a
 * str's own storage, which needs none). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "_glue.h"
#include "textops.h"

/* Reads CPython's own storage of the str obj (PEP 393: *width bytes a
 * code point, *size bytes in all); returns 0, or -1 when it cannot be read
 * in place. Every field read never changes once the string is ready; a
 * legacy string (Python < 3.12) is made ready when the caller holds the
 * GIL (has_gil), else -1 sends the caller to a path that does. */
static int py_storage(PyObject *obj, int has_gil, const char **data,
                      Py_ssize_t *size, int *width)
{
#if PY_VERSION_HEX < 0x030C0000
    if (!PyUnicode_IS_READY(obj) && (!has_gil || PyUnicode_READY(obj) != 0)) {
        if (has_gil)
            PyErr_Clear();
        return -1;
    }
#else
    (void)has_gil;
#endif
    *width = (int)PyUnicode_KIND(obj);
    *data = (const char *)PyUnicode_DATA(obj);
    *size = PyUnicode_GET_LENGTH(obj) * *width;
    return 0;
}

/* Stores the bytes of obj in *data and *size and returns 0 if obj is an
 * exact str with a UTF-8 form (mode has TEXTOPS_UNICODE) or an exact bytes
 * (otherwise; the token rule bits of mode play no part); returns -1 for anything else (subclasses, buffers, strings
 * with lone surrogates), which the caller handles in Python. Takes the GIL
 * for a non-ASCII str unless the caller holds it (has_gil). */
static int py_text(PyObject *obj, int mode, int has_gil, const char **data,
                   Py_ssize_t *size)
{
    int unicode = (mode & TEXTOPS_UNICODE) != 0;
    if (unicode && PyUnicode_CheckExact(obj)) {
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
    if (!unicode && PyBytes_CheckExact(obj)) {
        *data = PyBytes_AS_STRING(obj);
        *size = PyBytes_GET_SIZE(obj);
        return 0;
    }
    return -1;
}

int textops_py_storage(uintptr_t text, uintptr_t *data, size_t *size,
                       int *width)
{
    PyObject *obj = (PyObject *)text;
    const char *units;
    Py_ssize_t nbytes;
    if (!PyUnicode_Check(obj))
        return -1;
    int rc = py_storage(obj, 0, &units, &nbytes, width);
    if (rc != 0) {
        PyGILState_STATE gil = PyGILState_Ensure(); /* to make it ready */
        rc = py_storage(obj, 1, &units, &nbytes, width);
        PyGILState_Release(gil);
    }
    if (rc != 0)
        return -1;
    *data = (uintptr_t)units;
    *size = (size_t)nbytes;
    return 0;
}

uintptr_t textops_py_utf8(uintptr_t text, size_t *size)
{
    PyObject *obj = (PyObject *)text;
    const char *data = NULL;
    Py_ssize_t n = 0;
    PyGILState_STATE gil = PyGILState_Ensure();
    if (PyUnicode_Check(obj)) { /* str subclasses too */
        data = PyUnicode_AsUTF8AndSize(obj, &n);
        if (data == NULL)
            PyErr_Clear(); /* lone surrogates: no UTF-8 form */
    }
    PyGILState_Release(gil);
    *size = data != NULL ? (size_t)n : 0;
    return (uintptr_t)data;
}

/* How many items ahead the loops over a batch's objects ask the memory for
 * the next header: each object is a cache miss of its own. */
#define TEXTOPS_PY_AHEAD 16

long textops_py_spans(void *list, size_t n, size_t start, int mode,
                      uintptr_t *addrs, size_t *lens, unsigned char *widths,
                      void **owned)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject **item = ((PyListObject *)list)->ob_item;
    long next = (size_t)PyList_GET_SIZE((PyObject *)list) == n ? -1 : -2;
    for (size_t i = start; next == -1 && i < n; i++) {
        const char *data;
        Py_ssize_t size;
        int width = 1, rc;
        if (i + TEXTOPS_PY_AHEAD < n)
            __builtin_prefetch(item[i + TEXTOPS_PY_AHEAD]);
        if (widths != NULL)
            rc = PyUnicode_CheckExact(item[i])
                     ? py_storage(item[i], 1, &data, &size, &width)
                     : -1;
        else
            rc = py_text(item[i], mode, 1, &data, &size);
        if (rc != 0) {
            next = (long)i;
            break;
        }
        if (widths != NULL)
            widths[i] = (unsigned char)width;
        Py_INCREF(item[i]);
        owned[i] = item[i];
        addrs[i] = (uintptr_t)data;
        lens[i] = (size_t)size;
    }
    PyGILState_Release(gil);
    return next;
}

void textops_py_release(void **owned, size_t n)
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

int textops_py_fill(void *list, const size_t *counts, size_t n)
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

int textops_py_vocabulary(void *dict, const char *terms, const size_t *info,
                          size_t n, int mode)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    int rc = 0;
    for (size_t c = 0; c < n && rc == 0; c++) {
        Py_ssize_t len = (Py_ssize_t)info[2 * c];
        PyObject *key = mode == TEXTOPS_UNICODE
                            ? PyUnicode_DecodeUTF8(terms, len, "surrogatepass")
                            : PyBytes_FromStringAndSize(terms, len);
        PyObject *value = key != NULL ? PyLong_FromSize_t(c) : NULL;
        if (value == NULL || PyDict_SetItem((PyObject *)dict, key, value) != 0)
            rc = -1;
        Py_XDECREF(key);
        Py_XDECREF(value);
        terms += len;
    }
    if (rc != 0)
        PyErr_Clear();
    PyGILState_Release(gil);
    return rc;
}

size_t textops_py_count(uintptr_t text, int words, const char *word,
                        size_t word_len, const char *sep, size_t sep_len,
                        int mode, int threads)
{
    PyObject *obj = (PyObject *)text;
    const char *data;
    Py_ssize_t size;
    if (!words && (mode & TEXTOPS_UNICODE) && PyUnicode_CheckExact(obj)) {
        int width;
        size_t count;
        if (py_storage(obj, 0, &data, &size, &width) != 0 ||
            textops_units_count(data, (size_t)size, width, word, word_len,
                                threads, &count) != 0)
            return TEXTOPS_PY_SLOW;
        return count; /* in the string's own storage */
    }
    if (py_text(obj, mode, 0, &data, &size) != 0)
        return TEXTOPS_PY_SLOW;
    if (words)
        return textops_word_count(data, (size_t)size, word, word_len, sep,
                                  sep_len, mode, threads);
    return textops_substring_count(data, (size_t)size, word, word_len, mode,
                                   threads);
}
