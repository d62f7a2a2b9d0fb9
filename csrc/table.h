/* The hash table of tokens that frequencies and many-word counts share
 * (table.c grows it): entries in the order they were added, found through
 * an open-addressing index. The lookups are called once per token, so
 * they are here, inline; only the cold parts are in table.c. */
#ifndef TEXTOPS_TABLE_H
#define TEXTOPS_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Bytes of a token kept in its entry: most words fit, so finding a word
 * does not read the far-away text of its first occurrence. */
#define TX_HEAD 24

/* A distinct token and its value (a count, or a word's index + 1). s is
 * its first occurrence seen so far, in text number `text`; head its first
 * TX_HEAD bytes, zero-padded. One cache line. */
typedef struct {
    const unsigned char *s;
    size_t len;
    size_t value;
    uint64_t hash;
    size_t text;
    unsigned char head[TX_HEAD];
} tx_entry;

/* A token about to be looked up: its bytes, its hash and its head, and
 * `at`, where it occurs in its text (s itself, unless s is a lowered copy;
 * it places the token in the texts' order). */
typedef struct {
    const unsigned char *s;
    size_t len;
    uint64_t hash;
    unsigned char head[TX_HEAD];
    const unsigned char *at;
} tx_key;

/* Entries in the order they were added, found through an open-addressing
 * index whose buckets hold the high half of the hash and the entry number
 * + 1 (0: empty). The index is small enough to stay in cache, and the
 * entries of frequent tokens, added early, sit together. */
typedef struct {
    uint64_t *buckets;
    size_t mask; /* buckets - 1, a power of two */
    tx_entry *entries;
    size_t used, capacity;
    /* NULL, or (a table of lowered tokens, whose entries' s is where the
     * token occurs, not its bytes) the bytes of each entry longer than
     * TX_HEAD, copied (see tx_table_own_bytes) */
    unsigned char **bytes;
} tx_table;

/* 0 on success, -1 when memory runs out (the table is then empty). */
int tx_table_init(tx_table *tb, size_t nbuckets);

void tx_table_free(tx_table *tb);

/* Makes the empty table keep a copy of its long tokens' bytes (tokens
 * lowered into a buffer that does not outlive the lookup); 0 on success,
 * -1 without memory. */
int tx_table_own_bytes(tx_table *tb);

/* The bytes of entry e's token (its head, its copy or its text). */
static inline const unsigned char *tx_entry_bytes(const tx_table *tb,
                                                  const tx_entry *e)
{
    if (e->len <= TX_HEAD)
        return e->head;
    return tb->bytes != NULL ? tb->bytes[e - tb->entries] : e->s;
}

/* Makes room for one more entry; 0 on success, -1 (table unchanged)
 * without memory. */
int tx_table_reserve(tx_table *tb);

/* Copies the bytes of key k, about to become entry tb->used, for a table
 * that owns them; 0 on success, -1 without memory. */
int tx_table_copy_bytes(tx_table *tb, const tx_key *k);

#define TX_EMPTY 0
#define TX_MAX_ENTRIES 0xFFFFFFFEu

static inline uint64_t tx_mix(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

/* A hash of s[0, n), eight bytes at a time, in three steps so that a
 * long token can be hashed a stretch at a time: tx_hash_start(n), then
 * tx_hash_words over its n / 8 words in order, then tx_hash_end over the
 * n % 8 bytes left. */
static inline uint64_t tx_hash_start(size_t n)
{
    return 0x9e3779b97f4a7c15ULL ^ n;
}

static inline uint64_t tx_hash_words(uint64_t h, const unsigned char *s,
                                     size_t words)
{
    for (size_t i = 0; i < words; i++) {
        uint64_t w;
        memcpy(&w, s + 8 * i, 8);
        h = tx_mix(h ^ w) * 0xbf58476d1ce4e5b9ULL;
    }
    return h;
}

static inline uint64_t tx_hash_end(uint64_t h, const unsigned char *s,
                                   size_t rest)
{
    uint64_t w = 0;
    for (size_t i = 0; i < rest; i++)
        w |= (uint64_t)s[i] << (8 * i);
    return tx_mix(h ^ w ^ ((uint64_t)rest << 59));
}

static inline uint64_t tx_hash_bytes(const unsigned char *s, size_t n)
{
    uint64_t h = tx_hash_words(tx_hash_start(n), s, n / 8);
    return tx_hash_end(h, s + n / 8 * 8, n % 8);
}

/* The bytes of s[0, n), n < 8, as a little-endian word (what tx_hash_bytes
 * reads), with one load when at least 8 bytes before `end` are readable. */
static inline uint64_t tx_short_word(const unsigned char *s, size_t n,
                                     const unsigned char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (end - s >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        return w & (((uint64_t)1 << (8 * n)) - 1);
    }
#else
    (void)end;
#endif
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)s[i] << (8 * i);
    return w;
}

