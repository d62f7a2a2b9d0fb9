/* The binding glue (see _glue.h): compiled into the extension beside the
 * cffi-generated module, with the core's warnings. It reads only fields of
 * str and bytes objects that never change (both are immutable) and takes
 * the GIL back where it touches reference counts or CPython may have to
 * make the UTF-8 form (the word functions; substrings are counted in a
 * str's own storage, which needs none). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

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

/* The UTF-8 of the str obj as the core reads it, never making CPython's
 * cached form: the string's own storage when it is ASCII, the cached form
 * when CPython already made one (read only with the GIL held, has_gil:
 * with a GIL, nothing sets the field meanwhile), else, when copy is not
 * NULL, a copy written from the storage into malloc'd memory, stored in
 * *copy for the caller to free. Returns 0, or -1 (no copy wanted, out of
 * memory, or not readable in place). */
static int py_utf8(PyObject *obj, int has_gil, const char **data,
                   Py_ssize_t *size, char **copy)
{
    if (copy != NULL)
        *copy = NULL;
    if (PyUnicode_IS_COMPACT_ASCII(obj)) {
        *data = (const char *)PyUnicode_DATA(obj);
        *size = PyUnicode_GET_LENGTH(obj);
        return 0;
    }
#ifndef Py_GIL_DISABLED
    if (has_gil && PyUnicode_IS_COMPACT(obj) &&
        ((PyCompactUnicodeObject *)obj)->utf8 != NULL) {
        *data = ((PyCompactUnicodeObject *)obj)->utf8;
        *size = ((PyCompactUnicodeObject *)obj)->utf8_length;
        return 0;
    }
#endif
    const char *units;
    Py_ssize_t nbytes;
    int width;
    if (copy == NULL || py_storage(obj, has_gil, &units, &nbytes, &width) != 0)
        return -1;
    size_t n = (size_t)nbytes / (size_t)width, len;
    /* the exact size (many short copies share pages, so room left unused
     * would cost memory), taken on every thread for a long text */
    *copy = textops_units_utf8_copy(
        units, n, width, (size_t)nbytes > TEXTOPS_PY_ONE_THREAD ? 0 : 1, &len);
    if (*copy == NULL)
        return -1;
    *data = *copy;
    *size = (Py_ssize_t)len;
    return 0;
}

/* Stores the bytes of obj in *data and *size and returns 0 if obj is an
 * exact str (mode has TEXTOPS_UNICODE: py_utf8, a copy in *copy when
 * copy is not NULL) or an exact bytes (otherwise; the token rule bits of
 * mode play no part); returns -1 for anything else (subclasses, buffers),
 * which the caller handles in Python. */
static int py_text(PyObject *obj, int mode, int has_gil, const char **data,
                   Py_ssize_t *size, char **copy)
{
    int unicode = (mode & TEXTOPS_UNICODE) != 0;
    if (copy != NULL)
        *copy = NULL;
    if (unicode && PyUnicode_CheckExact(obj))
        return py_utf8(obj, has_gil, data, size, copy);
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
    if (!PyUnicode_Check(obj) || py_utf8(obj, 1, &data, &n, NULL) != 0)
        data = NULL;
    PyGILState_Release(gil);
    *size = data != NULL ? (size_t)n : 0;
    return (uintptr_t)data;
}

/* How many items ahead the loops over a batch's objects ask the memory for
 * the next header: each object is a cache miss of its own. */
#define TEXTOPS_PY_AHEAD 16

/* A copy in owned[] is told from a reference by its low bit (malloc's
 * memory is aligned). */
#define TEXTOPS_PY_COPY ((uintptr_t)1)

