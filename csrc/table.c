/* The cold parts of the hash tables of table.h: making, growing and
 * freeing them. */
#include <stdlib.h>
#include <string.h>

#include "table.h"

/* 0 on success, -1 when memory runs out (the table is then empty). */
int tx_table_init(tx_table *tb, size_t nbuckets)
{
    tb->buckets = calloc(nbuckets, sizeof *tb->buckets);
    tb->entries = malloc(nbuckets / 2 * sizeof *tb->entries);
    tb->mask = nbuckets - 1;
    tb->used = 0;
    tb->capacity = nbuckets / 2;
    tb->bytes = NULL;
    if (tb->buckets == NULL || tb->entries == NULL) {
        free(tb->buckets);
        free(tb->entries);
        tb->buckets = NULL;
        tb->entries = NULL;
        return -1;
    }
    return 0;
}

void tx_table_free(tx_table *tb)
{
    for (size_t i = 0; tb->bytes != NULL && i < tb->capacity; i++)
        free(tb->bytes[i]);
    free(tb->bytes);
    free(tb->buckets);
    free(tb->entries);
}

int tx_table_own_bytes(tx_table *tb)
{
    tb->bytes = calloc(tb->capacity, sizeof *tb->bytes);
    return tb->bytes != NULL ? 0 : -1;
}

int tx_table_copy_bytes(tx_table *tb, const tx_key *k)
{
    unsigned char *copy = malloc(k->len);
    if (copy == NULL)
        return -1;
    memcpy(copy, k->s, k->len);
    tb->bytes[tb->used] = copy;
    return 0;
}

/* Makes room for one more entry; 0 on success, -1 (table unchanged)
 * without memory. */
int tx_table_reserve(tx_table *tb)
{
    if (tb->used == TX_MAX_ENTRIES)
        return -1;
    if (tb->used == tb->capacity) {
        if (tb->bytes != NULL) {
            unsigned char **copies = realloc(
                tb->bytes, 2 * tb->capacity * sizeof *copies);
            if (copies == NULL)
                return -1;
            memset(copies + tb->capacity, 0, tb->capacity * sizeof *copies);
            tb->bytes = copies;
        }
        tx_entry *more = realloc(tb->entries,
                                 2 * tb->capacity * sizeof *more);
        if (more == NULL)
            return -1;
        tb->entries = more;
        tb->capacity *= 2;
    }
    if (2 * (tb->used + 1) <= tb->mask + 1) /* keep the load under 1/2 */
        return 0;
    size_t nbuckets = 2 * (tb->mask + 1);
    uint64_t *buckets = calloc(nbuckets, sizeof *buckets);
    if (buckets == NULL)
        return -1;
    for (size_t j = 0; j < tb->used; j++) {
        uint64_t h = tb->entries[j].hash;
        size_t i = (size_t)h & (nbuckets - 1);
        while (buckets[i] != TX_EMPTY)
            i = (i + 1) & (nbuckets - 1);
        buckets[i] = (h >> 32) << 32 | (uint64_t)(j + 1);
    }
    free(tb->buckets);
    tb->buckets = buckets;
    tb->mask = nbuckets - 1;
    return 0;
}

int tx_short_init(tx_short_table *tb, size_t nslots)
{
    unsigned bits = 0;
    while (((size_t)1 << bits) < nslots)
        bits++;
    tb->slots = calloc((size_t)1 << bits, sizeof *tb->slots);
    tb->mask = ((size_t)1 << bits) - 1;
    tb->used = 0;
    tb->shift = 64 - bits;
    return tb->slots != NULL ? 0 : -1;
}

void tx_short_free(tx_short_table *tb)
{
    free(tb->slots);
    tb->slots = NULL;
}

int tx_short_grow(tx_short_table *tb)
{
    size_t n = 2 * (tb->mask + 1);
    if (tb->shift <= 1)
        return -1;
    tx_short_slot *slots = calloc(n, sizeof *slots);
    if (slots == NULL)
        return -1;
    tx_short_table bigger = {slots, n - 1, tb->used, tb->shift - 1};
    for (size_t j = 0; j <= tb->mask; j++) {
        const tx_short_slot *sl = &tb->slots[j];
        if (sl->len == 0)
            continue;
        size_t i = tx_short_slot_of(&bigger, sl->word, sl->len);
        while (slots[i].len != 0)
            i = (i + 1) & bigger.mask;
        slots[i] = *sl;
    }
    free(tb->slots);
    *tb = bigger;
    return 0;
}
