"""Shared pytest configuration: hypothesis profiles, the min_chunk hook,
the GIL fixture and the ``huge`` marker."""

import os
import sys

import pytest
from hypothesis import HealthCheck, settings

# The function-scoped fixtures used together with @given are
# ``set_min_chunk`` and ``search_backend`` below; every example sets the
# value it needs or runs on the one backend of the test, so sharing the
# fixture between examples is intended.
_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

settings.register_profile("ci", max_examples=200, **_COMMON)
settings.register_profile("dev", max_examples=25, **_COMMON)
settings.register_profile("thorough", max_examples=3000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def set_min_chunk():
    """``textops._core.set_min_chunk``; the original value is restored afterwards.

    A tiny minimum chunk size (1, 2, 3, 7 bytes...) splits even a 20-byte
    text into one chunk per thread, so small generated inputs reach every
    chunk boundary.
    """
    from textops import _core

    original = _core.set_min_chunk(1)
    _core.set_min_chunk(original)
    try:
        yield _core.set_min_chunk
    finally:
        _core.set_min_chunk(original)


def _search_backends():
    from textops import _core

    return _core.search_backends()


@pytest.fixture(params=_search_backends())
def search_backend(request):
    """Force one backend (portable, SSE2, AVX2, AVX-512 as the CPU allows) for
    the test: the substring scan, the whitespace search and the tokenizer;
    the previous one is restored afterwards."""
    from textops import _core

    previous = _core.set_search_backend(request.param)
    try:
        yield request.param
    finally:
        _core.set_search_backend(previous)


@pytest.fixture
def gil_never_forced():
    """Make the interpreter never *force* a thread to hand over the GIL.

    With a huge switch interval, a thread holding the GIL keeps it until it
    releases it voluntarily (blocking call, C code with the GIL released).
    """
    old = sys.getswitchinterval()
    sys.setswitchinterval(1000.0)
    yield
    sys.setswitchinterval(old)


def pytest_addoption(parser):
    """``--run-huge``: also run the tests marked ``huge`` (inputs > 4 GiB)."""
    parser.addoption(
        "--run-huge",
        action="store_true",
        default=False,
        help="run the tests marked huge (inputs over 4 GiB, about a minute)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "huge: inputs over 4 GiB; skipped unless --run-huge")


def pytest_collection_modifyitems(config, items):
    """Skip the ``huge`` tests unless ``--run-huge`` was given."""
    if config.getoption("--run-huge"):
        return
    skip = pytest.mark.skip(reason="inputs over 4 GiB: run with --run-huge (.ci/run does)")
    for item in items:
        if "huge" in item.keywords:
            item.add_marker(skip)
