"""--watch re-lints after an edit; the progress bar is drawn on a terminal's stderr once a run
takes longer than its delay, and never elsewhere; the engine reports its stages in order."""

from __future__ import annotations

import os
import pty
import queue
import select
import signal
import subprocess
import sys
import threading
import time

from clitools import run, write
from scalelint import engine, watch
from scalelint.config import load_settings

TINY_APP = {
    "pyproject.toml": "[project]\nname = 'tiny'\n",
    "Procfile": "web: gunicorn app:app --workers 2 --threads 8\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "db.py": "from sqlalchemy import create_engine\n\nengine = create_engine('postgresql://db/tiny', pool_size=2, max_overflow=0)\n",
}


def _lines(stream, into: "queue.Queue[tuple[str, str]]", name: str) -> None:
    for line in iter(stream.readline, ""):
        into.put((name, line))


def test_watch_lints_again_after_an_edit(tmp_path):
    write(tmp_path, TINY_APP)
    env = {**os.environ, "NO_COLOR": "1", "SCALELINT_WATCH_INTERVAL": "0.2", "SCALELINT_CACHE_DIR": str(tmp_path / ".cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scalelint", "--watch", "--output-format", "concise", "."],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: "queue.Queue[tuple[str, str]]" = queue.Queue()
    for stream, name in ((proc.stdout, "out"), (proc.stderr, "err")):
        threading.Thread(target=_lines, args=(stream, lines, name), daemon=True).start()

    def until(*wanted, timeout=180) -> list[tuple[str, str]]:  # generous: the machine may be loaded
        """Lines up to the moment every (stream, text) in `wanted` has been seen (the two pipes
        are read apart, so their lines arrive in either order)."""
        seen: list[tuple[str, str]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=0.5))
            except queue.Empty:
                continue
            if all(any(name == stream and text in line for name, line in seen) for stream, text in wanted):
                return seen
        raise AssertionError(f"timed out; saw {seen}")

    try:
        first = until(("err", "watching"), ("out", "Found 1 finding"))
        assert any(name == "out" and line.startswith("db.py:3:") and "SCL302" in line for name, line in first)
        # written aside and renamed: a poll between a truncation and the write would lint an empty db.py
        (tmp_path / "db.py.new").write_text(TINY_APP["db.py"].replace("pool_size=2, max_overflow=0", "pool_size=10, max_overflow=5"))
        os.replace(tmp_path / "db.py.new", tmp_path / "db.py")
        second = until(("err", "db.py changed: linting again"), ("err", "watching"), ("out", "All clear"))
        assert not any("SCL302" in line for name, line in second if name == "out")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0


def test_watch_lints_again_when_a_file_is_saved_during_a_run(tmp_path, monkeypatch):
    """A save that lands while a run reads the tree is a change the next poll sees, not one
    lost because the tree was measured after the run."""
    write(tmp_path, TINY_APP)
    settings = load_settings([tmp_path])
    runs: list[str] = []
    said: list[str] = []

    def lint_once():
        runs.append((tmp_path / "db.py").read_text())
        if len(runs) == 1:  # the user saves while the first run is under way
            (tmp_path / "db.py").write_text(TINY_APP["db.py"] + "# saved during the run\n")
        if len(runs) == 2:
            raise KeyboardInterrupt  # what Ctrl-C does: watch.run returns
        return settings

    real_sleep = time.sleep
    polls: list[float] = []

    def sleep(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) > 40:  # the save was never seen: stop, and let the assert say so
            raise KeyboardInterrupt
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    watch.run(lint_once, said.append, interval=0.01, settings=settings)
    assert len(runs) == 2 and runs[1].endswith("# saved during the run\n")
    assert any("db.py changed: linting again" in m for m in said)


def run_on_a_terminal(args, cwd, env) -> tuple[int, str, str]:
    """`scalelint ARGS` with stderr on a pseudo-terminal: (exit code, stdout, what the terminal got)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "scalelint", *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    screen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        elif proc.poll() is not None:
            break
    stdout = proc.stdout.read().decode()
    code = proc.wait(timeout=60)
    os.close(master)
    return code, stdout, screen.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_after_the_delay(tmp_path):
    files = {**TINY_APP, **{f"pkg/m{i}.py": f"def f{i}():\n    return {i}\n" for i in range(80)}}
    write(tmp_path, files)
    env = {**os.environ, "NO_COLOR": "1", "SCALELINT_PROGRESS_DELAY": "0", "COLUMNS": "100"}
    code, stdout, screen = run_on_a_terminal(["--no-cache", "--output-format", "concise", "."], tmp_path, env)
    assert code == 1 and "SCL302" in stdout
    for stage in ("files read", "project model", "rules"):
        assert stage in screen, screen
    assert "84/84" in screen  # every file counted
    assert "SCL302" not in screen  # the report goes to stdout, the bar to stderr

    # a run shorter than the delay draws nothing
    env["SCALELINT_PROGRESS_DELAY"] = "60"
    code, stdout, screen = run_on_a_terminal(["--no-cache", "."], tmp_path, env)
    assert code == 1 and "files read" not in screen


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    write(tmp_path, TINY_APP)
    env_delay = os.environ.get("SCALELINT_PROGRESS_DELAY")
    os.environ["SCALELINT_PROGRESS_DELAY"] = "0"
    try:
        result = run(["--no-cache", "."], tmp_path)
    finally:
        if env_delay is None:
            os.environ.pop("SCALELINT_PROGRESS_DELAY")
        else:
            os.environ["SCALELINT_PROGRESS_DELAY"] = env_delay
    assert result.returncode == 1 and result.stderr == ""


def test_the_engine_reports_its_stages_in_order(tmp_path):
    write(tmp_path, TINY_APP)
    calls: list[tuple[str, int, int]] = []
    engine.lint([tmp_path], load_settings([tmp_path]), jobs=1, progress=lambda *call: calls.append(call))
    stages = [stage for stage, _, _ in calls]
    assert stages == sorted(stages, key=["read", "model", "rules"].index)  # never back to an earlier stage
    finals = {stage: (done, total) for stage, done, total in calls}
    assert finals["read"] == (4, 4) and finals["model"] == (1, 1)
    assert finals["rules"][0] == finals["rules"][1] > 10
    for stage in ("read", "rules"):
        counts = [done for s, done, _ in calls if s == stage]
        assert counts == sorted(counts)
