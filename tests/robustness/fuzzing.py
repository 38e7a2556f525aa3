"""The robustness harness: write a case (a small repository, odd files included) to disk, run
scalelint on it in a worker process, and judge the outcome.

Every case must hold: no exception escapes, the exit code is 0, 1 or 2, stdout is valid JSON
with `--format json` (exit 0 or 1), exit 2 says why on stderr, no rule or file ends in an
internal error, and the run answers within the harness's timeout. The timeout is a hang guard
enforced from outside (the worker is killed), not a timing assertion: a case that hangs or
crashes the worker is reported with the case that did it and the worker is started again.

Used by tests/robustness/ (small, in CI) and by benchmarks/fuzz.py (the long mode).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

WORKER = Path(__file__).with_name("fuzz_worker.py")
PREFIX = "@@result "


@dataclass(frozen=True)
class Fifo:
    """A named pipe where a file is expected."""


@dataclass(frozen=True)
class Link:
    target: str  # as written in the link (relative to the link's directory, or absolute)


@dataclass(frozen=True)
class Unreadable:
    content: bytes = b"x = 1\n"


@dataclass
class Case:
    name: str
    files: dict[str, object]  # relative path (str or bytes) -> bytes | str | Fifo | Link | Unreadable
    args: tuple[str, ...] = ()
    timeout: float | None = None  # a tighter hang guard than the runner's, for one case


@dataclass
class Outcome:
    case: Case
    rc: object = None
    stdout: str = ""
    stderr: str = ""
    escaped: str | None = None
    seconds: float = 0.0
    hung: bool = False
    died: int | None = None  # the worker's exit status when the case killed it
    problems: list[str] = field(default_factory=list)

    @property
    def report(self):
        return json.loads(self.stdout) if self.stdout else None

    def messages(self, code: str | None = None) -> list[str]:
        report = self.report or {"diagnostics": []}
        return [d["message"] for d in report["diagnostics"] if code is None or d["code"] == code]

    def describe(self) -> str:
        return f"{self.case.name}: " + "; ".join(self.problems)


def materialize(case: Case, directory: Path) -> Path:
    """Write the case under `directory` (a fresh, empty folder) and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    if "pyproject.toml" not in case.files:
        (directory / "pyproject.toml").write_bytes(b"")  # the project root: nothing above it is read
    for rel, content in case.files.items():
        raw = os.fsencode(rel) if isinstance(rel, str) else rel
        try:
            _create(os.path.join(os.fsencode(directory), raw), content)
        except OSError:
            pass  # two entries of a generated case that cannot both exist: keep the first
    return directory


def _create(path: bytes, content: object) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(content, Fifo):
        os.mkfifo(path)
    elif isinstance(content, Link):
        os.symlink(os.fsencode(content.target), path)
    else:
        data = content.content if isinstance(content, Unreadable) else content
        with open(path, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        if isinstance(content, Unreadable):
            os.chmod(path, 0)


def judge(outcome: Outcome) -> list[str]:
    """What is wrong with an outcome; [] when the run behaved."""
    if outcome.hung:
        return ["no answer within the timeout (hang)"]
    if outcome.died is not None:
        return [f"the process died (status {outcome.died}: a native crash?)"]
    problems = []
    if outcome.escaped:
        problems.append("an exception escaped:\n" + outcome.escaped)
    if outcome.rc not in (0, 1, 2):
        problems.append(f"exit code {outcome.rc!r}")
    output_format = _format(outcome.case.args)
    if outcome.rc in (0, 1) and output_format in ("json", "sarif", "gitlab"):
        try:
            report = json.loads(outcome.stdout)
            if output_format == "json":
                assert isinstance(report["diagnostics"], list)
        except Exception as error:  # noqa: BLE001 - anything but a JSON report is the failure
            problems.append(f"stdout is not a {output_format} report ({error!r}): {outcome.stdout[:300]!r}")
        else:
            for d in report["diagnostics"] if output_format == "json" else ():
                if "internal error" in d["message"]:
                    problems.append(f"internal error: {d['path']}: {d['message']}")
    if outcome.rc == 2 and "scalelint: error:" not in outcome.stderr:
        problems.append(f"exit 2 without saying why: {outcome.stderr[:300]!r}")
    if "please report this bug" in outcome.stderr or "Traceback" in outcome.stderr:
        problems.append(f"stderr: {outcome.stderr[:600]}")
    return problems


def _format(args: tuple[str, ...]) -> str:
    for i, arg in enumerate(args[:-1]):
        if arg == "--format":
            return args[i + 1]
    return "text"


class Runner:
    """One worker process running cases in turn; restarted after a hang or a crash, and every
    `recycle` cases so that no state builds up across a long campaign."""

    def __init__(self, workdir: Path, timeout: float = 60.0, recycle: int = 500, python: str = sys.executable):
        self.workdir = Path(workdir)
        self.timeout = timeout
        self.recycle = recycle
        self.python = python
        self.process: subprocess.Popen | None = None
        self.served = 0
        self.counter = 0
        self.peak_rss_kb = 0  # the largest any worker grew to (Linux), for the long run's report
        self._buffer = b""

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _note_peak(self) -> None:
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        self.peak_rss_kb = max(self.peak_rss_kb, int(line.split()[1]))
        except (OSError, ValueError, AttributeError):
            pass

    def close(self) -> None:
        if self.process is not None:
            self._note_peak()
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except Exception:  # noqa: BLE001 - it is going away either way
                self.process.kill()
                self.process.wait()
            self.process = None

    def _start(self) -> None:
        env = {**os.environ, "SCALELINT_CACHE_DIR": str(self.workdir / "cache"), "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [self.python, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=str(self.workdir),
        )
        self._buffer = b""
        self.served = 0
        ready = self._answer(120.0)
        if ready is None or not ready.get("ready"):
            raise RuntimeError("the fuzz worker did not start")

    def _answer(self, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while True:
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                text = line.decode("utf-8", "replace")
                if text.startswith(PREFIX):
                    return json.loads(text[len(PREFIX):])
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return {"died": self.process.wait()}
            self._buffer += chunk

    def run(self, case: Case, keep: bool = False) -> Outcome:
        if self.process is None or self.served >= self.recycle:
            self.close()
            self._start()
        self.counter += 1
        directory = materialize(case, self.workdir / f"case-{self.counter}")
        args = list(case.args)
        request = json.dumps({"dir": str(directory), "args": args}) + "\n"
        outcome = Outcome(case)
        try:
            self.process.stdin.write(request.encode())
            self.process.stdin.flush()
            answer = self._answer(min(self.timeout, case.timeout or self.timeout))
        except BrokenPipeError:
            answer = {"died": self.process.wait()}
        self.served += 1
        if answer is None:
            outcome.hung = True
            self._note_peak()
            self.process.kill()
            self.process.wait()
            self.process = None
        elif "died" in answer:
            outcome.died = answer["died"]
            self.process = None
        else:
            outcome.rc = answer["rc"]
            outcome.stdout = answer["stdout"]
            outcome.stderr = answer["stderr"]
            outcome.escaped = answer["escaped"]
            outcome.seconds = answer["seconds"]
        outcome.problems = judge(outcome)
        if not keep:
            remove(directory)
        return outcome


def remove(directory: Path) -> None:
    """Delete a case folder, unreadable entries included."""
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            try:
                os.chmod(os.path.join(root, name), 0o700, follow_symlinks=False)
            except (OSError, NotImplementedError):
                pass
    shutil.rmtree(directory, ignore_errors=True)
