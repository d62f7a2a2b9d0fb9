"""Writes the seed corpus of the fuzz targets into fuzz/corpus/TARGET/.

Each seed is a small input in the layout of fuzz/harness.h; together they
start the fuzzer on every mode, plan and backend. Run from anywhere:
``python fuzz/make_seeds.py`` (the files are committed; rerun after a change).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

CORPUS = Path(__file__).resolve().parent / "corpus"

UNICODE, SEP, RAW, PER_TEXT = 1, 2, 64, 128
# The token rule of the word counts, in the minimum chunk byte (harness.h).
WORDS, TWO_OR_MORE, LOWER = 1 << 5, 2 << 5, 1 << 7


def seed(
    flags: int,
    threads: int,
    backend: int,
    min_chunk: int,
    word: bytes,
    sep: Optional[bytes],
    text: bytes,
    rule: int = 0,
) -> bytes:
    """One input: header, word, separator, text (see fuzz/harness.h)."""
    flags |= (threads - 1) << 2 | backend << 4 | (SEP if sep else 0)
    sep = sep or b""
    head = bytes([flags, (min_chunk - 1) | rule, len(word), len(sep)])
    return head + word + sep + text


def units_seed(
    width: int, threads: int, backend: int, min_chunk: int, needle: bytes, text: bytes
) -> bytes:
    """One input of the units target (fuzz/fuzz_units.c): header, needle, text."""
    code = {1: 0, 2: 1, 4: 2}[width]
    head = bytes([code | (threads - 1) << 2 | backend << 4, min_chunk - 1, len(needle)])
    return head + needle + text


def utf8_seed(threads: int, min_chunk: int, text: bytes, backend: int = 0) -> bytes:
    """One input of the UTF-8 target: header, then the raw text."""
    return bytes([backend << 4 | (threads - 1) << 2, min_chunk - 1]) + text


# Input bytes >= 0x80 stand for odd code points in str mode:
# 0x80 U+0085, 0x81 U+00A0, 0x86 U+2028, 0x8A U+3000, 0x8B U+0084,
# 0x93 U+200B, 0x9C U+D800, 0xA2 U+1F600 (see ODD in harness.c).
ENGLISH = b"the cat sat on the mat\nthe\tthe\r\nthethe the\x0bthe the"
ODD = b"a\x80b \x81the\x86the\x8athe\x8bthe \x93 \x9c\xa2 the\r\n\x1cthe\x1f"
PERIODIC = b"aaaaab" * 30 + b"aa"
# Texts cut at 0xFE: documents of a batch or a corpus, or many words.
DOCS = ENGLISH + b"\xfe\xfe" + ODD + b"\xfe" + PERIODIC + b"\xfeaa aa\xfe"
REPEATS = b"the cat the the\tcat\nmat the cat " * 12
# The \w rules and lowering: in str mode 0xB0 is "İ", 0xB1 the Kelvin
# sign, 0xB2 capital sigma, 0xB3 final and 0xB4 small sigma, 0xB5 U+0301,
# 0xB6 U+0307, 0xB7 U+00B7, 0xB8 U+2019, 0xB9 capital alpha, 0xBA an
# Arabic-Indic digit, 0xBB an astral capital, 0xBC capital sharp s, 0xBD
# U+023A (longer lowered), 0xBE circled A, 0xBF soft hyphen.
RULES = (
    b"The THE the_the the1 the-the (the) \xb9\xb2 \xb2 \xb9\xb2\xb8 \xb9'\xb2. "
    b"\xb9\xb2\xb5\xb9 \xb0the \xb0 i\xb6 \xb1elvin kelvin xthe the\xb5the \xbathe "
    b"\xbbthe\xbc\xbd \xbe\xbf\xb2\xbf the\x9cthe\xa2the\x80THE\x86tHe\r\nthe\x0bthe"
)
# Real UTF-8 and each way of breaking it (Python's strict decoder rejects
# all of these): overlong, surrogate, above U+10FFFF, truncated, stray
# continuation, bytes that never start a character.
INTL = "Ελληνικά русский हिन्दी español 😀 \u2028\x85 ".encode() * 3
BROKEN = [
    b"\xc0\x80",
    b"\xe0\x80\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xf0\x9f\x98",
    b"\x80",
    b"\xff",
    b"\xc2a",
    b"\xe2\x82a",
    b"\xf5\x80\x80\x80",
]
SEEDS = {
    "substring_count": [
        seed(0, 2, 1, 3, b"the", None, ENGLISH),
        seed(UNICODE, 3, 2, 2, b"the", None, ODD),
        seed(0, 4, 0, 1, b"aa", None, PERIODIC),
        seed(UNICODE, 2, 1, 5, b"", None, ODD),
        seed(0, 2, 2, 7, b"ab" * 40, None, b"ab" * 200),
        seed(UNICODE | RAW, 2, 1, 1, b"\xe2\x80", None, b"\xe2\x80\xa8\xe2 \xc2\xc2\x85"),
    ],
    "word_count": [
        seed(0, 2, 1, 3, b"the", None, ENGLISH),
        seed(UNICODE, 3, 2, 2, b"the", None, ODD),
        seed(0, 2, 0, 1, b"", b"aa", b"aaaax" * 10),
        seed(UNICODE, 4, 1, 2, b"b", b"aba", b"ababab b aba" * 8),
        seed(UNICODE, 2, 2, 3, b"the", b"\x86", ODD * 3),
        seed(0, 3, 1, 4, b"a" * 70, b" ", (b"a" * 70 + b" ") * 6),
        seed(UNICODE | RAW, 2, 1, 1, b"the", None, b"the\xe2\x80\x80the\xc2\xa0the\xe3"),
        seed(UNICODE, 2, 1, 3, b"the", None, RULES, WORDS),
        seed(UNICODE, 3, 2, 2, b"the", None, RULES * 3, WORDS | LOWER),
        seed(UNICODE, 2, 0, 1, b"\xb4", None, RULES * 2, WORDS | LOWER),
        seed(UNICODE, 2, 3, 2, b"\xb9\xb3", None, RULES, WORDS | TWO_OR_MORE | LOWER),
        seed(0, 2, 1, 2, b"the", None, RULES + ENGLISH.upper(), TWO_OR_MORE | LOWER),
        seed(UNICODE, 2, 1, 1, b"a" * 70, None, b"a" * 300 + b" " + b"a" * 70, WORDS),
        seed(UNICODE, 3, 2, 1, b"the", b"t", RULES, LOWER),
        seed(UNICODE, 2, 1, 2, b"the", None, RULES * 2, LOWER),
        seed(
            UNICODE | RAW,
            2,
            1,
            1,
            b"the",
            None,
            b"the\xc4\xb0the\xe2\x84\xaa\xce\xa3\xcf",
            WORDS | LOWER,
        ),
    ],
    "line_word_counts": [
        seed(0, 2, 1, 3, b"the", None, ENGLISH),
        seed(UNICODE, 3, 2, 2, b"the", None, ODD * 2),
        seed(UNICODE, 2, 1, 1, b"", b"the", b"the\r\n\r\nthe\rthe\x1e\x80the"),
        seed(0, 4, 0, 2, b"a", b"\r", b"a\r\r\na\n\ra" * 9),
        seed(UNICODE | RAW, 2, 1, 1, b"a", None, b"a\xc2\x85a\xe2\x80\xa9\xe2\x80a\r"),
        seed(UNICODE, 3, 2, 2, b"the", None, RULES * 2, WORDS | LOWER),
        seed(0, 2, 1, 1, b"the", None, RULES, WORDS | TWO_OR_MORE),
        seed(UNICODE, 2, 0, 3, b"the", b"\x86", RULES, LOWER),
    ],
    "batch": [
        seed(0, 2, 1, 3, b"the", None, ENGLISH + b"\xfe" + ENGLISH * 3 + b"\xfe\xfe"),
        seed(
            UNICODE | PER_TEXT,
            3,
            2,
            2,
            b"the\xfea\xfe",
            None,
            ODD + b"\xfe" + PERIODIC + b"\xfe" + ODD,
        ),
        seed(PER_TEXT, 2, 0, 1, b"aa\xfe\xfeab", b"a", PERIODIC + b"\xfe" + ENGLISH + b"\xfea"),
        seed(UNICODE | RAW, 2, 1, 1, b"\xc2", None, b"\xc2\xfe\x85\xc2\x85\xfe"),
        seed(
            UNICODE | PER_TEXT,
            3,
            2,
            1,
            b"the\xfe\xb4\xfe",
            None,
            RULES + b"\xfe" + RULES * 2,
            WORDS | LOWER,
        ),
        seed(UNICODE, 2, 1, 2, b"the", b"e", RULES + b"\xfe\xfe" + RULES, LOWER),
    ],
    "frequencies": [
        seed(0, 2, 1, 3, b"", None, DOCS),
        seed(UNICODE, 3, 2, 2, b"", None, DOCS + b"\xfe" + REPEATS),
        seed(0, 2, 0, 1, b"", b"aa", b"aaaax" * 10 + b"\xfe\xfeaxa"),
        seed(UNICODE, 4, 1, 2, b"", b"\x86", ODD * 3 + b"\xfe\x86"),
        seed(0, 2, 1, 5, b"", None, REPEATS + b"\xfe" + bytes(range(1, 128))),
        seed(UNICODE | RAW, 2, 1, 1, b"", None, b"a\xe2\x80\x80b\xc2\xa0\xe3 \xc2\xfe\x85"),
    ],
    "word_counts": [
        seed(0, 2, 1, 3, b"the\xfecat\xfethe\xfe", None, DOCS),
        seed(UNICODE | PER_TEXT, 3, 2, 2, b"the\xfe\xa2\xfea", None, DOCS + b"\xfe" + REPEATS),
        seed(PER_TEXT, 2, 0, 1, b"\xfex\xfeaa", b"aa", b"aaaax" * 10 + b"\xfe\xfeaxa"),
        seed(UNICODE, 4, 1, 2, b"the\xfe\x80the", b"\x86", ODD * 3 + b"\xfe\x86"),
        seed(UNICODE | RAW | PER_TEXT, 2, 1, 1, b"a\xfe\xc2", None, b"a\xc2\x85a\xfe\xc2 a"),
        # the word sets of fuzz_word_counts.c: the word's length mod 4 picks
        # 40, 70 or 1,100 more words (with and without the bucket filter)
        seed(0, 2, 2, 1, b"the", None, (ENGLISH + b" " + b"x" * 70 + b" ") * 4),
        seed(UNICODE, 3, 0, 2, b"a\xfeb", None, RULES * 2, WORDS),
        seed(UNICODE, 2, 2, 3, b"th", None, ODD * 4 + ENGLISH * 2),
        seed(0, 2, 3, 1, b"t", None, RULES * 2, WORDS | TWO_OR_MORE),
    ],
    # the word is the stop word; PER_TEXT asks for (1, 2), a sep for (2, 2)
    "matrix": [
        seed(0, 2, 1, 3, b"", None, DOCS),
        seed(UNICODE, 3, 2, 2, b"the", None, DOCS + b"\xfe" + REPEATS),
        seed(UNICODE | PER_TEXT, 2, 0, 1, b"", None, REPEATS + b"\xfe" + ODD),
        seed(PER_TEXT, 4, 1, 2, b"cat", None, REPEATS + b"\xfe\xfe" + ENGLISH),
        seed(UNICODE, 2, 1, 1, b"", b" ", ENGLISH + b"\xfe" + REPEATS),
        seed(0, 2, 1, 5, b"mat", b" ", REPEATS + b"\xfe" + bytes(range(1, 128))),
        seed(
            UNICODE | RAW | PER_TEXT, 2, 1, 1, b"", None, b"a\xe2\x80\x80b\xc2\xa0\xe3 \xc2\xfe\x85"
        ),
    ],
    "corpus": [
        seed(0, 2, 1, 3, b"the", None, DOCS),
        seed(UNICODE, 3, 2, 2, b"the", None, DOCS + b"\xfe" + REPEATS),
        seed(0, 2, 0, 1, b"", b"aa", b"aaaax" * 10 + b"\xfe\xfeaxa"),
        seed(UNICODE, 4, 1, 2, b"the", b"\x86", ODD * 3 + b"\xfe\x86the\xfe"),
        seed(0, 3, 1, 1, b"a", b"\r", b"a\r\r\na\n\ra\xfe\r\na\xfe\n" * 4),
        seed(UNICODE, 2, 2, 2, b"aa", None, PERIODIC + b"\xfe" + PERIODIC),
        seed(UNICODE | RAW, 2, 1, 1, b"a", None, b"a\xc2\x85a\xfe\xe2\x80\xa9a\r"),
        seed(UNICODE, 3, 2, 2, b"the", None, RULES + b"\xfethe\xfe" + RULES, WORDS),
        seed(
            UNICODE,
            2,
            1,
            1,
            b"\xb4",
            None,
            RULES + b"\xfe\xb2\xfe\xb9\xfe\xb2" + RULES,
            WORDS | LOWER,
        ),
        seed(0, 2, 0, 2, b"the", None, RULES + b"\xfeThe\xfe", TWO_OR_MORE | LOWER),
        # the one scan over the packed buffer (csrc/docscan.c): 64-byte
        # blocks and their tails on each backend, a letter, a self-
        # overlapping word restarting in each document, a word past the
        # vector filters, straddling occurrences, tokens at document ends
        seed(0, 2, 3, 1, b"e", None, (ENGLISH + b"\xfe") * 8),
        seed(UNICODE, 3, 0, 4, b"aa", None, b"aaa\xfe" * 40 + PERIODIC),
        seed(
            0, 2, 2, 2, b"ab" * 40, None, b"ab" * 50 + b"\xfe" + b"ab" * 39 + b"a\xfeb" + b"ab" * 41
        ),
        seed(UNICODE, 2, 1, 3, b"the", None, (ENGLISH + b"\xfethe\xfe") * 5, WORDS),
        seed(0, 3, 3, 2, b"the", b" ", (REPEATS + b"\xfe") * 3),
        seed(UNICODE, 2, 0, 1, b"the", None, (ODD + b"\xfethe\xfe\xfe") * 4),
    ],
    "utf8": [
        utf8_seed(1, 256, b"plain ASCII, then nothing else" * 3),
        utf8_seed(2, 1, INTL),
        utf8_seed(3, 3, INTL + b"\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf"),
        *(
            utf8_seed(2, 2 + n % 5, INTL[: 40 + 7 * n] + bad + INTL[:20])
            for n, bad in enumerate(BROKEN)
        ),
        utf8_seed(4, 1, INTL + b"\xf0\x9f"),
        # longer than a vector block (256 bytes), on the vector backends
        *(
            utf8_seed(1 + n % 2, 256, INTL * 2 + INTL[: 9 * n] + bad + INTL, 2 + n % 2)
            for n, bad in enumerate(BROKEN)
        ),
        utf8_seed(2, 200, INTL * 3, 3),
        utf8_seed(1, 256, INTL * 3 + b"\xe2\x82", 2),
    ],
    # Code points from the bytes 0x01, 0x02, 0x61 (see fuzz/fuzz_units.c).
    "units": [
        units_seed(1, 2, 0, 1, b"\x01\x02", bytes(range(40)) * 4),
        units_seed(2, 3, 1, 2, b"\x03\x04", bytes([1, 3, 4, 6, 3, 4]) * 30),
        units_seed(2, 2, 2, 1, b"\x00", b"\x00" * 200),
        units_seed(4, 4, 3, 3, b"\x0a\x13", bytes(range(30)) * 8),
        units_seed(4, 2, 1, 1, b"\xf3", bytes(range(9, 27)) * 10),
        units_seed(2, 1, 0, 5, b"", b"\x05\x07" * 40),
    ],
    # The text is rewritten between the passes (newlines, token bytes from
    # the phase given by the backend bits); '\v' cuts it into documents.
    "mutate": [
        seed(0, 2, 0, 3, b"the", None, ENGLISH + b"\v" + ENGLISH * 2),
        seed(UNICODE, 3, 1, 2, b"the", None, ODD * 2 + b"\v" + ODD),
        seed(0, 4, 2, 1, b"a", b"\r", b"a\r\r\na\n\ra\v" * 9),
        seed(UNICODE | RAW, 2, 3, 5, b"", b"a", b"a\xc2\x85a\xe2\x80\xa9\xe2\x80a\r" * 4),
        seed(0, 2, 1, 1, b"x" * 30, None, (b"x" * 30 + b" ") * 12 + b"\v" + b"y" * 100),
        seed(UNICODE, 3, 1, 2, b"the", None, RULES + b"\v" + RULES, WORDS | LOWER),
        seed(UNICODE, 2, 2, 1, b"the", b"e", RULES * 2, LOWER),
    ],
}


def main() -> None:
    """Write every seed as corpus/TARGET/seed-NN."""
    for target, seeds in SEEDS.items():
        folder = CORPUS / target
        folder.mkdir(parents=True, exist_ok=True)
        for number, data in enumerate(seeds):
            (folder / f"seed-{number:02d}").write_bytes(data)


if __name__ == "__main__":
    main()
