/* Many words counted in one pass without a tokenizer call per token (the
 * fast path of words.c): for split() on whitespace and the \w rules of
 * text that is not lowered. The text is classified 64 bytes at a time into
 * a mask of delimiters (exact: whitespace for split(), what is not \w for
 * the \w rules; non-ASCII characters are decoded only where a block has
 * them), token starts come from that mask, and only the starts that pass
 * a filter are looked up in a compact table of the words, built once per
 * call:
 *   - up to TX_WORDSET_BUCKETS_MAX distinct words, when it rejects enough,
 *     a vector filter of the first two bytes of a token (the Teddy approach: each word is put in
 *     one of 8 buckets, and a nibble table per byte position gives the
 *     buckets a byte may belong to; a start is kept when some bucket
 *     accepts both its bytes);
 *   - then, for every set, an open-addressing table of the words only
 *     (4 slots per word), keyed by their first eight bytes and length (and a hash of the
 *     last eight bytes of longer ones):
 *     a token is decided at its first slot without a branch on what it
 *     is, unless a word placed further on passed that slot.
 * The portable kernel and the AVX2 one (chosen by the current backend,
 * backend.h) give the same answers. */
#ifndef TEXTOPS_WORDSET_H
#define TEXTOPS_WORDSET_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Up to this many distinct words the first-two-byte filter is used, when
 * it keeps less than 3/4 of the byte pairs a token may start with. */
#define TX_WORDSET_BUCKETS_MAX 4096

/* One word of the table: its key (see wordset.c; 0: an empty slot) and
 * the index of its first copy in the word list (the top bit: a word whose
 * search starts here lies further on). */
typedef struct {
    uint64_t key;
    uint32_t word;
} tx_wslot;

typedef struct {
    tx_wslot *slots;
    size_t mask;    /* slots - 1, a power of two */
    unsigned shift; /* 64 - log2(slots) */
    size_t used;    /* words in the table */
    const char *const *words;
    const size_t *lens;
    /* the bucket filter: a byte c at the first (second) place of a token
     * may start a word of bucket b when bit b of lo1[c & 15] & hi1[c >> 4]
     * (lo2, hi2) is set */
    unsigned char lo1[16], hi1[16], lo2[16], hi2[16];
    int buckets; /* the bucket filter is used */
    int words_rule; /* the \w rules, else split() */
    int mode;
} tx_wordset;

/* 1 if the query's words can be counted by tx_wordset_count: split() on
 * whitespace or a \w rule, not lowered, and every word shorter than 4 GiB. */
int tx_wordset_fits(const tx_query *q, size_t nwords, const size_t *word_lens);

/* Builds the set of words[0, nwords) for the query (tx_wordset_fits) and
 * sets first[j] to the index of the first copy of word j. Words that are
 * never a token by the rule (empty; of one code point for r"\b\w\w+\b")
 * stay out of the set. Returns 0, or -1 without memory. */
int tx_wordset_init(tx_wordset *ws, const tx_query *q, size_t nwords,
                    const char *const *words, const size_t *word_lens,
                    size_t *first);

void tx_wordset_free(tx_wordset *ws);

/* Adds 1 to row[first copy] for each token of t[0, n) (a whole text, or a
 * piece cut exactly for the query) equal to a word of the set; with
 * `atomic`, other threads add to the same row. Looks at the query's stop
 * flag every TX_CHECK_BYTES. */
void tx_wordset_count(const tx_wordset *ws, const tx_query *q,
                      const unsigned char *t, size_t n, size_t *row,
                      int atomic);

#endif
