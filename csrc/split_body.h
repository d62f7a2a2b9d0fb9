/* The whitespace kernels of the vector backends, written once and compiled
 * once per target (see scan_body.h): backend_*.c define, under TX_TARGET,
 *   space_mask64(t, mode, &lead)  a bit per byte of t[0, 64) that is ASCII
 *                         whitespace in this mode, and in lead a bit per
 *                         lead byte of multi-byte whitespace (str mode);
 *   line_mask64(t, mode)  a bit per byte of t[0, 64) that may start a
 *                         line break in this mode;
 * and the names TX_SKIP, TX_LINE and (if defined) TX_SPLIT of the
 * functions made here.
 * All go 64 bytes at a time and leave the tail to the portable path; all
 * look at the stop flag every TX_CHECK_BYTES. */

#include <stdint.h>

/* tx_skip_text: the first ASCII whitespace (or lead) byte, or n. */
TX_TARGET size_t TX_SKIP(const unsigned char *t, size_t n, int mode,
                         int leads, const volatile int *stop)
{
    size_t base = 0, check = TX_CHECK_BYTES;
    for (; n - base >= 64; base += 64) {
        if (base >= check) {
            if (TX_STOPPED(stop))
                return n;
            check = base + TX_CHECK_BYTES;
        }
        uint64_t lead, ws = space_mask64(t + base, mode, &lead);
        if (leads)
            ws |= lead;
        if (ws)
            return base + (size_t)__builtin_ctzll(ws);
    }
    return base + tx_skip_text_portable(t + base, n - base, mode, leads, NULL);
}

/* tx_skip_line: the first byte that may start a line break, or n. */
TX_TARGET size_t TX_LINE(const unsigned char *t, size_t n, int mode,
                         const volatile int *stop)
{
    size_t base = 0, check = TX_CHECK_BYTES;
    for (; n - base >= 64; base += 64) {
        if (base >= check) {
            if (TX_STOPPED(stop))
                return n;
            check = base + TX_CHECK_BYTES;
        }
        uint64_t lb = line_mask64(t + base, mode);
        if (lb)
            return base + (size_t)__builtin_ctzll(lb);
    }
    return base + tx_skip_line_portable(t + base, n - base, mode, NULL);
}

#ifdef TX_SPLIT
/* split() 64 bytes at a time: a mask of the whitespace bytes of each block
 * gives where tokens start and end without a branch per byte. Only the
 * SSE2 backend makes it (see backend.c). */
TX_TARGET int TX_SPLIT(const unsigned char *t, size_t n, int mode,
                       const volatile int *stop, tx_sink *sink)
{
    size_t base = 0, start = 0, check = TX_CHECK_BYTES;
    int in_token = 0;
    uint64_t carry = 0; /* whitespace bytes of the next block, found early */
    for (; n - base >= 64; base += 64) {
        if (base >= check) {
            if (TX_STOPPED(stop))
                return 0;
            check = base + TX_CHECK_BYTES;
        }
        uint64_t lead, ws = carry | space_mask64(t + base, mode, &lead);
        carry = 0;
        while (lead) { /* rare: U+0085, U+00A0, U+1680, U+2000... */
            unsigned p = (unsigned)__builtin_ctzll(lead);
            lead &= lead - 1;
            size_t len = tx_space_at(t, n, base + p, mode);
            for (size_t j = p; j < p + len; j++) {
                if (j < 64)
                    ws |= (uint64_t)1 << j;
                else
                    carry |= (uint64_t)1 << (j - 64);
            }
        }
        uint64_t ahead = ~(uint64_t)0; /* the positions not yet passed */
        for (;;) {
            uint64_t next = (in_token ? ws : ~ws) & ahead;
            if (next == 0)
                break;
            unsigned p = (unsigned)__builtin_ctzll(next);
            if (in_token && sink->token(sink, t + start, base + p - start))
                return 1;
            start = base + p;
            in_token = !in_token;
            ahead = ~(uint64_t)0 << p;
        }
    }
    /* The tail on the byte path, with the token still open. The carry is
     * the rest of a whitespace character (never inside a token). */
    return in_token ? tx_split_from(t, n, base, start, mode, stop, sink)
                    : tx_split_from(t, n,
                                    base + (size_t)__builtin_popcountll(carry),
                                    TX_NO_TOKEN, mode, stop, sink);
}
#endif /* TX_SPLIT */
