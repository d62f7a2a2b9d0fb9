r"""Command line: ``textops`` (or ``python -m textops``) with subcommands.

``count PATTERN [FILE ...]`` counts PATTERN as a word (``text.split().count``),
a substring (``--substring``) or per line (``--lines``) in each file, or in
standard input, and prints one line per file like ``grep -c`` (``--json``
for JSON). ``freq [FILE ...]`` prints the most frequent words. Words are
``text.split(SEP)`` tokens, or with ``--pattern '\w+'`` (or
``'(?u)\b\w\w+\b'``...) those of ``re.findall``; ``-i`` (``--lowercase``)
takes the tokens of ``text.lower()``. Both read
files memory-mapped in C, as UTF-8 (``--encoding``) or as bytes
(``--bytes``), and exit with status 2 and a message on bad arguments or an
unreadable file.

``bench [--mb MB] [--word W] [--repeat N] [--corpus DIR] [--docs N]``
compares textops with pure Python (``str.count``, ``str.split``, a thread
pool and a process pool) on a generated English-like corpus, or on the
``*.txt`` books of ``--corpus`` (or ``$TEXTOPS_CORPUS``), and on short
documents cut from it: the
headline rows 1, 2, 5 and 7 of the targets that ``benchmarks/`` measures in
full. It prints seconds, GB/s and the speed-up over pure Python, and exits
with status 1 if any implementation gives a different count.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn


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


def _threads(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a valid thread count, must be 1 or more")
    return number


def _add_input_options(command: argparse.ArgumentParser) -> None:
    """Options shared by count and freq: files, decoding, threads, output."""
    command.add_argument(
        "files", nargs="*", metavar="FILE", help="files to read (default, or '-': standard input)"
    )
    command.add_argument(
        "--sep", default=None, help="split on this separator instead of runs of whitespace"
    )
    command.add_argument(
        "--pattern",
        dest="token_pattern",
        metavar="REGEX",
        default=None,
        help=r"take the words re.findall(REGEX, text) finds instead of splitting: '\w+', "
        r"'(?u)\b\w+\b' or '(?u)\b\w\w+\b' (bytes: '\w+', '\b\w+\b', '\b\w\w+\b')",
    )
    command.add_argument(
        "-i",
        "--lowercase",
        action="store_true",
        help="take the words of the lowered text, text.lower() (words to look for are "
        "compared as given)",
    )
    decoding = command.add_mutually_exclusive_group()
    decoding.add_argument(
        "--encoding",
        default="utf-8",
        help="decode files with this encoding: str semantics, Unicode "
        "whitespace and line breaks (default: %(default)s)",
    )
    decoding.add_argument(
        "--bytes",
        action="store_true",
        help="read raw bytes: bytes semantics, ASCII whitespace only",
    )
    command.add_argument(
        "--threads", type=_threads, default=None, help="threads to count with (default: all)"
    )
    command.add_argument("--json", action="store_true", help="print JSON")
    command.add_argument(
        "--progress", action="store_true", help="show a progress bar over the files (needs tqdm)"
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``textops``."""
    parser = argparse.ArgumentParser(
        prog="textops",
        description="Count words and substrings in files on every core, exactly as "
        "Python's str.split().count(), str.count() and str.splitlines() would.",
        epilog="Run 'textops COMMAND --help' for the options of a command.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    count = commands.add_parser(
        "count",
        help="count a word, a substring or a word per line in files",
        description=(
            "Count PATTERN in each FILE (or standard input) and print one line per file, "
            "like grep -c: the count alone for one input, FILE:COUNT for several. "
            "By default PATTERN is a word: text.split(SEP).count(PATTERN)."
        ),
        epilog="examples:  textops count whale moby_dick.txt\n"
        "           textops count --pattern '\\w+' -i whale moby_dick.txt\n"
        "           textops count --substring 'the ' *.txt --json\n"
        "           cat book.txt | textops count --lines Valjean",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    count.add_argument("pattern", metavar="PATTERN", help="the word (or substring) to count")
    kind = count.add_mutually_exclusive_group()
    kind.add_argument(
        "--substring", action="store_true", help="count PATTERN as a substring: text.count(PATTERN)"
    )
    kind.add_argument(
        "--lines",
        action="store_true",
        help="count the word in each line: one count per line of text.splitlines()",
    )
    _add_input_options(count)
    freq = commands.add_parser(
        "freq",
        help="print the most frequent words of files",
        description="Print the N most frequent words of all the FILEs (or standard input) "
        "together, most frequent first: Counter(text.split(SEP)).most_common(N).",
        epilog="examples:  textops freq -n 20 *.txt\n"
        "           textops freq --pattern '\\w+' -i --top 20 *.txt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    freq.add_argument(
        "-n",
        "--top",
        type=_positive_int,
        default=10,
        help="how many words to print (default: %(default)s)",
    )
    _add_input_options(freq)
    bench = commands.add_parser(
        "bench",
        help="compare textops with pure-Python word and substring counting",
        description=(
            "Count WORD in a corpus with pure Python and with textops, check that "
            "every implementation agrees and print a table of timings."
        ),
    )
    bench.add_argument(
        "--mb",
        type=_positive_float,
        default=20.0,
        help="corpus size in MB of UTF-8 text (default: %(default)s)",
    )
    bench.add_argument("--word", default="the", help="word to count (default: %(default)s)")
    bench.add_argument(
        "--repeat",
        type=_positive_int,
        default=3,
        help="report the best of N runs; the first run on a non-ASCII str also pays "
        "for the UTF-8 copy CPython caches on it (default: %(default)s)",
    )
    bench.add_argument(
        "--corpus",
        metavar="DIR",
        default=None,
        help="use the *.txt books in DIR (repeated to --mb) instead of generated "
        "text (default: $TEXTOPS_CORPUS if it holds books, else generated)",
    )
    bench.add_argument(
        "--docs",
        type=_positive_int,
        default=200_000,
        help="number of short documents (40-200 characters) cut from the corpus "
        "for the batch comparison (default: %(default)s)",
    )
    parser.commands = commands.choices  # type: ignore[attr-defined]
    return parser


def _fail(command: str, message: str) -> NoReturn:
    """Exit with status 2 and ``textops COMMAND: error: message``."""
    sys.stderr.write(f"textops {command}: error: {message}\n")
    sys.exit(2)


def _pattern(value: str | None, as_bytes: bool) -> Any:
    """A command-line pattern as str, or as the bytes the shell gave."""
    if value is None:
        return None
    return os.fsencode(value) if as_bytes else value


def _stdin(args: argparse.Namespace) -> Any:
    """Standard input as bytes, or decoded to str."""
    from ._validate import check_encoding

    if not args.bytes:
        check_encoding(args.encoding)  # a bad one raises before reading
    data = sys.stdin.buffer.read()
    if args.bytes:
        return data
    try:
        return data.decode(args.encoding)
    except UnicodeDecodeError as exc:
        _fail(
            args.command, f"standard input is not valid {args.encoding} at byte offset {exc.start}"
        )


def _display(word: Any) -> str:
    return word if isinstance(word, str) else os.fsdecode(word)


def _count(args: argparse.Namespace) -> int:
    import textops

    pattern = _pattern(args.pattern, args.bytes)
    encoding = None if args.bytes else args.encoding
    files = args.files or ["-"]
    if "-" in files and len(files) > 1:
        _fail("count", "standard input ('-') cannot be mixed with files")
    if args.substring and (args.token_pattern is not None or args.lowercase):
        _fail("count", "--pattern and -i/--lowercase apply to words, not to --substring")
    common: dict[str, Any] = {"threads": args.threads}
    rule = _word_rule(args)
    results: Any  # a list: files is a list of paths here
    if files == ["-"]:
        text = _stdin(args)
        if args.substring:
            results = [textops.substring_count(text, pattern, **common)]
        elif args.lines:
            results = [textops.line_word_counts(text, pattern, **rule, **common)]
        else:
            results = [textops.word_count(text, pattern, **rule, **common)]
    else:
        common.update(encoding=encoding, progress=args.progress)
        if args.substring:
            results = textops.file_substring_count(files, pattern, **common)
        elif args.lines:
            results = textops.file_line_word_counts(files, pattern, **rule, **common)
        else:
            results = textops.file_word_count(files, pattern, **rule, **common)
    key = "line_counts" if args.lines else "count"
    if args.json:
        print(json.dumps([{"file": f, key: r} for f, r in zip(files, results)]))
        return 0
    for name, result in zip(files, results):
        shown = " ".join(map(str, result)) if args.lines else str(result)
        print(f"{name}:{shown}" if len(files) > 1 else shown)
    return 0


def _word_rule(args: argparse.Namespace) -> dict[str, Any]:
    """The sep, pattern and lowercase keywords of the word functions."""
    return {
        "sep": _pattern(args.sep, args.bytes),
        "pattern": _pattern(args.token_pattern, args.bytes),
        "lowercase": args.lowercase,
    }


def _freq(args: argparse.Namespace) -> int:
    import textops

    rule = _word_rule(args)
    files = args.files or ["-"]
    if "-" in files and len(files) > 1:
        _fail("freq", "standard input ('-') cannot be mixed with files")
    if files == ["-"]:
        counter = textops.word_frequencies(_stdin(args), threads=args.threads, **rule)
    else:
        counter = textops.file_word_frequencies(
            files,
            **rule,
            encoding=None if args.bytes else args.encoding,
            threads=args.threads,
            progress=args.progress,
        )
    top = [(_display(word), count) for word, count in counter.most_common(args.top)]
    if args.json:
        print(json.dumps([{"word": word, "count": count} for word, count in top]))
    else:
        for word, count in top:
            print(f"{count}\t{word}")
    return 0


def _parse_intermixed(command: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse argv with the files before or after the options; everything
    after a ``--`` is a PATTERN or FILE even if it starts with '-'
    (``parse_intermixed_args`` alone ignores the ``--``). Those arguments
    are parsed as placeholders that no option can take, then put back."""
    if "--" not in argv:
        return command.parse_intermixed_args(argv)
    cut = argv.index("--")
    tail = argv[cut + 1 :]
    # a NUL cannot occur in a command-line argument: these match no option
    placeholders = {f"\0{i}": arg for i, arg in enumerate(tail)}
    args = command.parse_intermixed_args(argv[:cut] + list(placeholders))
    if getattr(args, "pattern", None) in placeholders:
        args.pattern = placeholders[args.pattern]
    args.files = [placeholders.get(name, name) for name in args.files]
    return args


def _quiet_broken_pipe() -> int:
    """The reader of standard output went away (``| head -1``): stop
    quietly with status 141, what a shell reports for grep or wc killed by
    SIGPIPE (128 + 13). Standard output is pointed at /dev/null so that the
    interpreter's last flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file descriptor
        pass
    return 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("count", "freq"):
        args = _parse_intermixed(parser.commands[argv[0]], argv[1:])  # type: ignore[attr-defined]
        args.command = argv[0]
    else:
        args = parser.parse_args(argv)
    if args.command in ("count", "freq"):
        import textops

        if args.sep == "":
            _fail(args.command, "--sep must not be empty")
        try:
            status = _count(args) if args.command == "count" else _freq(args)
            sys.stdout.flush()
            return status
        except BrokenPipeError:
            return _quiet_broken_pipe()
        except (OSError, UnicodeDecodeError, ImportError, textops.TextopsError) as exc:
            if isinstance(exc, OSError) and exc.filename is not None:
                _fail(args.command, f"cannot read {os.fsdecode(exc.filename)!r}: {exc.strerror}")
            _fail(args.command, str(exc))
    if args.command == "bench":
        if args.word.split() != [args.word]:
            parser.error(
                f"{args.word!r} is not a valid --word, must be non-empty without whitespace"
            )
        from textops import _bench

        try:
            return _bench.run(
                mb=args.mb,
                word=args.word,
                repeat_count=args.repeat,
                corpus_dir=args.corpus,
                n_docs=args.docs,
            )
        except FileNotFoundError as exc:
            parser.error(str(exc))
    parser.error(f"unknown command {args.command!r}")
    return 2  # not reached: parser.error exits


if __name__ == "__main__":
    sys.exit(main())
