/* The binding glue: the few C functions of the extension that know Python
 * objects (csrc/ itself knows no Python). They find the bytes of exact str
 * and bytes objects in C, so that a call on a short text and a batch of a
 * million short texts cost little Python work, and they give the one path
 * to a str's UTF-8 form. Objects are passed as their addresses (CPython's
 * id()), since cffi has no PyObject type. build_ffi.py parses this header
 * into the cdef, so keep it to plain declarations and #define constants. */
#ifndef TEXTOPS_GLUE_H
#define TEXTOPS_GLUE_H

#include <stddef.h>
#include <stdint.h>

#include "textops.h"

/* What textops_py_count returns when it cannot read the text itself (the
 * caller then takes the general path in Python). */
#define TEXTOPS_PY_SLOW ((size_t)-1)

/* The address of the UTF-8 the str at address `text` already has, with
 * its length in bytes in *size, or 0 when it has none: the string's own
 * storage when it is ASCII, or the form CPython cached on it earlier.
 * Never makes one: the caller then counts in the storage
 * (textops_py_storage), or writes a UTF-8 copy of its own
 * (textops_units_to_utf8) and frees it after the call, so nothing is left
 * on the string. Valid while the string is alive. Takes the GIL itself. */
uintptr_t textops_py_utf8(uintptr_t text, size_t *size);

/* CPython's own storage of the str (or str subclass) at address `text`:
 * *size bytes of code units *width bytes wide (1, 2 or 4) at *data, read
 * in place (textops_units_count). Returns 0, or -1 when it cannot be read
 * so (not a str, or out of memory to make a legacy string ready). */
int textops_py_storage(uintptr_t text, uintptr_t *data, size_t *size,
                       int *width);

/* How textops_py_spans reads str items: as UTF-8 (the string's own
 * storage when ASCII, the form CPython cached, else a copy of the glue's,
 * never a cached one: see textops_py_utf8); in their own storage
 * (textops_py_storage: widths[i] gets the unit width); or as UTF-8 when
 * at hand (width 0), else in their storage. */
#define TEXTOPS_PY_UTF8 0
#define TEXTOPS_PY_UNITS 1
#define TEXTOPS_PY_WORD_UNITS 2

/* A str of more code units than this is copied to UTF-8 on every thread. */
#define TEXTOPS_PY_ONE_THREAD 1048576

/* Fills addrs[i], lens[i] (and widths[i], which may be NULL for
 * TEXTOPS_PY_UTF8) and owned[i] from start on while the glue can read
 * list[i]: an exact bytes (mode without TEXTOPS_UNICODE), or an exact str,
 * read as `how` says. owned[i] keeps the bytes alive once the GIL is
 * released: a new reference to list[i], or the glue's UTF-8 copy
 * (textops_py_release drops both). Returns the first index it could not
 * fill, -1 when all n are filled, or -2 when the list no longer holds n
 * items (another thread changed it). */
long textops_py_spans(void *list, size_t n, size_t start, int mode,
                      int how, uintptr_t *addrs, size_t *lens,
                      unsigned char *widths, void **owned);

/* The GIL-held batch (textops_py_held): a text of at most this many bytes
 * (in its storage, or as bytes) is short, counted while the caller holds
 * the GIL with no reference taken; a longer one is counted with the GIL
 * released. Above it a text costs microseconds to count, so the 30 ns a
 * text the GIL-released path adds is lost in it, and a slice stays near a
 * millisecond. */
#define TEXTOPS_PY_HELD_MAX 65536
/* A slice of the GIL-held batch ends after this many texts, or after the
 * text that takes one of the team's threads to this many bytes: about a
 * millisecond of work (1M short texts take 20-30 ms on 2 threads, so
 * 32,768 of them under 1 ms; a thread reads 2 MiB of longer texts in
 * about that). 1 MiB ended the slices of a million documents of 40-200
 * characters (115-260 bytes of storage) after some 12,000 texts, and each
 * slice's start and end cost a rare word about 10% of its time. */
#define TEXTOPS_PY_SLICE_ITEMS 32768
#define TEXTOPS_PY_SLICE_BYTES 2097152
/* What textops_py_held returns when the list no longer holds n items, and
 * in a build without a GIL (free-threaded CPython: the caller takes the
 * path that holds references). */
#define TEXTOPS_PY_CHANGED (-2)
#define TEXTOPS_PY_NO_HELD (-3)

/* One slice of a batch counted while holding the GIL: from start on, the
 * short texts of `list` (n items) that the glue reads in place (exact str
 * in mode TEXTOPS_UNICODE: in their storage, or for words as UTF-8 when at
 * hand; exact bytes otherwise), at most TEXTOPS_PY_SLICE_ITEMS of them and
 * about TEXTOPS_PY_SLICE_BYTES a thread, are counted by `query` (made by
 * textops_prepare_count for words and mode) through textops_items_count:
 * on the team, whose threads read each object themselves, or on this
 * thread when the team is busy, with the GIL held throughout: no Python
 * code runs meanwhile, so no text can change or be freed, and no
 * reference is taken. Their counts go to results[start, end) (a list of
 * n zeros that only the caller holds; out is scratch room for
 * TEXTOPS_PY_SLICE_ITEMS counts, or n - start if fewer); returns end.
 * When list[start] is not short, returns start, with *run_end the end of
 * the run of long exact texts from start (start itself when list[start]
 * is not an exact str or bytes the glue reads). Returns
 * TEXTOPS_PY_CHANGED, TEXTOPS_PY_NO_HELD, or -1 when out of memory (the
 * results before end may then hold some counts). The
 * caller gives the GIL up between slices (every cffi call does), so other
 * Python threads run and Ctrl-C is seen between them. */
long textops_py_held(void *list, size_t n, size_t start, int words,
                     int mode, textops_prepared *query, int threads,
                     size_t *out, void *results, size_t *run_end);

/* Drops the references and copies of owned[0, n) that are not NULL, and
 * clears them. */
void textops_py_release(void **owned, size_t n);

/* Replaces the items of `list`, a list of n zeros (the int 0) that only
 * the caller holds, by the ints counts[0, n): those that are not 0 (most
 * counts of short texts are). Returns 0, or -1 when out of memory (the
 * items not yet replaced stay as they were). */
int textops_py_fill(void *list, const size_t *counts, size_t n);

/* The n terms of a textops_matrix (`terms`, term c being info[2*c] bytes
 * and info[2*c+1] characters long, beginning at terms + starts[c], or,
 * with starts NULL, laid end to end) into the list at address `target`:
 * with as_list, a list of n items, item c replaced by term c; else a list
 * of one item, replaced by a new dict {term: c} (presized where CPython
 * allows). Terms are str decoded from UTF-8 ("surrogatepass") in mode
 * TEXTOPS_UNICODE, bytes otherwise. Returns 0, or -1 when out of memory
 * or a term is not valid UTF-8 (the list or dict then holds the terms
 * before it). */
int textops_py_terms(void *target, int as_list, const char *terms,
                     const size_t *info, const size_t *starts, size_t n,
                     int mode);

/* textops_word_count (words != 0) or textops_substring_count on the text
 * object at address `text`, or TEXTOPS_PY_SLOW if the glue cannot read it
 * (see textops_py_spans). A non-ASCII str is counted in its own storage
 * (textops_units_count, textops_units_word_count; word and sep UTF-8). */
size_t textops_py_count(uintptr_t text, int words, const char *word,
                        size_t word_len, const char *sep, size_t sep_len,
                        int mode, int threads);

#endif
