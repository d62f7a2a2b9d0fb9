"""Counting in files against the references on the file's text.

The text of a file is ``Path(p).read_bytes().decode("utf-8")`` (str
semantics, the default) or ``Path(p).read_bytes()`` (encoding=None).
"""

import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textops
from strategies import ALPHABETS, SMALL_MIN_CHUNKS, STR, THREAD_COUNTS, cases

BY_ALPHABET = pytest.mark.parametrize("alphabet", ALPHABETS, ids=str)
FEW_EXAMPLES = max(10, settings().max_examples // 8)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@BY_ALPHABET
@settings(max_examples=FEW_EXAMPLES)
@given(data=st.data(), min_chunk=SMALL_MIN_CHUNKS)
def test_files_match_references(alphabet, data, min_chunk, set_min_chunk, tmp_path_factory):
    set_min_chunk(min_chunk)
    case = data.draw(cases(alphabet), label="case")
    other = data.draw(cases(alphabet), label="other file").text
    tmp = tmp_path_factory.mktemp("files")
    raw = [t.encode("utf-8", "surrogatepass") if alphabet is STR else t for t in (case.text, other)]
    paths = [write(tmp, f"{i}.txt", r) for i, r in enumerate(raw)]
    encoding = "utf-8" if alphabet is STR else None
    word, sep = case.needle, case.sep
    try:
        texts = [r.decode("utf-8") if encoding else r for r in raw]
    except UnicodeDecodeError as exc:  # lone surrogates: not UTF-8
        with pytest.raises(UnicodeDecodeError, match="byte offset"):
            textops.file_word_count(paths, word, sep=sep, encoding=encoding)
        assert exc.start >= 0
        return
    freq = Counter()
    for text in texts:
        freq.update(text.split(sep))
    for threads in THREAD_COUNTS:
        assert textops.file_word_count(
            paths, word, sep=sep, encoding=encoding, threads=threads
        ) == [t.split(sep).count(word) for t in texts]
        assert textops.file_word_count(
            paths[0], word, sep=sep, encoding=encoding, threads=threads
        ) == texts[0].split(sep).count(word)
        assert textops.file_substring_count(paths, word, encoding=encoding, threads=threads) == [
            t.count(word) for t in texts
        ]
        assert textops.file_line_word_counts(
            paths, word, sep=sep, encoding=encoding, threads=threads
        ) == [[ln.split(sep).count(word) for ln in t.splitlines()] for t in texts]
        result = textops.file_word_frequencies(paths, sep=sep, encoding=encoding, threads=threads)
        assert list(result.items()) == list(freq.items())


def test_file_larger_than_the_chunk_size(tmp_path):
    text = "the whale\u3000and the sea\r\n" * 60_000 + "é the"  # 1.6 MB, several chunks
    path = write(tmp_path, "big.txt", text.encode())
    for threads in (1, 2, 3):
        assert textops.file_word_count(path, "the", threads=threads) == text.split().count("the")
        assert textops.file_substring_count(path, "he", threads=threads) == text.count("he")
        assert textops.file_line_word_counts(path, "the", threads=threads) == [
            ln.split().count("the") for ln in text.splitlines()
        ]
        assert textops.file_word_frequencies(path, threads=threads) == Counter(text.split())


@pytest.mark.parametrize(
    "bad, offset_in",
    [
        (b"\xff", 0),
        (b"\xed\xa0\x80", 0),
        (b"\xc3(", 0),
        (b"\xf0\x9f\x98", 0),
        (b"\xc0\x80", 0),
    ],
)
@pytest.mark.parametrize("where", [0, 5, 700_001, 1_500_000])
def test_invalid_utf8_names_file_and_offset(tmp_path, bad, offset_in, where):
    data = ("a é " * 500_000).encode()[:where] + bad + b" tail"
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(UnicodeDecodeError) as python:
        data.decode("utf-8")
    for threads in (1, 2):
        with pytest.raises(UnicodeDecodeError) as info:
            textops.file_word_count([path], "a", threads=threads)
        assert f"byte offset {python.value.start} of file {str(path)!r}" in str(info.value)
    # bytes semantics on request: no decoding
    assert textops.file_word_count(path, b"a", encoding=None) == data.split().count(b"a")


def test_empty_missing_and_unreadable_files(tmp_path):
    empty = write(tmp_path, "empty.txt", b"")
    assert textops.file_word_count(empty, "a") == 0
    assert textops.file_line_word_counts(empty, "a") == []
    assert textops.file_word_frequencies([empty, empty]) == Counter()
    missing = tmp_path / "missing.txt"
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        textops.file_word_count([empty, missing], "a")
    with pytest.raises(IsADirectoryError, match=str(tmp_path.name)):
        textops.file_substring_count(tmp_path, "a")
    if os.geteuid() != 0:  # root reads everything
        locked = write(tmp_path, "locked.txt", b"a")
        locked.chmod(0)
        with pytest.raises(PermissionError, match="locked.txt"):
            textops.file_word_count(locked, "a")


def test_other_encodings_and_errors(tmp_path):
    latin = write(tmp_path, "latin.txt", "café au lait café".encode("latin-1"))
    assert textops.file_word_count(latin, "café", encoding="latin-1") == 2
    with pytest.raises(UnicodeDecodeError, match="byte offset 3 of file"):
        textops.file_word_count(latin, "café")
    with pytest.raises(textops.TextopsValueError, match="not a known encoding"):
        textops.file_word_count(latin, "a", encoding="nope")
    with pytest.raises(textops.TextopsTypeError, match="word must be str like the files"):
        textops.file_word_count(latin, b"a")
    with pytest.raises(
        textops.TextopsTypeError, match="word must be a bytes-like object like the files"
    ):
        textops.file_word_count(latin, "a", encoding=None)
    with pytest.raises(textops.TextopsTypeError, match="paths must be a path or an iterable"):
        textops.file_word_count(3, "a")


def test_many_files_and_progress_bar(tmp_path, capsys):
    pytest.importorskip("tqdm")
    paths = [write(tmp_path, f"{i}.txt", f"the {i} the".encode()) for i in range(150)]
    assert textops.file_word_count(paths, "the", progress=True) == [2] * 150
    assert "150/150" in capsys.readouterr().err
    assert textops.file_word_count(paths, "the") == [2] * 150
    assert capsys.readouterr().err == ""


def _sysfs_file():
    """A readable /sys file that mmap cannot map (st_size 4096), or None."""
    for candidate in [
        "/sys/kernel/mm/transparent_hugepage/enabled",
        "/sys/devices/system/cpu/online",
        "/sys/kernel/mm/transparent_hugepage/defrag",
        "/sys/power/state",
    ]:
        try:
            Path(candidate).read_bytes()
        except OSError:
            continue
        return candidate
    return None


def test_file_that_cannot_be_mapped_is_read(tmp_path):
    """/sys files (st_size 4096, mmap gives ENODEV) raised OSError [Errno 19]
    naming no file, where Path(p).read_text() works: they are read."""
    path = _sysfs_file()
    if path is None:
        pytest.skip("no readable /sys file here")
    text = Path(path).read_text()
    word = text.split()[0] if text.split() else "x"
    assert textops.file_word_count(path, word) == text.split().count(word)
    assert textops.file_substring_count([path], "e") == [text.count("e")]
    assert textops.file_line_word_counts(path, word) == [
        ln.split().count(word) for ln in text.splitlines()
    ]
    assert textops.file_word_frequencies(path) == Counter(text.split())
    assert list(textops.Corpus.from_files([path])) == [text]
    # a FIFO (no mapping either) is read too
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    import threading

    writer = threading.Thread(target=lambda: fifo.write_bytes(b"a b a\n"))
    writer.start()
    try:
        assert textops.file_word_count(fifo, "a") == 2
    finally:
        writer.join(10)


def test_every_os_error_names_the_path(tmp_path):
    """Errors from reading (not only from open) carry the file name."""
    for bad in [tmp_path, "/proc/self/mem"]:  # EISDIR at open, EIO at read
        for call in (
            lambda p: textops.file_word_count(p, "a"),
            lambda p: textops.Corpus.from_files([p]),
        ):
            with pytest.raises(OSError) as info:
                call(bad)
            assert info.value.filename is not None and os.fsdecode(info.value.filename) == str(bad)


@pytest.mark.parametrize(
    "encoding, data",
    [
        ("utf-8", "abc é ".encode() * 3 + b"\xff tail"),
        ("utf-8", b"x" * 700_001 + b"\xf0\x9f\x98"),
        ("utf-8", b"ok \xe2\x80 more"),
        ("ascii", b"the \xe9 cafe"),
        ("utf-16-le", b"a\x00b\x00\x00\xdc"),
    ],
)
def test_decode_error_offsets_are_file_offsets(tmp_path, encoding, data):
    """The UnicodeDecodeError said "in position 0 ... at byte offset 6": its
    start and end described a 4-byte window. They are now the reference's
    (Path(p).read_bytes().decode(encoding)) file offsets, and object holds
    the file's bytes up to end, so message and attributes agree."""
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(UnicodeDecodeError) as python:
        data.decode(encoding)
    ref = python.value
    for call in (
        lambda: textops.file_word_count(path, "a", encoding=encoding),
        lambda: textops.file_word_frequencies([path], encoding=encoding, threads=2),
        lambda: textops.Corpus.from_files([path], encoding=encoding),
    ):
        with pytest.raises(UnicodeDecodeError) as info:
            call()
        exc = info.value
        assert (exc.encoding, exc.start, exc.end, exc.reason.split(" at byte")[0]) == (
            ref.encoding,
            ref.start,
            ref.end,
            ref.reason,
        )
        assert exc.object[exc.start : exc.end] == data[ref.start : ref.end]
        assert data.startswith(exc.object) and len(exc.object) >= exc.end
        assert f"position {ref.start}" in str(exc)
        assert f"byte offset {ref.start} of file {str(path)!r}" in str(exc)


def test_one_message_for_a_bad_file(tmp_path):
    """Corpus.from_files and the file_* functions give the same error."""
    bad = write(tmp_path, "bad.txt", b"ok \xff")
    messages = set()
    for call in (
        lambda: textops.file_word_count(bad, "ok"),
        lambda: textops.Corpus.from_files([bad]),
    ):
        with pytest.raises(UnicodeDecodeError) as info:
            call()
        messages.add(str(info.value))
    assert len(messages) == 1, messages


@pytest.mark.parametrize("encoding", ["base64", "rot13", "zlib"])
def test_codec_that_is_not_a_text_encoding(tmp_path, encoding):
    """codecs.lookup knows these, but bytes.decode refuses them: a raw
    LookupError came out of the first file; now a TextopsValueError naming
    the encoding, before any file is read."""
    path = write(tmp_path, "a.txt", b"a b")
    for call in (
        lambda: textops.file_word_count(path, "a", encoding=encoding),
        lambda: textops.Corpus.from_files([path], encoding=encoding),
        lambda: textops.file_word_count(tmp_path / "missing", "a", encoding=encoding),
    ):
        with pytest.raises(textops.TextopsValueError, match=f"{encoding!r} is not a text encoding"):
            call()
