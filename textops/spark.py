"""textops inside PySpark: count on the Arrow batches of ``mapInArrow``.

``pip install 'textops[spark]'`` (PySpark needs Java 17 or newer)::

    from pyspark.sql import SparkSession
    from textops.spark import word_count_column, word_frequencies_rows

    spark = SparkSession.builder.master("local[2]").getOrCreate()
    frame = spark.createDataFrame(rows, "id long, text string")
    counts = frame.mapInArrow(word_count_column("the"), "id long, count long")
    top = (
        frame.mapInArrow(word_frequencies_rows(), "word string, count long")
        .groupBy("word").sum("count")
    )

This module does not import PySpark: the functions it makes run in Spark's
Python workers, which import textops as the driver does. Spark hands each task its rows as Arrow record batches. textops counts a
batch's string column in place (``Series.textops`` reads an Arrow string
array as one buffer plus offsets, with no Python string per row) and hands
back Arrow batches, so no row becomes a Python object on the way:

- ``word_count_column(word)``: one count per row (null for a null text),
  ``d.split().count(word)``;
- ``word_frequencies_rows()``: ``(word, count)`` rows of each batch, which
  Spark then sums by word: ``Counter(w for d in texts for w in d.split())``
  with the rows in Spark's order.

Spark runs one Python worker per task slot, so each batch is counted on one
thread (``threads=1``); ``local[2]`` uses both cores through two workers.
Tested on a real ``local[2]`` session in ``tests/test_spark.py``.

>>> import pyarrow as pa
>>> batch = pa.record_batch([pa.array([1, 2]), pa.array(["a b a", None])], ["id", "text"])
>>> next(word_count_column("a")([batch])).to_pylist()
[{'id': 1, 'count': 2}, {'id': 2, 'count': None}]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

__all__ = ["word_count_column", "word_frequencies_rows"]

import pandas as pd
import pyarrow as pa

from . import pandas as _pandas_accessor  # noqa: F401  (registers Series.textops)

Batches = Iterator[pa.RecordBatch]


def _texts(batch: pa.RecordBatch) -> pd.Series:
    """The batch's ``text`` column as an Arrow-backed pandas Series (no copy)."""
    return batch.column("text").to_pandas(types_mapper=pd.ArrowDtype)


def word_count_column(word: str) -> Callable[[Batches], Batches]:
    """For ``df.mapInArrow(word_count_column(w), "id long, count long")``:
    each row's ``id`` and ``text.split().count(w)``."""

    def count(batches: Batches) -> Batches:
        for batch in batches:
            counts = _texts(batch).textops.word_count(word, threads=1)
            yield pa.record_batch(
                [batch.column("id"), pa.array(counts, type=pa.int64())], ["id", "count"]
            )

    return count


def word_frequencies_rows() -> Callable[[Batches], Batches]:
    """For ``df.mapInArrow(word_frequencies_rows(), "word string, count
    long").groupBy("word").sum("count")``: each batch's word frequencies."""

    def frequencies(batches: Batches) -> Batches:
        for batch in batches:
            counts = _texts(batch).textops.word_frequencies(threads=1)
            yield pa.record_batch(
                [pa.array(list(counts), type=pa.string()), pa.array(list(counts.values()))],
                ["word", "count"],
            )

    return frequencies
