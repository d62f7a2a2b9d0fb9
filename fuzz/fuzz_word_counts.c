/* libFuzzer target: textops_word_counts (sums and the texts x words
 * matrix) against per-word counts (harness.h). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(FZ_WORD_COUNTS, data, size);
    return 0;
}
