/* libFuzzer target: textops_batch_word_count and
 * textops_batch_substring_count, differential (harness.h). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(FZ_BATCH, data, size);
    return 0;
}
