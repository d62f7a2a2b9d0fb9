"""Command line: ``python -m textops bench [--mb MB] [--word W] [--repeat N] [--corpus DIR] [--docs N]``.

``bench`` compares textops with pure Python (``str.count``, ``str.split``,
a thread pool and a process pool) on a generated English-like corpus, or on
the ``*.txt`` books of ``--corpus``, and on short documents cut from it: the
headline rows 1, 2, 5 and 7 of the targets that ``benchmarks/`` measures in
full. It prints seconds, GB/s and the speed-up over pure Python, and exits
with status 1 if any implementation gives a different count.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _positive_float(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError(f"{value} is not a valid size, must be above 0")
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a valid count, must be 1 or more")
    return number


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m textops``."""
    parser = argparse.ArgumentParser(prog="python -m textops", description="textops utilities")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    bench = commands.add_parser(
        "bench",
        help="compare textops with pure-Python word and substring counting",
        description=(
            "Count WORD in a corpus with pure Python and with textops, check that "
            "every implementation agrees and print a table of timings."
        ),
    )
    bench.add_argument("--mb", type=_positive_float, default=20.0,
                       help="corpus size in MB of UTF-8 text (default: %(default)s)")
    bench.add_argument("--word", default="the", help="word to count (default: %(default)s)")
    bench.add_argument("--repeat", type=_positive_int, default=3,
                       help="report the best of N runs; the first run on a non-ASCII str also pays "
                            "for the UTF-8 copy CPython caches on it (default: %(default)s)")
    bench.add_argument("--corpus", metavar="DIR", default=None,
                       help="use the *.txt books in DIR (repeated to --mb) instead of generated text")
    bench.add_argument("--docs", type=_positive_int, default=200_000,
                       help="number of short documents (40-200 characters) cut from the corpus "
                            "for the batch comparison (default: %(default)s)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "bench":
        if args.word.split() != [args.word]:
            parser.error(f"{args.word!r} is not a valid --word, must be non-empty without whitespace")
        from textops import _bench

        try:
            return _bench.run(mb=args.mb, word=args.word, repeat_count=args.repeat,
                              corpus_dir=args.corpus, n_docs=args.docs)
        except FileNotFoundError as exc:
            parser.error(str(exc))
    parser.error(f"unknown command {args.command!r}")
    return 2  # not reached: parser.error exits


if __name__ == "__main__":
    sys.exit(main())
