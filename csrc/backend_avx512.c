/* The AVX-512 backend (F and BW): scan_body.h and split_body.h, 64 bytes
 * at a time. */
#include "backend.h"

#ifdef TX_X86
#include "rules_x86.h"
#include "space_x86.h"

#define TX_TARGET __attribute__((target("avx512f,avx512bw")))
#define TX_W 64
#define TX_SCAN tx_scan_avx512
#define TX_NARROWER tx_scan_avx2
#define TX_SKIP tx_skip_avx512
#define TX_LINE tx_line_avx512

typedef unsigned long long tx_mask;

typedef struct {
    __m512i first, mid, last;
} tx_probes;

TX_TARGET static inline tx_probes probes_init(const tx_needle *nd)
{
    tx_probes v = {_mm512_set1_epi8((char)nd->s[0]),
                   _mm512_set1_epi8((char)nd->s[nd->mid]),
                   _mm512_set1_epi8((char)nd->s[nd->m - 1])};
    return v;
}

TX_TARGET static inline tx_mask probe_mask(const tx_probes *v,
                                           const unsigned char *h,
                                           size_t mid, size_t m)
{
    return _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(h), v->first) &
           _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(h + mid), v->mid) &
           _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(h + m - 1), v->last);
}

TX_TARGET static inline int probe_quiet4(const tx_probes *v,
                                         const unsigned char *h, size_t mid,
                                         size_t m)
{
    return (probe_mask(v, h, mid, m) | probe_mask(v, h + 64, mid, m) |
            probe_mask(v, h + 128, mid, m) |
            probe_mask(v, h + 192, mid, m)) == 0;
}

TX_TARGET static inline tx_mask edge_mask(const unsigned char *a,
                                          const unsigned char *b,
                                          tx_mask *sure)
{
    const __m512i x = _mm512_loadu_si512(a), y = _mm512_loadu_si512(b);
    *sure = tx_space_avx512(x, TEXTOPS_BYTES) &
            tx_space_avx512(y, TEXTOPS_BYTES);
    return tx_maybe_space_avx512(x) & tx_maybe_space_avx512(y);
}

/* As in backend_sse2.c. */
TX_TARGET static inline tx_mask word_edge_mask(const unsigned char *a,
                                               const unsigned char *b,
                                               tx_mask *sure)
{
    const __m512i x = _mm512_loadu_si512(a), y = _mm512_loadu_si512(b);
    const tx_mask wx = tx_word_avx512(x), wy = tx_word_avx512(y);
    *sure = tx_ascii_avx512(x) & ~wx & tx_ascii_avx512(y) & ~wy;
    return ~(wx | wy);
}

static inline int mask_ctz(tx_mask x) { return __builtin_ctzll(x); }
static inline int mask_popcount(tx_mask x) { return __builtin_popcountll(x); }

TX_TARGET static inline uint64_t space_mask64(const unsigned char *t,
                                              int mode, uint64_t *lead)
{
    const __m512i x = _mm512_loadu_si512(t);
    *lead = mode == TEXTOPS_UNICODE ? tx_lead_avx512(x) : 0;
    return tx_space_avx512(x, mode);
}

TX_TARGET static inline uint64_t line_mask64(const unsigned char *t,
                                             int mode)
{
    return tx_break_avx512(_mm512_loadu_si512(t), mode);
}

#include "scan_body.h"
#include "split_body.h"

#endif /* TX_X86 */
