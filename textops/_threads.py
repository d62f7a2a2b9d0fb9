"""How many threads a call uses when it does not say.

The default is, first match wins: the value given to ``set_num_threads``;
the environment variable ``TEXTOPS_NUM_THREADS`` (read when textops is
imported); OpenMP's own default for
the calling thread (``OMP_NUM_THREADS``, or what
``threadpoolctl.threadpool_limits`` set), which is read in C at each call.
In a process made by ``fork`` every call runs on one thread (see README).

>>> import textops
>>> textops.set_num_threads(1)
>>> textops.get_num_threads()
1
>>> textops.set_num_threads(None)
"""

from __future__ import annotations

import operator
import os
import warnings

from . import _core
from ._errors import TextopsTypeError, TextopsValueError

ENV_VAR = "TEXTOPS_NUM_THREADS"

_default: int | None = None


def check_threads(threads: object, name: str = "threads") -> int:
    """Return threads as an int >= 1, or raise naming the argument."""
    if isinstance(threads, bool):
        raise TextopsTypeError(f"{name} must be an int or None, not bool")
    try:
        value = operator.index(threads)  # type: ignore[arg-type]
    except TypeError:
        raise TextopsTypeError(
            f"{name} must be an int or None, not {type(threads).__name__}"
        ) from None
    if value < 1:
        raise TextopsValueError(f"{name} must be >= 1, got {value}")
    return value


def _from_env() -> int | None:
    """TEXTOPS_NUM_THREADS as an int >= 1, or None when it is unset, empty
    or bad (a bad value warns: it must not break every import)."""
    raw = os.environ.get(ENV_VAR)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        warnings.warn(
            f"environment variable {ENV_VAR} must be an integer >= 1, got {raw!r}; "
            "using the default thread count",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    return value


# Read once, at import, as OpenMP reads OMP_NUM_THREADS at start-up.
_ENV_DEFAULT = _from_env()

# In a process made by fork every call runs on one thread (the core's
# rule: GNU libgomp's pool does not survive fork), whatever was asked.
_forked = False


def _after_fork_in_child() -> None:
    global _forked
    _forked = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def resolve(threads: object) -> int:
    """The thread count to pass to C: >= 1, or 0 for OpenMP's default."""
    if threads is None:
        chosen = _default if _default is not None else _ENV_DEFAULT
        if chosen is None:
            return 0
        return min(chosen, _core.MAX_THREADS)
    return min(check_threads(threads), _core.MAX_THREADS)


def set_num_threads(threads: int | None) -> None:
    """Set the thread count of calls that pass ``threads=None``.

    ``None`` restores the default (``TEXTOPS_NUM_THREADS``, else OpenMP's).

    >>> import textops
    >>> textops.set_num_threads(2); textops.get_num_threads()
    2
    >>> textops.set_num_threads(None)
    """
    global _default
    _default = None if threads is None else check_threads(threads)


def get_num_threads() -> int:
    """Return the thread count a call with ``threads=None`` runs on: 1 in a
    process made by fork, where every call runs on the calling thread.

    >>> import textops
    >>> textops.get_num_threads() >= 1
    True
    """
    if _forked:
        return 1
    chosen = resolve(None)
    return chosen if chosen else _core.default_threads()


def openmp_enabled() -> bool:
    """Return True if textops was built with OpenMP (else it uses 1 thread).

    >>> import textops
    >>> isinstance(textops.openmp_enabled(), bool)
    True
    """
    return _core.openmp_enabled()