long textops_py_spans(void *list, size_t n, size_t start, int mode,
                      int how, uintptr_t *addrs, size_t *lens,
                      unsigned char *widths, void **owned)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject **item = ((PyListObject *)list)->ob_item;
    long next = (size_t)PyList_GET_SIZE((PyObject *)list) == n ? -1 : -2;
    for (size_t i = start; next == -1 && i < n; i++) {
        const char *data;
        Py_ssize_t size;
        char *copy = NULL;
        int width = 0, rc;
        if (i + TEXTOPS_PY_AHEAD < n)
            __builtin_prefetch(item[i + TEXTOPS_PY_AHEAD]);
        if (how == TEXTOPS_PY_UTF8)
            rc = py_text(item[i], mode, 1, &data, &size, &copy);
        else if (!PyUnicode_CheckExact(item[i]))
            rc = -1;
        else if (how == TEXTOPS_PY_WORD_UNITS &&
                 py_utf8(item[i], 1, &data, &size, NULL) == 0)
            rc = 0; /* UTF-8 at hand: width 0 */
        else
            rc = py_storage(item[i], 1, &data, &size, &width);
        if (rc != 0) {
            next = (long)i;
            break;
        }
        if (copy != NULL) {
            owned[i] = (void *)((uintptr_t)copy | TEXTOPS_PY_COPY);
        } else {
            Py_INCREF(item[i]);
            owned[i] = item[i];
        }
        if (widths != NULL)
            widths[i] = (unsigned char)width;
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
        uintptr_t p = (uintptr_t)owned[i];
        if (i + TEXTOPS_PY_AHEAD < n && owned[i + TEXTOPS_PY_AHEAD] != NULL)
            __builtin_prefetch(owned[i + TEXTOPS_PY_AHEAD], 1);
        if (p & TEXTOPS_PY_COPY)
            free((void *)(p & ~TEXTOPS_PY_COPY));
        else
            Py_XDECREF((PyObject *)owned[i]);
        owned[i] = NULL;
    }
    PyGILState_Release(gil);
}

#ifndef Py_GIL_DISABLED
/* Counts below this are shared ints, their references added in bulk. */
#define TEXTOPS_PY_SMALL 257
#endif

/* textops_py_fill with the GIL held, of items [start, start + n): each
 * item's old value replaced by an int of its count. With a GIL, a count
 * below TEXTOPS_PY_SMALL is one int object per value (as CPython's own
 * small ints are), its references taken once for all its items, and the
 * old values (the list's one 0, as a rule) dropped in bulk too: a store
 * and two increments an item, no call (a million short documents spend
 * about 3 ns an item here). */
static int py_fill(PyObject **item, const size_t *counts, size_t n)
{
    int rc = 0;
#ifdef Py_GIL_DISABLED
    for (size_t i = 0; i < n; i++) {
        if (counts[i] == 0)
            continue; /* already the int 0 */
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
#else
    PyObject *small[TEXTOPS_PY_SMALL];
    /* four tallies of each value, so that equal counts in a row do not
     * wait on one another's increments */
    size_t uses[4][TEXTOPS_PY_SMALL];
    size_t made = 0, drops = 0;
    PyObject *common = n > 0 ? item[0] : NULL; /* the old value, as a rule */
    for (; made < TEXTOPS_PY_SMALL; made++) {
        if ((small[made] = PyLong_FromSize_t(made)) == NULL) {
            PyErr_Clear();
            rc = -1;
            break;
        }
    }
    memset(uses, 0, sizeof uses);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t v = counts[i];
        PyObject *old = item[i], *value;
        if (v < TEXTOPS_PY_SMALL) {
            value = small[v];
            uses[i & 3][v]++;
        } else if ((value = PyLong_FromSize_t(v)) == NULL) {
            PyErr_Clear();
            rc = -1;
            break;
        }
        item[i] = value;
        if (old == common)
            drops++;
        else
            Py_DECREF(old);
    }
    /* each shared int: the reference made above, and one an item */
    for (size_t v = 0; v < made; v++) {
        size_t u = uses[0][v] + uses[1][v] + uses[2][v] + uses[3][v];
        if (u == 0)
            Py_DECREF(small[v]);
        else /* Py_SET_REFCNT leaves an immortal object alone */
            Py_SET_REFCNT(small[v], Py_REFCNT(small[v]) + (Py_ssize_t)(u - 1));
    }
    if (drops > 0) { /* the items held a reference each */
        Py_SET_REFCNT(common, Py_REFCNT(common) - (Py_ssize_t)(drops - 1));
        Py_DECREF(common);
    }
#endif
    return rc;
}

