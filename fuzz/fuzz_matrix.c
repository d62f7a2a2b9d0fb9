/* libFuzzer target: textops_count_matrix and textops_vocab_matrix against
 * per-document n-gram counts (check_matrix.c). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(FZ_MATRIX, data, size);
    return 0;
}
