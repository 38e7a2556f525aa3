"""The robustness suite's shared worker: one process runs every case of a test module."""

from __future__ import annotations

import os
import sys

import pytest

if sys.platform == "win32":  # pragma: no cover - the harness waits on pipes with select()
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    from fuzzing import Runner

    timeout = float(os.environ.get("SCALELINT_ROBUSTNESS_TIMEOUT", "60"))  # the hang guard, per case
    with Runner(tmp_path_factory.mktemp("robustness"), timeout=timeout) as instance:
        yield instance


@pytest.fixture
def hang_guard():
    """For the cases run in-process: fail after 30 s instead of hanging the suite (a blocking
    open of a FIFO is interrupted by the alarm)."""
    import signal

    def on_alarm(signum, frame):
        raise TimeoutError("hang guard: no answer within 30 s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
