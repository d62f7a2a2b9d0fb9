"""Every C entry point on every path, for a run under valgrind memcheck.

``.ci/run`` runs it as ``valgrind python tests/valgrind/core_paths.py``
(see README "Reliability"); it checks its own results, so a wrong count
fails too. Sizes are small (valgrind is ~50x slower) but above the parallel
threshold, with a tiny minimum chunk for the cuts.
"""
import mmap
import sys

import textops
from textops import _core


def check(got, expected, what):
    """Exit non-zero with a message if a result differs from the reference."""
    if got != expected:
        sys.exit(f"valgrind run: {what}: {got!r} != {expected!r}")


def main() -> None:
    """Run every function, on str, bytes and mmap, serial and parallel."""
    text = "the cat\u3000sat the\r\nthé\ud800 the\x00 aa\u2028" * 3000
    data = text.encode("utf-8", "surrogatepass")
    buf = mmap.mmap(-1, len(data))
    buf.write(data)
    for backend in _core.search_backends():
        _core.set_search_backend(backend)
        for min_chunk in (7, 1 << 18):
            _core.set_min_chunk(min_chunk)
            for threads in (1, 2, 3):
                for t, w, s in ((text, "the", None), (data, b"the", None), (text, "", "aa"), (data, b"t", b"the")):
                    check(textops.word_count(t, w, sep=s, threads=threads), t.split(s).count(w), "word_count")
                    check(textops.substring_count(t, w, threads=threads), t.count(w), "substring_count")
                    check(textops.line_word_counts(t, w, sep=s, threads=threads),
                          [ln.split(s).count(w) for ln in t.splitlines()], "line_word_counts")
                    bodies = [t, t[:100], t[:0], t[5:]]
                    check(textops.parallel_word_count(bodies, w, sep=s, threads=threads),
                          [b.split(s).count(w) for b in bodies], "parallel_word_count")
                    check(textops.parallel_substring_count(bodies, [w] * 4, threads=threads),
                          [b.count(w) for b in bodies], "parallel_substring_count")
                check(textops.word_count(buf, b"the", threads=threads), data.split().count(b"the"), "mmap")
    buf.close()
    print("valgrind run: every path gave the reference")


if __name__ == "__main__":
    main()
