"""Runs scalelint's command line in-process on one case after another, for tests/robustness.

The parent (fuzzing.Runner) sends one JSON line per case on stdin: {"dir": ..., "args": [...]}.
For each, this process runs `scalelint.cli.main(args + [dir])` with stdout and stderr captured
and answers with one line, `@@result {json}`: the exit code, both streams, and the traceback
of any exception that escaped. A case that hangs or kills this process (a native crash) is the
parent's to notice: it waits for the answer with a timeout and watches for this process dying.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
import traceback

PREFIX = "@@result "


def run_one(directory: str, args: list[str]) -> dict:
    from scalelint.cli import main

    out, err = io.StringIO(), io.StringIO()
    code: object = None
    escaped = None
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([*args, directory], standalone_mode=False)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if exit_.code is not None else 0
        except BaseException:  # noqa: BLE001 - exactly what the fuzz is looking for
            escaped = traceback.format_exc()
    return {
        "rc": code if isinstance(code, int) else repr(code),
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
        "escaped": escaped,
        "seconds": round(time.monotonic() - started, 3),
    }


def main() -> None:
    channel = sys.stdout  # answers go here; scalelint's own output is captured per case
    import scalelint.cli  # noqa: F401 - import once, before the first case is timed

    channel.write(PREFIX + json.dumps({"ready": True}) + "\n")
    channel.flush()
    for line in sys.stdin:
        request = json.loads(line)
        result = run_one(request["dir"], request["args"])
        channel.write(PREFIX + json.dumps(result) + "\n")
        channel.flush()


if __name__ == "__main__":
    main()
