"""Every Python entry point on every path, for a run under valgrind memcheck.

``.ci/run`` runs it as ``valgrind python tests/valgrind/core_paths.py``
(see README "Reliability"); it checks its own results, so a wrong count
fails too. Sizes are small (valgrind is ~50x slower) but above the parallel
threshold, with a tiny minimum chunk for the cuts.
"""

import mmap
import sys
import tempfile
from collections import Counter
from pathlib import Path

import textops
from textops import _core


def check(got, expected, what):
    """Exit non-zero with a message if a result differs from the reference."""
    if got != expected:
        sys.exit(f"valgrind run: {what}: {got!r} != {expected!r}")


def utf8_error(data: bytes) -> int:
    """Where Python's strict decoder first fails on data, or -1."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return -1


def one_text_and_batches(text, data, buf, threads):
    """The one-text functions and the batches, on str, bytes and mmap."""
    for t, w, s in (
        (text, "the", None),
        (data, b"the", None),
        (text, "", "aa"),
        (data, b"t", b"the"),
    ):
        check(textops.word_count(t, w, sep=s, threads=threads), t.split(s).count(w), "word_count")
        check(textops.substring_count(t, w, threads=threads), t.count(w), "substring_count")
        check(
            textops.line_word_counts(t, w, sep=s, threads=threads),
            [ln.split(s).count(w) for ln in t.splitlines()],
            "line_word_counts",
        )
        bodies = [t, t[:100], t[:0], t[5:]]
        check(
            textops.parallel_word_count(bodies, w, sep=s, threads=threads),
            [b.split(s).count(w) for b in bodies],
            "parallel_word_count",
        )
        check(
            textops.parallel_substring_count(bodies, [w] * 4, threads=threads),
            [b.count(w) for b in bodies],
            "parallel_substring_count",
        )
    check(textops.word_count(buf, b"the", threads=threads), data.split().count(b"the"), "mmap")


def tokens_and_corpus(text, data, threads):
    """Frequencies, many-word counts and every Corpus method."""
    for t, words, s in (
        (text, ["the", "sat", "x", "the"], None),
        (data, [b"t", b"", b"cat"], b"the"),
    ):
        bodies = [t, t[:100], t[:0], t[7:]]
        check(
            textops.word_frequencies(t, sep=s, threads=threads),
            Counter(t.split(s)),
            "word_frequencies",
        )
        check(
            textops.word_frequencies(bodies, sep=s, threads=threads),
            sum((Counter(b.split(s)) for b in bodies), Counter()),
            "word_frequencies (batch)",
        )
        check(
            textops.word_counts(t, words, sep=s, threads=threads),
            {w: t.split(s).count(w) for w in words},
            "word_counts",
        )
        corpus = textops.Corpus(bodies)
        w = words[0]
        check(
            corpus.word_count(w, sep=s, threads=threads).tolist(),
            [b.split(s).count(w) for b in bodies],
            "Corpus.word_count",
        )
        check(
            corpus.substring_count(w, threads=threads).tolist(),
            [b.count(w) for b in bodies],
            "Corpus.substring_count",
        )
        check(
            [a.tolist() for a in corpus.line_word_counts(w, sep=s, threads=threads)],
            [[ln.split(s).count(w) for ln in b.splitlines()] for b in bodies],
            "Corpus.line_word_counts",
        )
        check(
            corpus.term_matrix(words, sep=s, threads=threads).tolist(),
            [[b.split(s).count(x) for x in words] for b in bodies],
            "Corpus.term_matrix",
        )
        check(
            corpus.word_frequencies(sep=s, threads=threads),
            sum((Counter(b.split(s)) for b in bodies), Counter()),
            "Corpus.word_frequencies",
        )


def files(folder, text, data, threads):
    """The file_* functions and Corpus.from_files, UTF-8 and bytes, and the
    UTF-8 check on valid and broken text."""
    clean = text.replace("\ud800", "")  # a file of valid UTF-8
    good, broken = folder / "good.txt", folder / "broken.txt"
    good.write_bytes(clean.encode())
    broken.write_bytes(data)
    paths = [good, good]
    check(
        textops.file_word_count(paths, "the", threads=threads),
        [clean.split().count("the")] * 2,
        "file_word_count",
    )
    check(
        textops.file_substring_count(good, b"th", encoding=None, threads=threads),
        clean.encode().count(b"th"),
        "file_substring_count",
    )
    check(
        textops.file_line_word_counts(good, "the", sep=" ", threads=threads),
        [ln.split(" ").count("the") for ln in clean.splitlines()],
        "file_line_word_counts",
    )
    check(
        textops.file_word_frequencies(paths, threads=threads),
        Counter(clean.split() * 2),
        "file_word_frequencies",
    )
    check(
        textops.Corpus.from_files(paths).word_count("the", threads=threads).tolist(),
        [clean.split().count("the")] * 2,
        "Corpus.from_files",
    )
    try:
        textops.file_word_count(broken, "the", threads=threads)
        sys.exit("valgrind run: file_word_count read broken UTF-8")
    except UnicodeDecodeError:
        pass
    for sample in (data, clean.encode(), data[:9000] + b"\xf4\x90\x80\x80"):
        check(_core.utf8_check(sample, threads), utf8_error(sample), "utf8_check")


def matrix(text, threads):
    """The document-term matrix (the core's arrays, no SciPy needed)
    against re.findall over the lowered documents, unigrams and bigrams."""
    import re

    docs = [text[:2000], text[2000:9000], "", text[5:], "The THE the"]
    mode = _core.UNICODE | _core.WORD_CHARS | _core.TWO_OR_MORE | _core.LOWER
    vocabulary, indptr, indices, counts = _core.count_matrix(
        docs, [b"sat"], (1, 2), None, mode, threads, lambda i, d: d
    )
    terms = list(vocabulary)
    for i, doc in enumerate(docs):
        tokens = [t for t in re.findall(r"(?u)\b\w\w+\b", doc.lower()) if t != "sat"]
        want = Counter(tokens + [" ".join(p) for p in zip(tokens, tokens[1:])])
        row = range(int(indptr[i]), int(indptr[i + 1]))
        got = {terms[int(indices[k])]: int(counts[k]) for k in row}
        check(got, dict(want), "count_matrix")
    check(terms, sorted(terms), "count_matrix (the terms' order)")
    _, indptr, indices, counts = _core.count_matrix(
        docs, [], (2, 2), ([b"the cat", b"cat"], [1, 0]), mode, threads, lambda i, d: d
    )
    for i, doc in enumerate(docs):
        tokens = re.findall(r"(?u)\b\w\w+\b", doc.lower())
        want = Counter(" ".join(p) for p in zip(tokens, tokens[1:]))
        row = range(int(indptr[i]), int(indptr[i + 1]))
        got = {int(indices[k]): int(counts[k]) for k in row}
        check(got, {1: want["the cat"]} if want["the cat"] else {}, "vocab_matrix")


def storage_kinds(threads):
    """A str of each storage width (Latin-1, UCS-4): counted in its units."""
    for text in ("the cat sat thé\xa0the\r\n" * 3000, "the 😀cat the\u2029x" * 3000):
        for w, s in (("the", None), ("", "t"), ("cat", " ")):
            check(textops.substring_count(text, w, threads=threads), text.count(w), "units count")
            got = textops.word_count(text, w, sep=s, threads=threads)
            check(got, text.split(s).count(w), "units word_count")
            lines = [ln.split(s).count(w) for ln in text.splitlines()]
            check(textops.line_word_counts(text, w, sep=s, threads=threads), lines, "units lines")
        check(textops.word_frequencies(text, threads=threads), Counter(text.split()), "units freq")


def main() -> None:
    """Run every function, on str, bytes and mmap, serial and parallel."""
    text = "the cat\u3000sat the\r\nthé\ud800 the\x00 aa\u2028" * 3000
    data = text.encode("utf-8", "surrogatepass")
    buf = mmap.mmap(-1, len(data))
    buf.write(data)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in _core.search_backends():
            _core.set_search_backend(backend)
            for min_chunk in (7, 1 << 18):
                _core.set_min_chunk(min_chunk)
                for threads in (1, 2, 3):
                    one_text_and_batches(text, data, buf, threads)
                    tokens_and_corpus(text, data, threads)
                    files(Path(tmp), text, data, threads)
                    matrix(text, threads)
                    storage_kinds(threads)
    buf.close()
    print("valgrind run: every path gave the reference")


if __name__ == "__main__":
    main()