/* tx_hash_bytes of a token shorter than 8 bytes, from its tx_short_word. */
static inline uint64_t tx_hash_short(uint64_t w, size_t n)
{
    return tx_mix(0x9e3779b97f4a7c15ULL ^ n ^ w ^ ((uint64_t)n << 59));
}

/* Makes *k the key of token s[0, n); bytes up to `end` may be read. The
 * key is written in place with stores as wide as the loads that read it
 * (built on the stack and copied, its head was read back before the
 * narrower stores reached memory: a stall per token). */
static inline void tx_key_init(tx_key *k, const unsigned char *s, size_t n,
                               const unsigned char *end)
{
    k->s = s;
    k->len = n;
    k->at = s;
    if (n < 8) {
        uint64_t w = tx_short_word(s, n, end), zero = 0;
        k->hash = tx_hash_short(w, n);
        memcpy(k->head, &w, 8);
        memcpy(k->head + 8, &zero, 8);
        memcpy(k->head + 16, &zero, 8);
    } else {
        k->hash = tx_hash_bytes(s, n);
        if (n >= TX_HEAD) {
            memcpy(k->head, s, TX_HEAD);
        } else {
            memset(k->head, 0, TX_HEAD);
            memcpy(k->head, s, n);
        }
    }
}

/* The key of token s[0, n); bytes up to `end` may be read. */
static inline tx_key tx_make_key(const unsigned char *s, size_t n,
                                 const unsigned char *end)
{
    tx_key k;
    tx_key_init(&k, s, n, end);
    return k;
}

/* 1 if entry e of tb holds the key's token. */
static inline int tx_same_token(const tx_table *tb, const tx_entry *e,
                                const tx_key *k)
{
    return e->len == k->len && memcmp(e->head, k->head, TX_HEAD) == 0 &&
           (k->len <= TX_HEAD ||
            memcmp(tx_entry_bytes(tb, e) + TX_HEAD, k->s + TX_HEAD,
                   k->len - TX_HEAD) == 0);
}

/* The entry holding the key's token, or NULL; *bucket is set to its
 * bucket, or to the empty bucket where it would go. */
static inline tx_entry *tx_table_find(const tx_table *tb, const tx_key *k,
                                      size_t *bucket)
{
    uint64_t tag = k->hash >> 32;
    size_t i = (size_t)k->hash & tb->mask;
    for (;;) {
        uint64_t b = tb->buckets[i];
        if (b == TX_EMPTY) {
            *bucket = i;
            return NULL;
        }
        if (b >> 32 == tag) {
            tx_entry *e = &tb->entries[(b & 0xFFFFFFFFu) - 1];
            if (tx_same_token(tb, e, k)) {
                *bucket = i;
                return e;
            }
        }
        i = (i + 1) & tb->mask;
    }
}

/* Hints the processor to fetch what finding the key will read. */
static inline void tx_table_prefetch(const tx_table *tb, const tx_key *k,
                                     int entry)
{
#if defined(__GNUC__)
    const uint64_t *b = &tb->buckets[(size_t)k->hash & tb->mask];
    if (!entry)
        __builtin_prefetch(b);
    else if (*b != TX_EMPTY)
        __builtin_prefetch(&tb->entries[(*b & 0xFFFFFFFFu) - 1]);
#else
    (void)tb, (void)k, (void)entry;
#endif
}

/* 1 if occurrence (a, at) comes before (b, bt) in the texts' order. */
static inline int tx_earlier(size_t at, const unsigned char *a, size_t bt,
                             const unsigned char *b)
{
    return at < bt || (at == bt && a < b);
}

/* Adds `value` to the token's value, inserting it if new, and keeps its
 * earliest occurrence; returns the entry, or NULL when memory runs out. */
