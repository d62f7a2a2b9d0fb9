/* libFuzzer target: textops_word_count, differential (harness.h). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(FZ_WORD_COUNT, data, size);
    return 0;
}
