/* Whitespace and line breaks (see space.h): the byte classes, the
 * characters, the searches for the next one, and the cuts after one. */
#include "backend.h"
#include "space.h"

unsigned char tx_space_class[2][256];

__attribute__((constructor)) static void tx_init_space_classes(void)
{
    for (int uni = 0; uni < 2; uni++) {
        int mode = uni ? TEXTOPS_UNICODE : TEXTOPS_BYTES;
        for (unsigned c = 0; c < 256; c++)
            tx_space_class[uni][c] =
                tx_ascii_space((unsigned char)c, mode) ? TX_CLASS_SPACE
                : (uni && (c == TX_WS_LEAD2 ||
                           (c >= TX_WS_LEAD3_LO && c <= TX_WS_LEAD3_HI)))
                    ? TX_CLASS_LEAD
                    : TX_CLASS_TEXT;
    }
}

size_t tx_space_at(const unsigned char *t, size_t n, size_t i, int mode)
{
    unsigned char c = t[i];
    if (c < 0x80)
        return (size_t)tx_ascii_space(c, mode);
    if (mode != TEXTOPS_UNICODE || n - i < 2)
        return 0;
    unsigned char c1 = t[i + 1];
    if (c == TX_WS_LEAD2)
        return (c1 == 0x85 || c1 == 0xA0) ? 2 : 0;
    if (n - i < 3)
        return 0;
    unsigned char c2 = t[i + 2];
    int space = (c == 0xE1 && c1 == 0x9A && c2 == 0x80) ||
                (c == 0xE2 && c1 == 0x80 &&
                 ((c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xA8 || c2 == 0xA9 ||
                  c2 == 0xAF)) ||
                (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) ||
                (c == 0xE3 && c1 == 0x80 && c2 == 0x80);
    return space ? 3 : 0;
}

int tx_space_before(const unsigned char *t, size_t i, int mode)
{
    unsigned char c = t[i - 1];
    if (c < 0x80)
        return tx_ascii_space(c, mode);
    if (mode != TEXTOPS_UNICODE)
        return 0;
    if (i >= 2 && t[i - 2] == TX_WS_LEAD2)
        return c == 0x85 || c == 0xA0;
    return i >= 3 && tx_space_at(t, i, i - 3, mode) == 3;
}

size_t tx_skip_text_portable(const unsigned char *t, size_t n, int mode,
                             int leads, const volatile int *stop)
{
    const unsigned char *cls = tx_space_class[mode == TEXTOPS_UNICODE];
    const unsigned want = leads ? TX_CLASS_SPACE | TX_CLASS_LEAD
                                : TX_CLASS_SPACE;
    size_t i = 0;
    while (i < n) {
        size_t end = n - i > TX_CHECK_BYTES ? i + TX_CHECK_BYTES : n;
        for (; i < end; i++)
            if (cls[t[i]] & want)
                return i;
        if (TX_STOPPED(stop))
            return n;
    }
    return n;
}

size_t tx_skip_text(const unsigned char *t, size_t n, int mode, int leads,
                    const volatile int *stop)
{
    return tx_backend_now()->skip(t, n, mode, leads, stop);
}

size_t tx_skip_line_portable(const unsigned char *t, size_t n, int mode,
                             const volatile int *stop)
{
    size_t i = 0;
    while (i < n) {
        size_t end = n - i > TX_CHECK_BYTES ? i + TX_CHECK_BYTES : n;
        for (; i < end; i++)
            if (tx_maybe_break(t[i], mode))
                return i;
        if (TX_STOPPED(stop))
            return n;
    }
    return n;
}

size_t tx_skip_line(const unsigned char *t, size_t n, int mode,
                    const volatile int *stop)
{
    return tx_backend_now()->line(t, n, mode, stop);
}

/* A cut search is called once per share (a few MB), so it also looks at
 * the flag on the way in. */
size_t tx_cut_after_space(const unsigned char *t, size_t lo, size_t hi,
                          int mode, const volatile int *stop)
{
    if (TX_STOPPED(stop))
        return hi;
    return lo + tx_skip_text(t + lo - 1, hi - lo, mode, 0, stop);
}

size_t tx_cut_after_line(const unsigned char *t, size_t lo, size_t hi,
                         const volatile int *stop)
{
    const tx_backend *be = tx_backend_now();
    size_t b = lo;
    while (b < hi && !TX_STOPPED(stop)) {
        /* a \n or \r at t[b - 1]: the bytes mode breaks are those two */
        b += be->line(t + b - 1, hi - b, TEXTOPS_BYTES, stop);
        if (b == hi)
            break;
        if (t[b - 1] == TX_LB_LF || t[b] != TX_LB_LF)
            return b;
        b++; /* \r\n: the cut is after the \n */
    }
    return hi;
}
