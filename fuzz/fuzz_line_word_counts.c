/* libFuzzer target: textops_line_word_counts, differential (harness.h). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(FZ_LINE_WORD_COUNTS, data, size);
    return 0;
}
