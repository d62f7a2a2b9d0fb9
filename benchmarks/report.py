"""Turn a pytest-benchmark JSON run of ``benchmarks/`` into the target table and a chart.

Usage (from the repository root)::

    python -m pytest benchmarks --benchmark-only --benchmark-json=bench.json
    python benchmarks/report.py bench.json --png benchmarks/throughput.png --markdown

The table has one line per target of the issue "Count at memory speed" (and
per word where the target holds for each word): the figures measured, the
ratio of the two medians that the target is about (both from the same run),
the target and whether it is met. A row whose benchmarks are missing from the
run (an optional peer not installed, ripgrep not on PATH, a test deselected)
says "not measured". Row 10, peak memory, is measured by
``tests/test_memory.py``, not by the benchmark suite. Row 11, the worst cases
of the issue "Hostile input, second round" (``benchmarks/test_bench_worst.py``),
checks that textops on 2 threads is at least 2x faster than the Python
reference on each.

The chart (``--png``, needs matplotlib) shows the throughput (GB/s, median)
of every implementation in the headline groups, one panel of 1 against 2
threads, and, when the run has the ``storage-<book>-<word>`` groups of
``test_bench_storage.py``, one panel of the speed-up over ``text.count`` per
language (first call and repeated calls, rare and two-letter word).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

Bench = dict[str, Any]

FREQUENT = "the"
#: Groups charted as throughput panels, when present in the run.
HEADLINE_GROUPS = (
    "row1-substring[the]",
    "row1-substring[whale]",
    "row2-word[the]",
    "row5-substring[the]",
    "row5-word[the]",
)


class Check(NamedTuple):
    """One line of the target table."""

    row: int
    measure: str
    figures: str
    ratio: str
    target: str
    met: bool | None  #: None: not measured in this run


# ---------------------------------------------------------------------------
# Reading the run
# ---------------------------------------------------------------------------


class Run:
    """The benchmarks of one JSON file, looked up by group, implementation and threads."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.benchmarks: list[Bench] = data.get("benchmarks", [])

    def find(self, group: str, impl: str, threads: int | str | None = None) -> Bench | None:
        """Return the benchmark of ``group`` whose ``extra_info["impl"]`` is ``impl``.

        ``threads`` narrows the choice: a number, or ``"default"`` for the
        benchmark run with textops' default number of threads.
        """
        for bench in self.benchmarks:
            info = bench.get("extra_info", {})
            if bench.get("group") != group or info.get("impl") != impl:
                continue
            if threads == "default" and not info.get("default_threads"):
                continue
            if isinstance(threads, int) and info.get("threads") != threads:
                continue
            return bench
        return None

    def in_group(self, group: str) -> list[Bench]:
        """Return every benchmark of ``group``."""
        return [bench for bench in self.benchmarks if bench.get("group") == group]

    def words(self, prefix: str) -> list[str]:
        """Return the words of the groups named ``prefix[word]``, in the order of the run."""
        words: list[str] = []
        for bench in self.benchmarks:
            match = re.fullmatch(re.escape(prefix) + r"\[(.+)\]", bench.get("group") or "")
            if match and match.group(1) not in words:
                words.append(match.group(1))
        return words

    def machine(self) -> str:
        """Return one line describing the machine of the run."""
        info = self.data.get("machine_info", {})
        cpu = info.get("cpu", {})
        return (
            f"{cpu.get('brand_raw', 'unknown CPU')}, {cpu.get('count', '?')} CPUs, "
            f"Python {info.get('python_version', '?')}, run {self.data.get('datetime', '?')}"
        )


def median(bench: Bench) -> float:
    """The median time of one call, in seconds."""
    return float(bench["stats"]["median"])


def gbps(bench: Bench) -> float:
    """Throughput in GB/s: ``extra_info["bytes"]`` over the median time."""
    return bench["extra_info"]["bytes"] / median(bench) / 1e9


def label(bench: Bench) -> str:
    """A short name for charts: the implementation, with its threads for textops."""
    info = bench["extra_info"]
    impl = info["impl"]
    if impl.startswith("textops") and "threads" in info:
        return f"{impl} t={info['threads']}"
    return impl


# ---------------------------------------------------------------------------
# The checks, one function per row of the issue
# ---------------------------------------------------------------------------


def speed_check(
    row: int,
    measure: str,
    slow: Bench | None,
    fast: Bench | None,
    need: float,
    target: str | None = None,
) -> Check:
    """Check that ``fast`` takes at most 1/``need`` of the time of ``slow`` (medians)."""
    target = target or f">= {need:g}x"
    if slow is None or fast is None:
        return Check(row, measure, "not measured (missing in this run)", "", target, None)
    ratio = median(slow) / median(fast)
    figures = f"{label(slow)} {gbps(slow):.3g} GB/s, {label(fast)} {gbps(fast):.3g} GB/s"
    return Check(row, measure, figures, f"{ratio:.2f}x", target, ratio >= need)


