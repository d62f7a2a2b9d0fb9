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

import operator
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, overload

from . import _core, _files
from ._errors import TextopsTypeError
from ._threads import resolve
from ._validate import (
    PathLike,
    Text,
    TokenPattern,
    as_sub,
    check_like,
    check_sep,
    text_checker,
    text_list,
    token_rule,
    type_name,
    word_list,
)


def _accept(i: int, item: Any) -> Any:
    return item


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

    __slots__ = ("_buf", "_mode", "_offsets")

    def __init__(self, texts: Iterable[Text]) -> None:
        items, mode = text_list(texts, "texts")
        if mode is None:
            mode = _core.UNICODE
        self._mode = mode
        self._buf, self._offsets = _core.pack(items, mode, text_checker(items, mode, "texts"))

    @classmethod
    def from_files(cls, paths: Iterable[PathLike], encoding: str | None = "utf-8") -> Corpus:
        """One document per file. ``encoding=None`` reads raw bytes (bytes
        semantics); otherwise each file is decoded, and an invalid one raises
        UnicodeDecodeError naming the file and the byte offset.

        >>> Corpus.from_files([]).word_count("a").tolist()
        []
        """
        if isinstance(paths, (str, bytes, os.PathLike)):
            raise TextopsTypeError(
                f"paths must be an iterable of paths, not a single {type_name(paths)}; use [path]"
            )
        mode = _core.BYTES if encoding is None else _core.UNICODE

        def pack(buffers: list[Any], mode: int, nthreads: int) -> list[Any]:
            return [_core.pack(buffers, mode, _accept)]

        parts, _ = _files.run(paths, encoding, None, False, pack)
        return cls._packed(mode, *_joined(parts))

    @classmethod
    def _packed(cls, mode: int, buf: Any, offsets: Any) -> Corpus:
        """A Corpus of already packed documents."""
        corpus = cls.__new__(cls)
        corpus._mode, corpus._buf, corpus._offsets = mode, buf, offsets
        return corpus

    # --- the documents ------------------------------------------------------

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str | bytes: ...

    @overload
    def __getitem__(self, index: slice) -> Corpus: ...

    def __getitem__(self, index: int | slice) -> str | bytes | Corpus:
        """The document at an index (an int or a NumPy integer), or for a
        slice a new Corpus of those documents: a view of this one's buffer
        when the step is 1 (no copy), else packed anew. A Corpus, not a
        list, so that the documents stay packed for the next queries.

        >>> c = Corpus(["a", "b a", "c"])
        >>> c[1], list(c[1:]), c[::2].word_count("c").tolist()
        ('b a', ['b a', 'c'], [0, 1])
        """
        if isinstance(index, slice):
            return self._slice(index)
        if isinstance(index, bool):
            raise TextopsTypeError("corpus indices must be integers or slices, not bool")
        try:
            i = operator.index(index)
        except TypeError:
            raise TextopsTypeError(
                f"corpus indices must be integers or slices, not {type_name(index)}"
            ) from None
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"corpus index {i} out of range for {n} documents")
        data = self._bytes(i % n)
        return data.decode("utf-8", "surrogatepass") if self._mode == _core.UNICODE else data

    def _bytes(self, i: int) -> bytes:
        """The bytes of document i (0 <= i < len(self))."""
        return self._buf[int(self._offsets[i]) : int(self._offsets[i + 1])].tobytes()

    def _slice(self, key: slice) -> Corpus:
        start, stop, step = key.indices(len(self))
        if step == 1:
            stop = max(start, stop)
            first, last = self._offsets[start], self._offsets[stop]
            return self._packed(
                self._mode,
                self._buf[int(first) : int(last)],
                self._offsets[start : stop + 1] - first,
            )
        docs = [self._bytes(i) for i in range(start, stop, step)]
        return self._packed(self._mode, *_core.pack(docs, self._mode, _accept))

    def __iter__(self) -> Iterator[str | bytes]:
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

    def _word_mode(self, sep: Text | None, pattern: TokenPattern | None, lowercase: bool) -> int:
        """The C mode of a word query: the documents' kind and token rule."""
        check_sep(sep, self._mode, "the corpus")
        return self._mode | token_rule(pattern, lowercase, sep, self._mode, "the corpus")

    def word_count(
        self,
        word: Text,
        *,
        sep: Text | None = None,
        pattern: TokenPattern | None = None,
        lowercase: bool = False,
        threads: int | None = None,
    ) -> Any:
        r"""``[doc.split(sep).count(word) for doc in docs]`` as an int64 array
        (with a ``pattern`` or ``lowercase``, the tokens of
        ``textops.word_count``).

        >>> Corpus(["a b a", "b"]).word_count("b").tolist()
        [1, 1]
        >>> Corpus(["A-b a", "b"]).word_count("a", pattern=r"\w+", lowercase=True).tolist()
        [2, 0]
        """
        check_like(word, "word", self._mode, "the corpus")
        mode = self._word_mode(sep, pattern, lowercase)
        return _core.corpus_count(self._buf, self._offsets, word, sep, True, mode, resolve(threads))

    def substring_count(self, sub: Text | int, *, threads: int | None = None) -> Any:
        """``[doc.count(sub) for doc in docs]`` as an int64 array.

        >>> Corpus(["aaaa", "a"]).substring_count("aa").tolist()
        [2, 0]
        """
        sub = as_sub(sub, "sub", self._mode, "the corpus")
        return _core.corpus_count(
            self._buf, self._offsets, sub, None, False, self._mode, resolve(threads)
        )

    def line_word_counts(
        self,
        word: Text,
        *,
        sep: Text | None = None,
        pattern: TokenPattern | None = None,
        lowercase: bool = False,
        threads: int | None = None,
    ) -> list[Any]:
        """``[[ln.split(sep).count(word) for ln in doc.splitlines()] for doc
        in docs]``, one int64 array per document (with a ``pattern`` or
        ``lowercase``, the lines of ``textops.line_word_counts``).

        >>> [a.tolist() for a in Corpus(["a\\nb a", ""]).line_word_counts("a")]
        [[1, 1], []]
        """
        check_like(word, "word", self._mode, "the corpus")
        mode = self._word_mode(sep, pattern, lowercase)
        return _core.corpus_line_word_counts(
            self._buf, self._offsets, word, sep, mode, resolve(threads)
        )

    def term_matrix(
        self,
        words: Iterable[Text],
        *,
        sep: Text | None = None,
        pattern: TokenPattern | None = None,
        lowercase: bool = False,
        threads: int | None = None,
    ) -> Any:
        """The documents x words int64 matrix of ``doc.split(sep).count(w)``
        (with a ``pattern`` or ``lowercase``, the tokens of
        ``textops.word_count``), each document read once whatever the number
        of words.

        >>> Corpus(["a b a", "b"]).term_matrix(["a", "b"]).tolist()
        [[2, 1], [0, 1]]
        """
        items = word_list(words, self._mode, "the corpus")
        mode = self._word_mode(sep, pattern, lowercase)
        return _core.corpus_term_matrix(
            self._buf, self._offsets, items, sep, mode, resolve(threads)
        )

    def word_frequencies(
        self,
        *,
        sep: Text | None = None,
        pattern: TokenPattern | None = None,
        lowercase: bool = False,
        threads: int | None = None,
    ) -> Counter:
        """``Counter`` of every document's ``split(sep)`` tokens, summed (with
        a ``pattern`` or ``lowercase``, the tokens of
        ``textops.word_frequencies``).

        >>> Corpus(["a b a", "b"]).word_frequencies()
        Counter({'a': 2, 'b': 2})
        """
        mode = self._word_mode(sep, pattern, lowercase)
        return Counter(
            _core.corpus_frequencies(self._buf, self._offsets, sep, mode, resolve(threads))
        )


def _joined(parts: list[Any]) -> Any:
    """(buffer, offsets) of packed groups of documents, end to end."""
    np = _core._np()
    if not parts:
        return np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.uintp)
    if len(parts) == 1:
        return parts[0]
    bufs = [buf for buf, _ in parts]
    offsets = [parts[0][1]]
    base = parts[0][1][-1]
    for _, more in parts[1:]:
        offsets.append(more[1:] + base)
        base = base + more[-1]
    return np.concatenate(bufs), np.concatenate(offsets)
