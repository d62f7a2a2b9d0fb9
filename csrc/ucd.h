/* The Unicode tables of the token rules, generated at build time from the
 * interpreter textops is built for (build_ucd.py writes ucd_data.h): for
 * each code point, whether it is a word character (re's \w), how
 * str.lower() maps it, and how it stands in a capital sigma's context.
 * Also the UTF-8 steps every Unicode walk of the token rules takes. */
#ifndef TEXTOPS_UCD_H
#define TEXTOPS_UCD_H

#include <stddef.h>

/* Record flags. */
#define TX_UCD_WORD 1      /* \w: ch.isalnum() or ch == "_" */
#define TX_UCD_IGNORABLE 2 /* skipped when str.lower judges a sigma */
#define TX_UCD_CASED 4     /* a cased letter, for that judgement */
#define TX_UCD_SPECIAL 8   /* lowers to several code points (delta: index) */
#define TX_UCD_LOWERS 16   /* str.lower changes it (capital sigma included) */

typedef struct {
    unsigned char flags;
    int delta; /* ord(ch.lower()) - ord(ch), or the index of the special */
} tx_ucd_record;

extern const unsigned char tx_ucd_stage1[0x1100];
extern const unsigned char tx_ucd_stage2[][256];
extern const tx_ucd_record tx_ucd_records[];
/* the lowercase forms of the specials, zero-padded code points */
extern const unsigned tx_ucd_specials[][3];

#define TX_SIGMA 0x3A3u       /* capital sigma */
#define TX_SIGMA_FINAL 0x3C2u /* what it lowers to at the end of a word */
#define TX_SIGMA_SMALL 0x3C3u /* and elsewhere */

/* The record of code point cp; anything above U+10FFFF reads as U+FFFD's
 * (a text changed under a call decodes to garbage, never out of bounds). */
static inline const tx_ucd_record *tx_ucd(unsigned cp)
{
    if (cp > 0x10FFFFu)
        cp = 0xFFFDu;
    return &tx_ucd_records[tx_ucd_stage2[tx_ucd_stage1[cp >> 8]][cp & 0xFF]];
}

/* The code point starting at t[i] (i < n) and its byte length in *len
 * (1 to 4, never past n). Valid UTF-8 (and lone surrogates encoded with
 * "surrogatepass") decodes exactly; other bytes decode to some code point
 * without reading past n. */
static inline unsigned tx_utf8_next(const unsigned char *t, size_t n,
                                    size_t i, size_t *len)
{
    unsigned c = t[i];
    size_t k = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c < 0xC0 || n - i < k) {
        *len = 1;
        return c;
    }
    unsigned cp = c & (0x7Fu >> k);
    for (size_t j = 1; j < k; j++)
        cp = cp << 6 | (t[i + j] & 0x3Fu);
    *len = k;
    return cp;
}

/* Where the code point ending just before t[i] starts (0 < i): back over
 * at most three continuation bytes. */
static inline size_t tx_utf8_prev(const unsigned char *t, size_t i)
{
    size_t j = i - 1;
    while (j > 0 && i - j < 4 && (t[j] & 0xC0) == 0x80)
        j--;
    return j;
}

/* Writes cp as UTF-8 at out (cp <= 0x10FFFF); returns the bytes written. */
static inline size_t tx_utf8_put(unsigned cp, unsigned char *out)
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | cp >> 6);
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | cp >> 12);
        out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | cp >> 18);
    out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

#endif
