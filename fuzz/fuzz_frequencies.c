/* libFuzzer target: textops_word_frequencies against a naive counter
 * (harness.h). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(FZ_FREQUENCIES, data, size);
    return 0;
}