static inline tx_entry *tx_table_add(tx_table *tb, const tx_key *k,
                                     size_t value, size_t text)
{
    size_t bucket;
    tx_entry *e = tx_table_find(tb, k, &bucket);
    if (e != NULL) {
        e->value += value;
        if (tx_earlier(text, k->at, e->text, e->s)) {
            e->s = k->at;
            e->text = text;
        }
        return e;
    }
    if (2 * (tb->used + 1) > tb->mask + 1 || tb->used == tb->capacity) {
        if (tx_table_reserve(tb) != 0)
            return NULL;
        tx_table_find(tb, k, &bucket);
    }
    if (tb->bytes != NULL && k->len > TX_HEAD &&
        tx_table_copy_bytes(tb, k) != 0)
        return NULL;
    e = &tb->entries[tb->used++];
    e->s = k->at;
    e->len = k->len;
    e->value = value;
    e->hash = k->hash;
    e->text = text;
    memcpy(e->head, k->head, TX_HEAD);
    tb->buckets[bucket] = (k->hash >> 32) << 32 | (uint64_t)tb->used;
    return e;
}

/* The table of short tokens (1 to TX_SHORT bytes: most words) for the
 * calls that count every token: a slot holds the token's bytes as one
 * word, its count and its earliest occurrence, so that counting a token
 * reads one 32-byte slot, with no index in front of it and no entry
 * behind it. Open addressing, a slot chosen by the high bits of a
 * multiply, the load kept under 1/2 (table.c grows it). */
#define TX_SHORT 8

typedef struct {
    uint64_t word; /* the token's bytes, little-endian, zero above len */
    size_t value;
    const unsigned char *at; /* its earliest occurrence, in text `text` */
    uint32_t text;
    uint32_t len; /* 0: an empty slot */
} tx_short_slot;

typedef struct {
    tx_short_slot *slots;
    size_t mask, used;
    unsigned shift; /* 64 - log2(slots) */
} tx_short_table;

/* 0 on success, -1 when memory runs out. nslots: a power of two. */
int tx_short_init(tx_short_table *tb, size_t nslots);

void tx_short_free(tx_short_table *tb);

/* Doubles the slots; 0 on success, -1 (table unchanged) without memory. */
int tx_short_grow(tx_short_table *tb);

/* The bytes of s[0, n), 1 <= n <= TX_SHORT, as a little-endian word
 * (zero above n); bytes up to `end` may be read. */
static inline uint64_t tx_short_key(const unsigned char *s, size_t n,
                                    const unsigned char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n == 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        return w;
    }
    return tx_short_word(s, n, end);
#else
    (void)end;
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)s[i] << (8 * i);
    return w;
#endif
}

/* The slot where the search for token (w, n) starts. */
static inline size_t tx_short_slot_of(const tx_short_table *tb, uint64_t w,
                                      size_t n)
{
    uint64_t h = (w ^ (uint64_t)n << 56) * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> tb->shift);
}

/* Adds `value` to token (w, n)'s count, inserting it if new, and keeps
 * its earliest occurrence; 0, or -1 when memory runs out. */
static inline int tx_short_add(tx_short_table *tb, uint64_t w, uint32_t n,
                               size_t value, const unsigned char *at,
                               uint32_t text)
{
    size_t i = tx_short_slot_of(tb, w, n);
    for (;; i = (i + 1) & tb->mask) {
        tx_short_slot *sl = &tb->slots[i];
        if (sl->word == w && sl->len == n) {
            sl->value += value;
            if (tx_earlier(text, at, sl->text, sl->at)) {
                sl->at = at;
                sl->text = text;
            }
            return 0;
        }
        if (sl->len == 0)
            break;
    }
    if (2 * (tb->used + 1) > tb->mask + 1) {
        if (tx_short_grow(tb) != 0)
            return -1;
        for (i = tx_short_slot_of(tb, w, n); tb->slots[i].len != 0;
             i = (i + 1) & tb->mask)
            ;
    }
    tb->slots[i] = (tx_short_slot){w, value, at, text, n};
    tb->used++;
    return 0;
}

/* Hints the processor to fetch the slot token (w, n) starts at. */
static inline void tx_short_prefetch(const tx_short_table *tb, uint64_t w,
                                     size_t n)
{
#if defined(__GNUC__)
    __builtin_prefetch(&tb->slots[tx_short_slot_of(tb, w, n)], 1);
#else
    (void)tb, (void)w, (void)n;
#endif
}

/* A key for the token entry e of tb holds. */
static inline tx_key tx_entry_key(const tx_table *tb, const tx_entry *e)
{
    tx_key k = {tx_entry_bytes(tb, e), e->len, e->hash, {0}, e->s};
    memcpy(k.head, e->head, TX_HEAD);
    return k;
}

#endif
