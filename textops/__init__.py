"""textops: count words and substrings in large texts on every core.

Every function gives exactly what a one-line Python expression gives, for
``str`` and for bytes-like texts alike, with the GIL released:

>>> import textops
>>> textops.word_count("the cat and the hat", "the")
2
>>> textops.substring_count("aaaa", "aa")
2
"""

import sys as _sys

from ._api import (
    line_word_counts,
    parallel_substring_count,
    parallel_word_count,
    sequential_word_count,
    substring_count,
    word_count,
)
from ._corpus import Corpus
from ._errors import TextopsError, TextopsTypeError, TextopsValueError
from ._files import (
    file_line_word_counts,
    file_substring_count,
    file_word_count,
    file_word_frequencies,
)
from ._freq import word_counts, word_frequencies
from ._matrix import count_matrix
from ._threads import get_num_threads, openmp_enabled, set_num_threads

__version__ = "0.1.0"

if "pandas" in _sys.modules:  # else `import textops.pandas` registers it
    from . import pandas as _pandas_accessor  # noqa: F401  (series.textops)

__all__ = [
    "Corpus",
    "TextopsError",
    "TextopsTypeError",
    "TextopsValueError",
    "__version__",
    "count_matrix",
    "file_line_word_counts",
    "file_substring_count",
    "file_word_count",
    "file_word_frequencies",
    "get_num_threads",
    "line_word_counts",
    "openmp_enabled",
    "parallel_substring_count",
    "parallel_word_count",
    "sequential_word_count",
    "set_num_threads",
    "substring_count",
    "word_count",
    "word_counts",
    "word_frequencies",
]
