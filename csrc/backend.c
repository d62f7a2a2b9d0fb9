/* The table of backends and the choice of one (see backend.h). */
#include "backend.h"
#include "utf8.h"

static const tx_backend backends[] = {
    {"portable", tx_scan_portable, tx_skip_text_portable, tx_skip_line_portable,
     tx_split_portable, tx_word_mask_portable, tx_utf8_portable, NULL, NULL},
#ifdef TX_X86
    {"sse2", tx_scan_sse2, tx_skip_sse2, tx_line_sse2, tx_split_sse2,
     tx_word_mask_sse2, tx_utf8_portable, NULL, NULL},
    {"avx2", tx_scan_avx2, tx_skip_avx2, tx_line_avx2, tx_split_sse2,
     tx_word_mask_sse2, tx_utf8_avx2, NULL, tx_units_utf8_avx2},
    {"avx512", tx_scan_avx512, tx_skip_avx512, tx_line_avx512,
     tx_split_sse2, tx_word_mask_sse2, tx_utf8_avx512, tx_scan_short_avx512,
     tx_units_utf8_avx512},
#endif
};

#define TX_NBACKENDS (int)(sizeof backends / sizeof backends[0])

static int backend_supported(int id)
{
    if (id < 0 || id >= TX_NBACKENDS)
        return 0;
#ifdef TX_X86
    __builtin_cpu_init();
    if (backends[id].scan == tx_scan_sse2)
        return __builtin_cpu_supports("sse2");
    if (backends[id].scan == tx_scan_avx2)
        return __builtin_cpu_supports("avx2");
    if (backends[id].scan == tx_scan_avx512)
        return __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw");
#endif
    return 1;
}

/* -1 until the first search picks the best backend the CPU supports. */
static int tx_chosen = -1;

const tx_backend *tx_backend_now(void)
{
    int id = __atomic_load_n(&tx_chosen, __ATOMIC_RELAXED);
    if (id < 0) {
        for (id = TX_NBACKENDS - 1; id > 0 && !backend_supported(id); id--)
            ;
        __atomic_store_n(&tx_chosen, id, __ATOMIC_RELAXED);
    }
    return &backends[id];
}

const char *textops_search_backend(int id)
{
    return backend_supported(id) ? backends[id].name : NULL;
}

int textops_set_search_backend(int id)
{
    if (!backend_supported(id))
        return -1;
    tx_backend_now();
    return __atomic_exchange_n(&tx_chosen, id, __ATOMIC_RELAXED);
}