int textops_py_fill(void *list, const size_t *counts, size_t n)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    int rc = py_fill(((PyListObject *)list)->ob_item, counts, n);
    PyGILState_Release(gil);
    return rc;
}

/* 1 when s[0, len) are all ASCII bytes. */
static int py_ascii(const char *s, size_t len)
{
    unsigned char any = 0;
    for (size_t i = 0; i < len; i++)
        any |= (unsigned char)s[i];
    return any < 0x80;
}

/* Term c of textops_py_terms as a new str (UTF-8, "surrogatepass": an
 * ASCII one copied as it is) or bytes object, or NULL (no memory, or
 * bytes that are not UTF-8: a mapped file rewritten during the call). As
 * long in bytes as in characters is not enough for ASCII: such bytes
 * would make a str whose kind lies about them. */
static PyObject *py_term(const char *s, size_t len, size_t chars, int mode)
{
    if (mode != TEXTOPS_UNICODE)
        return PyBytes_FromStringAndSize(s, (Py_ssize_t)len);
    if (len != chars || !py_ascii(s, len))
        return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "surrogatepass");
    PyObject *str = PyUnicode_New((Py_ssize_t)len, 127);
    if (str != NULL)
        memcpy(PyUnicode_DATA(str), s, len);
    return str;
}

/* A new dict for n items: presized where CPython offers it (no growth
 * while it fills), else empty. */
static PyObject *py_dict_for(size_t n)
{
#if !defined(Py_LIMITED_API) && PY_VERSION_HEX < 0x030F0000
    return _PyDict_NewPresized((Py_ssize_t)n);
#else
    (void)n;
    return PyDict_New();
#endif
}

int textops_py_terms(void *target, int as_list, const char *terms,
                     const size_t *info, const size_t *starts, size_t n,
                     int mode)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject **item = ((PyListObject *)target)->ob_item;
    PyObject *dict = as_list ? NULL : py_dict_for(n);
    int rc = as_list || dict != NULL ? 0 : -1;
    size_t at = 0;
    for (size_t c = 0; c < n && rc == 0; c++) {
        size_t len = info[2 * c];
        if (starts != NULL)
            at = starts[c];
        PyObject *key = py_term(terms + at, len, info[2 * c + 1], mode);
        at += len;
        if (key == NULL) {
            rc = -1;
        } else if (as_list) {
            PyObject *old = item[c];
            item[c] = key;
            Py_DECREF(old);
        } else {
            PyObject *value = PyLong_FromSize_t(c);
            if (value == NULL || PyDict_SetItem(dict, key, value) != 0)
                rc = -1;
            Py_XDECREF(value);
            Py_DECREF(key);
        }
    }
    if (dict != NULL) { /* the box's one item: the dict, as far as filled */
        PyObject *old = item[0];
        item[0] = dict;
        Py_DECREF(old);
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
    int width;
    size_t count;
    if ((mode & TEXTOPS_UNICODE) && PyUnicode_CheckExact(obj) &&
        (!words || !PyUnicode_IS_COMPACT_ASCII(obj))) {
        /* in the string's own storage */
        if (py_storage(obj, 0, &data, &size, &width) != 0)
            return TEXTOPS_PY_SLOW;
        int rc = words ? textops_units_word_count(data, (size_t)size, width,
                                                  word, word_len, sep,
                                                  sep_len, mode, threads,
                                                  &count)
                       : textops_units_count(data, (size_t)size, width, word,
                                             word_len, threads, &count);
        return rc == 0 ? count : TEXTOPS_PY_SLOW;
    }
    if (py_text(obj, mode, 0, &data, &size, NULL) != 0)
        return TEXTOPS_PY_SLOW;
    if (words)
        return textops_word_count(data, (size_t)size, word, word_len, sep,
                                  sep_len, mode, threads);
    return textops_substring_count(data, (size_t)size, word, word_len, mode,
                                   threads);
}

