/* libFuzzer target: textops_gather, textops_corpus_count and
 * textops_corpus_line_word_counts against per-document counts
 * (harness.h). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(FZ_CORPUS, data, size);
    return 0;
}
