/* Whitespace (see space.h): the byte classes, the characters, and the
 * search for the next whitespace. */
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
