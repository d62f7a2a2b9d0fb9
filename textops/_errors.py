"""Exceptions: each is both a ``TextopsError`` and the builtin it refines.

>>> import textops
>>> try:
...     textops.word_count("a b", "a", sep="")
... except textops.TextopsError as exc:
...     print(type(exc).__name__, exc)
TextopsValueError empty separator
"""


class TextopsError(Exception):
    """Base class of every error textops raises about its arguments."""


class TextopsTypeError(TextopsError, TypeError):
    """An argument has the wrong type; also a builtin ``TypeError``."""


class TextopsValueError(TextopsError, ValueError):
    """An argument has a wrong value; also a builtin ``ValueError``."""