def time_ratio_check(
    row: int, measure: str, bench: Bench | None, base: Bench | None, most: float
) -> Check:
    """Check that ``bench`` takes at most ``most`` times the time of ``base`` (medians)."""
    target = f"<= {most:g}x the time"
    if bench is None or base is None:
        return Check(row, measure, "not measured (missing in this run)", "", target, None)
    ratio = median(bench) / median(base)
    figures = (
        f"{label(bench)} {median(bench) * 1e3:.3g} ms, {label(base)} {median(base) * 1e3:.3g} ms"
    )
    return Check(row, measure, figures, f"{ratio:.2f}x", target, ratio <= most)


def row1(run: Run) -> Iterator[Check]:
    """substring_count(BOOKS, w) vs BOOKS.count(w), default threads and 1 thread."""
    for word in run.words("row1-substring"):
        group = f"row1-substring[{word}]"
        python = run.find(group, "str.count")
        need, need1 = (4, 2.5) if word == FREQUENT else (10, 5)
        yield speed_check(
            1,
            f"substring_count vs str.count, {word!r}",
            python,
            run.find(group, "textops.substring_count", "default"),
            need,
        )
        yield speed_check(
            1,
            f"substring_count vs str.count, {word!r}, 1 thread",
            python,
            run.find(group, "textops.substring_count", 1),
            need1,
        )


def row2(run: Run) -> Iterator[Check]:
    """word_count(BOOKS, w) vs split().count, and vs substring_count for the same word."""
    for word in run.words("row2-word"):
        word_count = run.find(f"row2-word[{word}]", "textops.word_count", "default")
        yield speed_check(
            2,
            f"word_count vs split().count, {word!r}",
            run.find(f"row2-word[{word}]", "str.split().count"),
            word_count,
            100,
        )
        yield time_ratio_check(
            2,
            f"word_count time / substring_count time, {word!r}",
            word_count,
            run.find(f"row1-substring[{word}]", "textops.substring_count", "default"),
            1.5,
        )


def row3(run: Run) -> Iterator[Check]:
    """Rare words in 1 GB of bytes against memchr, one thread."""
    group = "row3-memory-speed"
    memchr = run.find(group, "bytes.find(b'\\x01')")
    for bench in run.in_group(group):
        if bench["extra_info"]["impl"] == "textops.substring_count":
            word = bench["extra_info"]["word"]
            yield speed_check(
                3,
                f"1 thread, {bench['extra_info']['bytes'] / 1e9:.2g} GB, {word!r}: "
                "substring_count / memchr throughput",
                memchr,
                bench,
                0.5,
                target=">= 50% of memchr (ratio >= 0.5x)",
            )


def row4(run: Run) -> Iterator[Check]:
    """threads=2 vs threads=1 for "the" in BOOKS, substring and word count."""
    for group, impl in (
        (f"row1-substring[{FREQUENT}]", "textops.substring_count"),
        (f"row2-word[{FREQUENT}]", "textops.word_count"),
    ):
        yield speed_check(
            4,
            f"{impl} threads=2 vs threads=1, {FREQUENT!r}",
            run.find(group, impl, 1),
            run.find(group, impl, 2),
            1.7,
        )


def row5(run: Run) -> Iterator[Check]:
    """The batch functions on DOCS against a Python list comprehension."""
    for word in run.words("row5-substring"):
        yield speed_check(
            5,
            f"parallel_substring_count vs [d.count(w)], {word!r}",
            run.find(f"row5-substring[{word}]", "[d.count(w)]"),
            run.find(f"row5-substring[{word}]", "textops.parallel_substring_count", "default"),
            5,
        )
    for word in run.words("row5-word"):
        yield speed_check(
            5,
            f"parallel_word_count vs [d.split().count(w)], {word!r}",
            run.find(f"row5-word[{word}]", "[d.split().count(w)]"),
            run.find(f"row5-word[{word}]", "textops.parallel_word_count", "default"),
            20,
        )


def row6(run: Run) -> Iterator[Check]:
    """The median time of one call on a 60-character str."""
    for impl in ("textops.word_count", "textops.substring_count"):
        bench = run.find("row6-small-call", impl)
        if bench is None:
            yield Check(
                6,
                f"{impl}, 60 characters",
                "not measured (missing in this run)",
                "",
                "<= 2 us",
                None,
            )
            continue
        micros = median(bench) * 1e6
        yield Check(
            6,
            f"{impl}, {bench['extra_info']['bytes']} characters",
            f"median {micros:.2f} us",
            "",
            "<= 2 us median",
            micros <= 2,
        )