/* A text of list for the GIL-held batch (textops_py_held), read in place
 * while the calling thread holds the GIL: 1 when it is short (its bytes in
 * *data, *size and *width as textops_py_spans gives them for substrings,
 * TEXTOPS_PY_UNITS, or words, TEXTOPS_PY_WORD_UNITS), 0 when it is an
 * exact text too long to hold the GIL over, -1 when the glue does not
 * read it (another type, a subclass, a legacy string not ready). Only the
 * calling thread may make a legacy string ready (`ready`); the team's
 * threads read objects that nothing changes while the caller holds the
 * GIL, with no Python call. */
static int held_text(PyObject *obj, int words, int mode, int ready,
                     const char **data, Py_ssize_t *size,
                     unsigned char *width)
{
    int w = 0;
    if (!(mode & TEXTOPS_UNICODE)) {
        if (!PyBytes_CheckExact(obj))
            return -1;
        *data = PyBytes_AS_STRING(obj);
        *size = PyBytes_GET_SIZE(obj);
    } else if (!PyUnicode_CheckExact(obj)) {
        return -1;
    } else if (!words || py_utf8(obj, 1, data, size, NULL) != 0) {
        if (py_storage(obj, ready, data, size, &w) != 0)
            return -1;
    }
    *width = (unsigned char)w;
    return (size_t)*size <= TEXTOPS_PY_HELD_MAX;
}

#ifndef Py_GIL_DISABLED
/* The reader of textops_items_count, on the team's threads. */
static int held_reader(const void *item, int words, int mode,
                       const char **data, size_t *len, unsigned char *width)
{
    Py_ssize_t size = 0;
    int rc = held_text((PyObject *)item, words, mode, 0, data, &size, width);
    *len = (size_t)size;
    return rc;
}
#endif

long textops_py_held(void *list, size_t n, size_t start, int words,
                     int mode, textops_prepared *query, int threads,
                     size_t *out, void *results, size_t *run_end)
{
#ifdef Py_GIL_DISABLED
    /* no GIL keeps the texts alive: the path of textops_py_spans */
    (void)list, (void)n, (void)start, (void)words, (void)mode;
    (void)query, (void)threads, (void)out, (void)results, (void)run_end;
    return TEXTOPS_PY_NO_HELD;
#else
    PyGILState_STATE gil = PyGILState_Ensure();
    PyObject **item = ((PyListObject *)list)->ob_item;
    const char *data;
    Py_ssize_t size;
    unsigned char width;
    if ((size_t)PyList_GET_SIZE((PyObject *)list) != n) {
        PyGILState_Release(gil);
        return TEXTOPS_PY_CHANGED;
    }
    size_t m = n - start < TEXTOPS_PY_SLICE_ITEMS ? n - start
                                                   : TEXTOPS_PY_SLICE_ITEMS;
    /* counted with the GIL held: on the team, or this thread if it is
     * busy (team.c never waits for it); nothing there waits for a Python
     * thread. A legacy string the team declines is made ready here, then
     * the slice is tried once more. */
    size_t end = 0;
    for (int tries = 0; end == 0 && tries < 2; tries++) {
        end = textops_items_count(query, m, (const void *const *)item + start,
                                  held_reader, TEXTOPS_PY_SLICE_BYTES,
                                  threads, out);
        if (end != 0 || held_text(item[start], words, mode, 1, &data,
                                  &size, &width) != 1)
            break;
    }
    /* the counts into the results while they are in the cache */
    if (end == (size_t)-1 ||
        (end > 0 && py_fill(((PyListObject *)results)->ob_item + start, out,
                            end) != 0)) {
        PyGILState_Release(gil);
        return -1;
    }
    if (end == 0) { /* not short: the run of long texts from here */
        size_t i = start;
        while (i < n && held_text(item[i], words, mode, 1, &data, &size,
                                  &width) == 0)
            i++;
        *run_end = i;
    }
    PyGILState_Release(gil);
    return (long)(start + end);
#endif
}
