"""Time limits for work on one file: a budget for Python-level work, and a child process for
native parsers that no signal can interrupt.

`time_budget(seconds)` arms a wall-clock alarm (SIGALRM) in the calling thread and raises
`TookTooLong` where the alarm lands. Python runs signal handlers between bytecodes, so this
stops any Python-level loop (sqlglot, the YAML and TOML readers, our own extractors) and
regular expressions, which check for signals, but not a long call into native code: those get
size and shape caps before they are called (scalelint.limits), and libcst also `isolated()`.
Where SIGALRM is missing (Windows) or we are not on the main thread (an editor calling the API
from a worker thread), or the host program has its own alarm armed, the budget is not enforced
and the caps alone bound the work. Pool workers run on their process's main thread, so the
budget holds there as in a serial run.
"""

from __future__ import annotations

import faulthandler
import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator


class TookTooLong(BaseException):
    """The work on one file ran past its time budget. A BaseException, like KeyboardInterrupt,
    so the `except Exception` around one statement or one dialect does not swallow it."""


_armed = False


def _can_alarm() -> bool:
    return (
        hasattr(signal, "setitimer")
        and hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # the host's own alarm comes first
    )


def _on_alarm(signum, frame):  # noqa: ARG001 - the signal handler's signature
    if _armed:
        raise TookTooLong()


@contextmanager
def time_budget(seconds: float) -> Iterator[bool]:
    """Raise TookTooLong inside the block after `seconds`; yields whether it is enforced."""
    global _armed
    if _armed or seconds <= 0 or not _can_alarm():
        yield False
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _armed = True
    try:
        # then again every half second, in case some library's bare `except:` ate the first one
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _armed = False
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


def can_isolate() -> bool:
    """Whether `isolated` runs its work in a child process here. Not in a process with other
    threads: a child forked there may inherit a lock some thread held."""
    return hasattr(os, "fork") and threading.active_count() == 1


def isolated(work: Callable[[], bool], seconds: float) -> bool | None:
    """`work()` in a forked child: its answer, or None when it crashed (a native stack overflow
    kills only the child) or ran past `seconds`. In-process where `can_isolate()` is false."""
    if not can_isolate():
        return work()
    pid = os.fork()
    if pid == 0:  # the child: answer through the exit status, run no cleanup of the parent's
        code = 2
        try:
            # a crash here is expected and answered by the exit status: no fatal-error
            # traceback on the user's stderr (faulthandler is on under pytest, -X faulthandler)
            faulthandler.disable()
            code = 0 if work() else 1
        finally:
            os._exit(code)
    reaped = False
    try:
        deadline = time.monotonic() + seconds
        pause = 0.0005
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                reaped = True
                if os.WIFEXITED(status) and os.WEXITSTATUS(status) in (0, 1):
                    return os.WEXITSTATUS(status) == 0
                return None
            if time.monotonic() >= deadline:
                return None
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
    finally:
        if not reaped:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
