/* Whitespace: the one definition of what str.split() and bytes.split()
 * split on, for every kernel (search, split, tokens, the cuts).
 *
 * In TEXTOPS_UNICODE mode the text is UTF-8, and these are the characters
 * str.split() treats as whitespace:
 *   \t \n \v \f \r, \x1c-\x1f, space            one byte
 *   U+0085, U+00A0                              C2 85, C2 A0
 *   U+1680                                      E1 9A 80
 *   U+2000-U+200A, U+2028, U+2029, U+202F       E2 80 80-8A, A8, A9, AF
 *   U+205F                                      E2 81 9F
 *   U+3000                                      E3 80 80
 * Every sequence starts with an ASCII or lead byte, so a match is always a
 * whole character. In TEXTOPS_BYTES mode only \t \n \v \f \r and space are
 * whitespace.
 *
 * The scalar tests, the byte classes and the vector tests (space_x86.h) are
 * all written with the constants below. */
#ifndef TEXTOPS_SPACE_H
#define TEXTOPS_SPACE_H

#include <stddef.h>

#include "textops.h"

/* ASCII whitespace in both modes: \t..\r and space. */
#define TX_WS_CTL_LO 0x09
#define TX_WS_CTL_HI 0x0D
#define TX_WS_SPACE 0x20
/* ASCII whitespace in str mode only: \x1c..\x1f. */
#define TX_WS_SEP_LO 0x1C
#define TX_WS_SEP_HI 0x1F
/* Lead bytes of the multi-byte whitespace characters (str mode). */
#define TX_WS_LEAD2 0xC2
#define TX_WS_LEAD3_LO 0xE1
#define TX_WS_LEAD3_HI 0xE3
/* No ASCII byte above this one is whitespace: a byte that may be, or may
 * be part of, a whitespace character is at most this as a signed char. */
#define TX_WS_ASCII_MAX TX_WS_SPACE

/* Line breaks of splitlines(): \n, \r and \r\n in both modes; in str mode
 * also \v, \f, \x1c-\x1e, U+0085 (C2 85), U+2028 and U+2029 (E2 80 A8,
 * E2 80 A9). The bytes that may start one: */
#define TX_LB_LF 0x0A
#define TX_LB_CR 0x0D
#define TX_LB_CTL_LO 0x0A /* str mode: \n \v \f \r */
#define TX_LB_CTL_HI 0x0D
#define TX_LB_SEP_LO 0x1C /* str mode */
#define TX_LB_SEP_HI 0x1E
#define TX_LB_LEAD2 0xC2 /* str mode */
#define TX_LB_LEAD3 0xE2 /* str mode */

/* 1 if byte c may start a line break in this mode. */
static inline int tx_maybe_break(unsigned char c, int mode)
{
    if (c == TX_LB_LF || c == TX_LB_CR)
        return 1;
    return mode == TEXTOPS_UNICODE &&
           ((c >= TX_LB_CTL_LO && c <= TX_LB_CTL_HI) ||
            (c >= TX_LB_SEP_LO && c <= TX_LB_SEP_HI) || c == TX_LB_LEAD2 ||
            c == TX_LB_LEAD3);
}

/* What a byte may be in split(): tx_space_class[mode == TEXTOPS_UNICODE][c]. */
enum {
    TX_CLASS_TEXT = 0,  /* never whitespace nor its start */
    TX_CLASS_SPACE = 1, /* ASCII whitespace: a whole character */
    TX_CLASS_LEAD = 2   /* the lead byte of a character that may be */
};
extern unsigned char tx_space_class[2][256];

/* 1 if byte c is ASCII whitespace in this mode (always a whole character). */
static inline int tx_ascii_space(unsigned char c, int mode)
{
    if (c == TX_WS_SPACE || (c >= TX_WS_CTL_LO && c <= TX_WS_CTL_HI))
        return 1;
    return mode == TEXTOPS_UNICODE && c >= TX_WS_SEP_LO && c <= TX_WS_SEP_HI;
}

/* Byte length of the whitespace character starting at t[i] (i < n), or 0. */
size_t tx_space_at(const unsigned char *t, size_t n, size_t i, int mode);

/* 1 if a whitespace character ends just before t[i] (0 < i); reads back
 * at most to the start of the character before t[i]. */
int tx_space_before(const unsigned char *t, size_t i, int mode);

/* The first i < n where t[i] is ASCII whitespace in this mode (and, when
 * `leads`, also where t[i] is a lead byte of class TX_CLASS_LEAD), or n.
 * Runs on the current backend (see backend.h); every TX_CHECK_BYTES it
 * looks at the stop flag `stop` (may be NULL) and returns n once raised. */
size_t tx_skip_text(const unsigned char *t, size_t n, int mode, int leads,
                    const volatile int *stop);

/* The portable tx_skip_text (one table lookup per byte), and the tail of
 * the vector ones. */
size_t tx_skip_text_portable(const unsigned char *t, size_t n, int mode,
                             int leads, const volatile int *stop);

/* The first i < n where t[i] may start a line break (tx_maybe_break), or
 * n; on the current backend, and as tx_skip_text with the stop flag. */
size_t tx_skip_line(const unsigned char *t, size_t n, int mode,
                    const volatile int *stop);
size_t tx_skip_line_portable(const unsigned char *t, size_t n, int mode,
                             const volatile int *stop);

/* Cuts of a large text for split() and splitlines() (see shares.c): the
 * smallest b in [lo, hi), 0 < lo, hi <= n, just after an ASCII whitespace
 * byte of this mode (tx_cut_after_space), or just after \n or after \r
 * not followed by \n (tx_cut_after_line); hi if there is none, or once
 * the stop flag is raised. Vector searches: memory speed on any text. */
size_t tx_cut_after_space(const unsigned char *t, size_t lo, size_t hi,
                          int mode, const volatile int *stop);
size_t tx_cut_after_line(const unsigned char *t, size_t lo, size_t hi,
                         const volatile int *stop);

#endif