def row7(run: Run) -> Iterator[Check]:
    """Two Python threads, word_count(half, threads=1) each, vs one thread doing both."""
    for word in run.words("row7-python-threads"):
        group = f"row7-python-threads[{word}]"
        yield speed_check(
            7,
            f"2 Python threads vs 1, word_count(threads=1), {word!r}",
            run.find(group, "1 Python thread"),
            run.find(group, "2 Python threads"),
            1.8,
        )


def row8(run: Run) -> Iterator[Check]:
    """substring_count on the mmap'ed file vs the whole ripgrep process."""
    for word in run.words("row8-file"):
        group = f"row8-file[{word}]"
        yield speed_check(
            8,
            f"substring_count(mmap) vs rg --count-matches -F, {word!r}",
            run.find(group, "ripgrep process"),
            run.find(group, "textops.substring_count(mmap)"),
            1,
            target="faster (ratio > 1x)",
        )


PEERS = ("polars", "pyarrow", "stringzilla", "stringzilla (Python loop)")


def row9(run: Run) -> Iterator[Check]:
    """Peers against textops on BOOKS (shape 1) and on DOCS (shape 5)."""
    for prefix, impl, shape in (
        ("row1-substring", "textops.substring_count", "BOOKS"),
        ("row5-substring", "textops.parallel_substring_count", "DOCS"),
    ):
        for word in run.words(prefix):
            group = f"{prefix}[{word}]"
            textops_bench = run.find(group, impl, "default")
            for peer in PEERS:
                peer_bench = run.find(group, peer)
                if peer_bench is not None:
                    yield speed_check(
                        9,
                        f"{shape}: textops vs {peer}, {word!r}",
                        peer_bench,
                        textops_bench,
                        1,
                        target="faster (ratio > 1x)",
                    )


def row10(run: Run) -> Iterator[Check]:
    """Peak memory: measured by the test suite, not here."""
    yield Check(
        10,
        "peak memory above the input (ASCII str, bytes, mmap)",
        "measured by tests/test_memory.py (pytest tests/test_memory.py -s)",
        "",
        "<= 16 MB",
        None,
    )


def row11(run: Run) -> Iterator[Check]:
    """Worst cases (benchmarks/test_bench_worst.py): textops on 2 threads vs the Python reference."""
    for case in run.words("worst"):
        group = f"worst[{case}]"
        textops_bench = run.find(group, "textops", 2)
        python = next(
            (b for b in run.in_group(group) if b["extra_info"]["impl"] != "textops"), None
        )
        yield speed_check(11, f"worst case: {case}", python, textops_bench, 2)


ROWS = (row1, row2, row3, row4, row5, row6, row7, row8, row9, row10, row11)


def checks(run: Run) -> list[Check]:
    """Every line of the target table, in row order."""
    return [check for row in ROWS for check in row(run)]


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def verdict(check: Check) -> str:
    return {True: "met", False: "NOT MET", None: "-"}[check.met]


def text_table(lines: Sequence[Check]) -> str:
    """The table in aligned plain text."""
    header = ("#", "measure", "figures (medians)", "ratio", "target", "")
    rows = [header] + [
        (str(c.row), c.measure, c.figures, c.ratio, c.target, verdict(c)) for c in lines
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows)


def markdown_table(lines: Sequence[Check]) -> str:
    """The table in Markdown, for the README."""
    out = ["| # | measure | figures (medians) | ratio | target | |", "|---|---|---|---|---|---|"]
    out += [
        f"| {c.row} | {c.measure} | {c.figures} | {c.ratio} | {c.target} | {verdict(c)} |"
        for c in lines
    ]
    return "\n".join(out)


