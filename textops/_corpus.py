"""Corpus: many documents packed once into one buffer, queried many times.

>>> from textops import Corpus
>>> docs = Corpus(["the cat", "the the dog", ""])
>>> len(docs), docs[1]
(3, 'the the dog')
>>> docs.word_count("the").tolist()
[1, 2, 0]
>>> docs.term_matrix(["the", "dog"]).tolist()
[[1, 0], [2, 1], [0, 0]]
"""
from __future__ import annotations

import codecs
import os
from collections import Counter
from typing import Any, Iterable, Iterator, List, Optional, Union

from . import _core
from ._api import Text, _as_sub, _check_like, _check_sep, _text_checker, _texts
from ._errors import TextopsTypeError, TextopsValueError
from ._freq import _word_list
from ._threads import resolve

PathLike = Union[str, "os.PathLike[str]"]


def _read_file(path: PathLike, encoding: Optional[str]) -> bytes:
    """The file's bytes, as UTF-8 when an encoding is given.

    Raises UnicodeDecodeError naming the file and the byte offset when the
    file is not valid in that encoding.
    """
    with open(path, "rb") as f:
        data = f.read()
    if encoding is None:
        return data
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnicodeDecodeError(
            exc.encoding, exc.object, exc.start, exc.end,
            f"{exc.reason} (file {os.fspath(path)!r}, byte offset {exc.start})",
        ) from None
    if codecs.lookup(encoding).name == "utf-8":
        return data  # valid: kept as it is
    return text.encode("utf-8", "surrogatepass")


class Corpus:
    """Documents held once, as one UTF-8 (or bytes) buffer plus offsets.

    ``Corpus(texts)`` packs a list (or any iterable) of ``str`` documents,
    or of bytes-like ones for bytes semantics; every query then runs over
    the packed buffer in C with the GIL released, and returns one NumPy
    ``int64`` value per document. Memory: the UTF-8 size of the documents
    plus 8 bytes per document.

    >>> c = Corpus(["a b a", "b"])
    >>> c.word_count("a").tolist(), c.substring_count("b").tolist()
    ([2, 0], [1, 1])
    """

    __slots__ = ("_buf", "_offsets", "_mode")

    def __init__(self, texts: Iterable[Text]) -> None:
        items, mode = _texts(texts, "texts")
        if mode is None:
            mode = _core.UNICODE
        self._mode = mode
        self._buf, self._offsets = _core.pack(items, mode, _text_checker(items, mode, "texts"))

    @classmethod
    def from_files(cls, paths: Iterable[PathLike], encoding: Optional[str] = "utf-8") -> Corpus:
        """One document per file. ``encoding=None`` reads raw bytes (bytes
        semantics); otherwise each file is decoded, and an invalid one raises
        UnicodeDecodeError naming the file and the byte offset.

        >>> Corpus.from_files([]).word_count("a").tolist()
        []
        """
        if isinstance(paths, (str, bytes, os.PathLike)):
            raise TextopsTypeError(
                f"paths must be an iterable of paths, not a single {type(paths).__name__}; use [path]"
            )
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise TextopsValueError(f"{encoding!r} is not a known encoding") from None
        datas = [_read_file(path, encoding) for path in paths]
        corpus = cls.__new__(cls)
        corpus._mode = _core.BYTES if encoding is None else _core.UNICODE
        corpus._buf, corpus._offsets = _core.pack(datas, corpus._mode, lambda i, item: item)
        return corpus

    # --- the documents ------------------------------------------------------

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> Union[str, bytes]:
        if isinstance(index, bool) or not isinstance(index, int):
            raise TextopsTypeError(f"corpus indices must be integers, not {type(index).__name__}")
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"corpus index {index} out of range for {n} documents")
        index %= n
        data = self._buf[int(self._offsets[index]):int(self._offsets[index + 1])].tobytes()
        return data.decode("utf-8", "surrogatepass") if self._mode == _core.UNICODE else data

    def __iter__(self) -> Iterator[Union[str, bytes]]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        kind = "str" if self._mode == _core.UNICODE else "bytes"
        return f"<textops.Corpus of {len(self)} {kind} documents, {self.nbytes} bytes>"

    @property
    def nbytes(self) -> int:
        """Bytes of the packed documents (UTF-8 for str documents)."""
        return int(self._buf.nbytes)

    # --- queries ------------------------------------------------------------

    def word_count(self, word: Text, *, sep: Optional[Text] = None,
                   threads: Optional[int] = None) -> Any:
        """``[doc.split(sep).count(word) for doc in docs]`` as an int64 array.

        >>> Corpus(["a b a", "b"]).word_count("b").tolist()
        [1, 1]
        """
        _check_like(word, "word", self._mode, "the corpus")
        _check_sep(sep, self._mode, "the corpus")
        return _core.corpus_count(self._buf, self._offsets, word, sep, True,
                                  self._mode, resolve(threads))

    def substring_count(self, sub: Union[Text, int], *, threads: Optional[int] = None) -> Any:
        """``[doc.count(sub) for doc in docs]`` as an int64 array.

        >>> Corpus(["aaaa", "a"]).substring_count("aa").tolist()
        [2, 0]
        """
        sub = _as_sub(sub, "sub", self._mode, "the corpus")
        return _core.corpus_count(self._buf, self._offsets, sub, None, False,
                                  self._mode, resolve(threads))

    def line_word_counts(self, word: Text, *, sep: Optional[Text] = None,
                         threads: Optional[int] = None) -> List[Any]:
        """``[[ln.split(sep).count(word) for ln in doc.splitlines()] for doc
        in docs]``, one int64 array per document.

        >>> [a.tolist() for a in Corpus(["a\\nb a", ""]).line_word_counts("a")]
        [[1, 1], []]
        """
        _check_like(word, "word", self._mode, "the corpus")
        _check_sep(sep, self._mode, "the corpus")
        return _core.corpus_line_word_counts(self._buf, self._offsets, word, sep,
                                             self._mode, resolve(threads))

    def term_matrix(self, words: Iterable[Text], *, sep: Optional[Text] = None,
                    threads: Optional[int] = None) -> Any:
        """The documents x words int64 matrix of ``doc.split(sep).count(w)``,
        each document read once whatever the number of words.

        >>> Corpus(["a b a", "b"]).term_matrix(["a", "b"]).tolist()
        [[2, 1], [0, 1]]
        """
        items = _word_list(words, self._mode, "the corpus")
        _check_sep(sep, self._mode, "the corpus")
        return _core.corpus_term_matrix(self._buf, self._offsets, items, sep,
                                        self._mode, resolve(threads))

    def word_frequencies(self, *, sep: Optional[Text] = None,
                         threads: Optional[int] = None) -> Counter:
        """``Counter`` of every document's ``split(sep)`` tokens, summed.

        >>> Corpus(["a b a", "b"]).word_frequencies()
        Counter({'a': 2, 'b': 2})
        """
        _check_sep(sep, self._mode, "the corpus")
        return Counter(_core.corpus_frequencies(self._buf, self._offsets, sep,
                                                self._mode, resolve(threads)))
