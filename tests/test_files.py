"""Counting in files against the references on the file's text.

The text of a file is ``Path(p).read_bytes().decode("utf-8")`` (str
semantics, the default) or ``Path(p).read_bytes()`` (encoding=None).
"""
import os
from collections import Counter

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
        assert textops.file_word_count(paths, word, sep=sep, encoding=encoding, threads=threads) == [
            t.split(sep).count(word) for t in texts]
        assert textops.file_word_count(paths[0], word, sep=sep, encoding=encoding,
                                       threads=threads) == texts[0].split(sep).count(word)
        assert textops.file_substring_count(paths, word, encoding=encoding, threads=threads) == [
            t.count(word) for t in texts]
        assert textops.file_line_word_counts(paths, word, sep=sep, encoding=encoding, threads=threads) == [
            [ln.split(sep).count(word) for ln in t.splitlines()] for t in texts]
        result = textops.file_word_frequencies(paths, sep=sep, encoding=encoding, threads=threads)
        assert list(result.items()) == list(freq.items())


def test_file_larger_than_the_chunk_size(tmp_path):
    text = "the whale\u3000and the sea\r\n" * 60_000 + "é the"  # 1.6 MB, several chunks
    path = write(tmp_path, "big.txt", text.encode())
    for threads in (1, 2, 3):
        assert textops.file_word_count(path, "the", threads=threads) == text.split().count("the")
        assert textops.file_substring_count(path, "he", threads=threads) == text.count("he")
        assert textops.file_line_word_counts(path, "the", threads=threads) == [
            ln.split().count("the") for ln in text.splitlines()]
        assert textops.file_word_frequencies(path, threads=threads) == Counter(text.split())


@pytest.mark.parametrize("bad, offset_in", [
    (b"\xff", 0), (b"\xed\xa0\x80", 0), (b"\xc3(", 0), (b"\xf0\x9f\x98", 0), (b"\xc0\x80", 0),
])
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
    with pytest.raises(textops.TextopsTypeError, match="word must be a bytes-like object like the files"):
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