def chart(run: Run, png: Path) -> None:
    """Write the throughput chart: one panel per headline group and a 1 vs 2 threads panel."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    groups = [g for g in HEADLINE_GROUPS if run.in_group(g)]
    languages = language_speedups(run)
    pairs = thread_pairs(run)
    n_panels = len(groups) + bool(pairs) + bool(languages)
    if n_panels == 0:
        raise SystemExit("no group of the run is charted")
    n_cols = 1 if n_panels == 1 else 2
    n_rows = -(-n_panels // n_cols)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(7 * n_cols, 3.2 * n_rows), squeeze=False)
    flat = list(axes.flat)
    for ax, group in zip(flat, groups):
        benches = sorted(run.in_group(group), key=gbps)
        speeds = [gbps(b) for b in benches]
        ax.barh(
            [label(b) for b in benches],
            speeds,
            color=["tab:blue" if label(b).startswith("textops") else "tab:gray" for b in benches],
        )
        ax.set_xscale("log")
        ax.set_xlim(min(speeds) / 2, max(speeds) * 3)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        for y, speed in enumerate(speeds):
            ax.annotate(
                f"{speed:.3g}",
                (speed, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
        ax.set_title(group, fontsize=10)
        ax.set_xlabel("GB/s (median, log scale)")
        ax.tick_params(axis="y", labelsize=8)
    if pairs:
        threads_panel(pairs, flat[len(groups)])
    if languages:
        languages_panel(languages, flat[len(groups) + bool(pairs)])
    for ax in flat[n_panels:]:
        ax.axis("off")
    fig.suptitle(f"textops throughput - {run.machine()}", fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


def thread_pairs(run: Run) -> list[tuple[str, Bench, Bench]]:
    """(name, 1 thread, 2 threads) of textops per word and of 1/2 Python threads (row 7)."""
    pairs: list[tuple[str, Bench | None, Bench | None]] = []
    for word in run.words("row1-substring"):
        group = f"row1-substring[{word}]"
        pairs.append(
            (
                f"substring_count {word}",
                run.find(group, "textops.substring_count", 1),
                run.find(group, "textops.substring_count", 2),
            )
        )
    for word in run.words("row2-word"):
        group = f"row2-word[{word}]"
        pairs.append(
            (
                f"word_count {word}",
                run.find(group, "textops.word_count", 1),
                run.find(group, "textops.word_count", 2),
            )
        )
    for word in run.words("row7-python-threads"):
        group = f"row7-python-threads[{word}]"
        pairs.append(
            (
                f"Python threads {word}",
                run.find(group, "1 Python thread"),
                run.find(group, "2 Python threads"),
            )
        )
    return [(name, one, two) for name, one, two in pairs if one and two]


def threads_panel(pairs: list[tuple[str, Bench, Bench]], ax: Any) -> None:
    """Bars of 1 against 2 threads (``thread_pairs``)."""
    positions = range(len(pairs))
    ax.barh(
        [p - 0.2 for p in positions],
        [gbps(one) for _, one, _ in pairs],
        height=0.4,
        label="1 thread",
    )
    ax.barh(
        [p + 0.2 for p in positions],
        [gbps(two) for _, _, two in pairs],
        height=0.4,
        label="2 threads",
    )
    ax.set_yticks(list(positions), [name for name, _, _ in pairs], fontsize=8)
    ax.set_title("1 vs 2 threads", fontsize=10)
    ax.set_xlabel("GB/s (median)")
    ax.legend(fontsize=8)


#: The bars of the per-language panel: (label, impl of the storage groups, two-letter word).
LANGUAGE_BARS = (
    ("rare word, first call", "substring_count, new str each round", False),
    ("rare word, repeated", "substring_count, same str", False),
    ("two-letter word, first call", "substring_count, new str each round", True),
    ("two-letter word, repeated", "substring_count, same str", True),
)


def language_speedups(run: Run) -> dict[str, dict[str, float]]:
    """``{book: {bar label: speed-up over text.count}}`` of the groups
    ``storage-<book>-<word>`` (``benchmarks/test_bench_storage.py``); the
    frequent word of a book is its two-letter one."""
    found: dict[str, dict[str, float]] = {}
    for bench in run.benchmarks:
        match = re.fullmatch(r"storage-(.+)-([^-]+)", bench.get("group") or "")
        if not match or bench["extra_info"].get("impl") != "text.count(w)":
            continue
        book, word = match.groups()
        for name, impl, two_letters in LANGUAGE_BARS:
            mine = run.find(bench["group"], impl)
            if mine is not None and (len(word) <= 2) == two_letters:
                found.setdefault(book, {})[name] = median(bench) / median(mine)
    return found


def languages_panel(speedups: dict[str, dict[str, float]], ax: Any) -> None:
    """Grouped bars per book: textops on a ``str`` against ``text.count``."""
    books = list(speedups)
    width = 0.8 / len(LANGUAGE_BARS)
    for i, (name, _, _) in enumerate(LANGUAGE_BARS):
        ax.barh(
            [b + (i - (len(LANGUAGE_BARS) - 1) / 2) * width for b in range(len(books))],
            [speedups[book].get(name, 0.0) for book in books],
            height=width,
            label=name,
        )
    ax.set_yticks(list(range(len(books))), [b.split("_")[0] for b in books], fontsize=8)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_title("every language, str: speed-up over text.count(w)", fontsize=10)
    ax.set_xlabel("x text.count (median times, same run)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the target table (and write the chart); return 0, or 2 on a bad file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", type=Path, help="a file written by pytest --benchmark-json")
    parser.add_argument("--png", type=Path, help="write the throughput chart to this PNG file")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    try:
        run = Run(json.loads(args.json.read_text()))
    except (OSError, ValueError) as exc:
        parser.error(f"cannot read {args.json}: {exc}")
    if not run.benchmarks:
        parser.error(f"{args.json} holds no benchmarks")
    lines = checks(run)
    print(f"Machine: {run.machine()}\n")
    print(markdown_table(lines) if args.markdown else text_table(lines))
    if args.png:
        chart(run, args.png)
        print(f"\nchart written to {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
