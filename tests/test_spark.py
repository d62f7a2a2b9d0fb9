"""textops.spark's mapInArrow functions on a real ``local[2]``
Spark session, against Python's own counts."""

import os
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install pyspark)")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip("PySpark needs Java 17 or newer, and none is installed", allow_module_level=True)

import textops
import textops.spark as spark_recipe
from test_dask import make_texts


@pytest.fixture(scope="module")
def spark():
    """A local[2] session. Spark starts its Python workers with ``-m`` in
    its own working folder, which goes first on their path: it starts where
    textops was imported from, so that a worker never finds the unbuilt
    source folder of a checkout instead."""
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    here = os.getcwd()
    os.chdir(Path(textops.__file__).resolve().parent.parent)
    try:
        session = (
            SparkSession.builder.master("local[2]")
            .appName("textops-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")  # several batches a task
            .getOrCreate()
        )
    finally:
        os.chdir(here)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def rows():
    texts = make_texts(600, 7)
    return [(i, None if i % 23 == 0 else t) for i, t in enumerate(texts)]


def test_word_count_column(spark, rows):
    frame = spark.createDataFrame(rows, "id long, text string").repartition(3)
    for word in ("the", "é", "日本", "absent"):
        got = frame.mapInArrow(spark_recipe.word_count_column(word), "id long, count long")
        counts = {row["id"]: row["count"] for row in got.collect()}
        assert counts == {i: None if t is None else t.split().count(word) for i, t in rows}


def test_word_frequencies_rows(spark, rows):
    frame = spark.createDataFrame(rows, "id long, text string").repartition(3)
    summed = (
        frame.mapInArrow(spark_recipe.word_frequencies_rows(), "word string, count long")
        .groupBy("word")
        .sum("count")
    )
    got = {row["word"]: row["sum(count)"] for row in summed.collect()}
    assert got == Counter(w for _, t in rows if t is not None for w in t.split())
