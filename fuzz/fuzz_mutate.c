/* libFuzzer target: the text changes between the passes (harness.h, FZ_MUTATE). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(FZ_MUTATE, data, size);
    return 0;
}
