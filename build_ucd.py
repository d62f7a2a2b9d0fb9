"""Writes ``csrc/ucd_data.h``: the Unicode tables of the token rules, taken
from the interpreter that builds textops.

The word rules follow Python's own ``re`` and ``str.lower`` (README
"Which words?"), and the Unicode version differs between Python versions
(3.11 has 14.0, 3.13 15.1), so the tables are not written by hand: for
every code point this script asks the running interpreter

- whether it is a word character (``\\w``: ``ch.isalnum() or ch == "_"``),
- what ``ch.lower()`` gives (a code point, or a few for ``"İ"``),
- how it stands in the context of a capital sigma, which ``str.lower``
  makes final (``ς``) after a cased letter not followed by one, skipping
  case-ignorable characters both ways (the probes below read this off
  ``str.lower`` itself).

The header is a two-stage table (a block number per 256 code points, then
a record number per code point) and the list of distinct records. It is
rewritten only when missing or made by another Python or Unicode version.
``build_ffi.py`` calls ``write()``; ``python build_ucd.py`` does the same.

Example::

    >>> import build_ucd
    >>> build_ucd.record(ord("A"))
    (21, 32)
"""

import hashlib
import os
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent / "csrc" / "ucd_data.h"

# Record flags; csrc/ucd.h has the same values.
WORD = 1  # a word character
CASED = 4  # a capital sigma after it (or before it) is in a cased context
IGNORABLE = 2  # skipped when looking for that context
SPECIAL = 8  # lowers to several code points: delta is an index into SPECIALS
LOWERS = 16  # str.lower changes it (a capital sigma included)

SIGMA, FINAL, NONFINAL = "\u03a3", "\u03c2", "\u03c3"
SPECIALS: list = []  # the multi-code-point lowercase forms, in code point order


def record(cp: int) -> tuple:
    """(flags, delta) of one code point: delta is ``ord(ch.lower()) - cp``."""
    ch = chr(cp)
    flags = WORD if (ch.isalnum() or ch == "_") else 0
    # "1" is neither cased nor ignorable: a final sigma after "1" + ch means
    # ch is cased (and not skipped); after "A" + ch, cased or skipped.
    if ("1" + ch + SIGMA).lower()[-1] == FINAL:
        flags |= CASED
    elif ("A" + ch + SIGMA).lower()[-1] == FINAL:
        flags |= IGNORABLE
    low = ch.lower()
    if low != ch or ch == SIGMA:
        flags |= LOWERS
    if len(low) == 1:
        return flags, ord(low) - cp
    if low not in SPECIALS:
        SPECIALS.append(low)
    return flags | SPECIAL, SPECIALS.index(low)


def _check(records: list) -> None:
    """The facts the C core relies on, true of this interpreter's tables."""
    for cp in range(0x110000):
        ch = chr(cp)
        if ch.isspace() and records[cp] != (0, 0):
            raise SystemExit(f"build_ucd: whitespace U+{cp:04X} is a word, cased or lowered")
        if (records[cp][0] & SPECIAL) == 0 and records[cp][1] != 0:
            low = chr(cp + records[cp][1])
            if len(ch.encode("utf-8", "surrogatepass")) * 3 < len(low.encode()) * 2:
                raise SystemExit(f"build_ucd: U+{cp:04X} grows more than 1.5x when lowered")
        flags, delta = records[cp]
        if not flags & SPECIAL and (flags & WORD) != (record(cp + delta)[0] & WORD):
            raise SystemExit(f"build_ucd: U+{cp:04X} and its lowercase differ in being \\w")
    for low in SPECIALS:
        if len(low) > 3:
            raise SystemExit(f"build_ucd: a lowercase form of {len(low)} code points")
    if SIGMA.lower() != NONFINAL:
        raise SystemExit("build_ucd: a capital sigma alone does not lower to σ")


def _stamp() -> str:
    """What the tables depend on: the Python, its Unicode, this script."""
    script = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return (
        f"/* Python {sys.version.split()[0]}, Unicode {unicodedata.unidata_version},"
        f" build_ucd.py {script} */"
    )


def write(out: Path = OUT) -> None:
    """Writes the tables to ``out`` unless they are there for this Python."""
    if out.exists() and out.read_text().splitlines()[1:2] == [_stamp()]:
        return
    records = [record(cp) for cp in range(0x110000)]
    _check(records)
    kinds = sorted(set(records), key=records.index)
    if len(kinds) > 256:
        raise SystemExit(f"build_ucd: {len(kinds)} records do not fit a byte")
    number = {r: i for i, r in enumerate(kinds)}
    blocks: list = []
    stage1 = []
    for base in range(0, 0x110000, 256):
        block = tuple(number[r] for r in records[base : base + 256])
        if block not in blocks:
            blocks.append(block)
        stage1.append(blocks.index(block))
    if len(blocks) > 256:
        raise SystemExit(f"build_ucd: {len(blocks)} blocks do not fit a byte")

    def rows(values, width=16):
        return ",\n".join(
            "    " + ", ".join(str(v) for v in values[i : i + width])
            for i in range(0, len(values), width)
        )

    specials = [[ord(c) for c in low] + [0] * (3 - len(low)) for low in SPECIALS]
    text = "\n".join(
        [
            "/* Generated by build_ucd.py: do not edit (csrc/ucd.h says what it holds). */",
            _stamp(),
            f'#define TX_UCD_UNICODE "{unicodedata.unidata_version}"',
            f"#define TX_UCD_BLOCKS {len(blocks)}",
            f"#define TX_UCD_RECORDS {len(kinds)}",
            f"#define TX_UCD_SPECIALS {max(len(SPECIALS), 1)}",
            f"const unsigned char tx_ucd_stage1[{len(stage1)}] = {{",
            rows(stage1),
            "};",
            "const unsigned char tx_ucd_stage2[TX_UCD_BLOCKS][256] = {",
            ",\n".join("  {\n" + rows(b) + "\n  }" for b in blocks),
            "};",
            "const tx_ucd_record tx_ucd_records[TX_UCD_RECORDS] = {",
            ",\n".join(f"    {{{f}, {d}}}" for f, d in kinds),
            "};",
            "const unsigned tx_ucd_specials[TX_UCD_SPECIALS][3] = {",
            ",\n".join("    {" + ", ".join(str(c) for c in s) + "}" for s in specials)
            or "    {0, 0, 0}",
            "};",
            "",
        ]
    )
    out.write_text(text)
    # the file that includes the tables is compiled again (an incremental
    # build looks at the .c file's time only)
    os.utime(out.parent / "ucd.c")


if __name__ == "__main__":
    write()
