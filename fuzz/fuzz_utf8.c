/* libFuzzer target: textops_utf8_check (and the check fused with a count,
 * textops_batch_substring_count_utf8) against a strict UTF-8 decoder,
 * on the backend, thread count and chunk size its input's first two bytes
 * name (check_utf8.c). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(FZ_UTF8, data, size);
    return 0;
}
