#!/usr/bin/env python3
"""Run scalelint on pinned real web applications and compare its findings with the snapshots.

What ruff's ecosystem check does, for scalelint: each app of apps.toml (repository and commit)
is written from its git directory into a folder outside this repository, scalelint runs there
(`--select ALL --format json --no-cache --exit-zero`, one app at a time), and its findings are
compared with, or written to, the app's snapshot (snapshots/<name>.json for the dev set,
holdout-snapshots/<name>.json, never committed, for the holdout set).

    python benchmarks/ecosystem/run.py                  # dev set: files, time, findings per rule
    python benchmarks/ecosystem/run.py --diff           # what changed against the snapshots
    python benchmarks/ecosystem/run.py --update         # rewrite the snapshots
    python benchmarks/ecosystem/run.py --app flaskbb --diff
    python benchmarks/ecosystem/run.py --set holdout --sample 30 --seed 1   # the judge's sheet

No app's code is ever written inside this repository. The exit status is 0 with --diff; else
1 when an app could not be read or scalelint crashed on it, 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import corpus
import findings as snapshots

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SNAPSHOT_DIRS = {"dev": HERE / "snapshots", "holdout": HERE / "holdout-snapshots"}
DEFAULT_CORPUS_PARENT = Path(tempfile.gettempdir()) / "scalelint-corpus"
TIMEOUT = 1800  # seconds for one app; longer is reported as a crash


@dataclass
class Result:
    app: corpus.App
    git_dir: str = ""
    problem: str = ""  # the app could not be read: no mirror, no commit
    crash: dict | None = None
    internal_errors: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    files: int = 0
    python_files: int = 0
    python_lines: int = 0
    seconds: float = 0.0
    version: str = ""

    @property
    def ran(self) -> bool:
        return not self.problem and self.crash is None


def scalelint_commit() -> dict:
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True)
    status = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"], capture_output=True, text=True)
    return {"commit": head.stdout.strip(), "src_modified": bool(status.stdout.strip())}


def count_python(app_dir: Path, target: str) -> tuple[int, int]:
    """Python files and lines under `target` that scalelint reads (its own walk and excludes)."""
    from scalelint.config import ConfigError, load_settings
    from scalelint.discovery import walk

    start = (app_dir / target).resolve()
    try:
        settings = load_settings([start])
    except ConfigError:
        return 0, 0  # scalelint itself will say what is wrong; its run records it
    files = walk(settings.root, settings.exclude + settings.extend_exclude, settings.respect_gitignore)
    prefix = os.path.relpath(start, settings.root).replace(os.sep, "/")
    python = [f for f in files if f.kind == "python" and (prefix == "." or f.rel.startswith(prefix + "/"))]
    lines = 0
    for file in python:
        try:
            lines += file.path.read_bytes().count(b"\n")
        except OSError:
            pass
    return len(python), lines


def run_scalelint(command: list[str], result: Result, app_dir: Path, timeout: int) -> None:
    argv = [*command, "--select", "ALL", "--format", "json", "--no-cache", "--exit-zero", result.app.target]
    env = {**os.environ, "NO_COLOR": "1"}
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, cwd=app_dir, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        result.seconds = time.perf_counter() - start
        result.crash = {"reason": f"timed out after {timeout} s"}
        return
    result.seconds = time.perf_counter() - start
    stderr = done.stderr.splitlines()
    result.internal_errors = [line for line in stderr if line.endswith("(please report this bug)")]
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = None
    if done.returncode != 0 or report is None:
        result.crash = {"reason": f"exit {done.returncode}", "stderr_tail": stderr[-15:]}
        return
    result.version = report.get("version", "")
    result.files = report.get("files", 0)
    result.findings = snapshots.normalise(report["diagnostics"], str(app_dir))
    result.internal_errors += [
        f"{f['path']}: {f['message']}" for f in result.findings if f["code"] == "SCL001" and f["message"].startswith("internal error")
    ]


def run_app(app: corpus.App, args: argparse.Namespace, corpus_root: Path, command: list[str]) -> Result:
    result = Result(app)
    try:
        source = corpus.git_dir(app, args.mirror, args.clone)
        result.git_dir = str(source)
        app_dir = corpus_root / app.name
        made = corpus.materialise(app, source, app_dir)
    except corpus.CorpusError as error:
        result.problem = str(error)
        return result
    if not (app_dir / app.target).is_dir():
        result.problem = f"{app.repo}@{app.commit[:12]} has no folder {app.target!r}"
        return result
    how = "reused" if made.reused else f"{made.written} files written, {made.skipped} skipped"
    print(f"{app.name}: {app.repo}@{app.commit[:12]} in {app_dir} ({how}); running scalelint", file=sys.stderr)
    result.python_files, result.python_lines = count_python(app_dir, app.target)
    run_scalelint(command, result, app_dir, args.timeout)
    return result


def snapshot_header(result: Result, scalelint: dict) -> dict:
    app = result.app
    return {
        "app": app.name,
        "repo": app.repo,
        "commit": app.commit,
        "subdir": app.subdir,
        "framework": app.framework,
        "set": app.set,
        "scalelint": {**scalelint, "version": result.version},
        "files": result.files,
        "python_files": result.python_files,
        "python_lines": result.python_lines,
        "seconds": round(result.seconds, 1),
        "crash": result.crash,
        "internal_errors": result.internal_errors,
        "counts": snapshots.counts(result.findings),
        "total": len(result.findings),
    }


def snapshot_path(app: corpus.App) -> Path:
    return SNAPSHOT_DIRS[app.set] / f"{app.name}.json"


# --- printing -------------------------------------------------------------------------------


def status(result: Result) -> str:
    if result.problem:
        return "not run: " + result.problem
    if result.crash:
        return "CRASH: " + result.crash["reason"]
    return f"{len(result.internal_errors)} internal errors" if result.internal_errors else "ok"


def print_summary(results: list[Result]) -> None:
    print("| app | set | framework | files | .py files | .py lines | seconds | findings | status |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        cells = [r.app.name, r.app.set, r.app.framework, r.files, r.python_files, r.python_lines, f"{r.seconds:.1f}", len(r.findings) if r.ran else "-", status(r)]
        print("| " + " | ".join(map(str, cells)) + " |")
    ran = [r for r in results if r.ran]
    print(f"\n{len(ran)} of {len(results)} apps ran; scalelint took {sum(r.seconds for r in results):.0f} s in all")
    # Findings per rule only for the dev set: the holdout set's findings are for the judge.
    dev = [r for r in ran if r.app.set == "dev"]
    codes = sorted({f["code"] for r in dev for f in r.findings})
    if dev and codes:
        print("\nFindings per rule (dev set):\n")
        print("| app | framework | .py files | .py lines | " + " | ".join(codes) + " | all |")
        print("|---|---|" + "---:|" * (len(codes) + 3))
        for r in dev:
            per = snapshots.counts(r.findings)
            cells = [r.app.name, r.app.framework, str(r.python_files), str(r.python_lines), *(str(per.get(c, 0)) for c in codes)]
            print("| " + " | ".join([*cells, str(len(r.findings))]) + " |")
        total = [sum(snapshots.counts(r.findings).get(c, 0) for r in dev) for c in codes]
        lines = sum(r.python_lines for r in dev)
        print(f"| **all** | | {sum(r.python_files for r in dev)} | {lines} | " + " | ".join(map(str, total)) + f" | {sum(total)} |")
    for r in results:
        for message in r.internal_errors + (r.crash or {}).get("stderr_tail", []):
            print(f"{r.app.name}: {message}", file=sys.stderr)


def print_diff(results: list[Result], limit: int, before: dict | None = None) -> None:
    """Each app's findings against its snapshot (`before`: the snapshots as they were before
    this run rewrote them)."""
    tables = []
    for r in results:
        if not r.ran:
            print(f"{r.app.name}: {status(r)}\n")
            continue
        stored = before[r.app.name] if before and r.app.name in before else snapshots.read(snapshot_path(r.app))
        if stored is None:
            print(f"{r.app.name}: no snapshot yet at {snapshot_path(r.app)}; all {len(r.findings)} findings are new (--update writes it)")
        old = stored["findings"] if stored else []
        if stored and stored.get("commit") != r.app.commit:
            print(f"{r.app.name}: the snapshot is of commit {stored.get('commit', '?')[:12]}, apps.toml pins {r.app.commit[:12]}")
        lines, table = snapshots.format_diff(r.app.name, old, r.findings, limit)
        tables.append(table)
        print("\n".join(lines) + "\n")
    if tables:
        print("Per rule, all apps above:\n")
        print("\n".join(snapshots.format_rule_table(tables)))


def print_sheet(results: list[Result], n: int, seed: int) -> None:
    print(f"# Judging sheet: {n} findings per app, seed {seed}\n")
    print("Judge each finding by reading the code: TRUE only if a senior engineer on that project would")
    print("change code or config because of it, or want to know; FALSE if wrong, or correct but harmless.\n")
    for r in results:
        if not r.ran:
            print(f"## {r.app.name}: {status(r)}\n")
            continue
        picked = snapshots.sample(r.findings, n, seed, r.app.name)
        print("\n".join(snapshots.format_sheet(r.app, r.git_dir, r.findings, picked, seed)))


# --- main -----------------------------------------------------------------------------------


def from_snapshot(app: corpus.App, args: argparse.Namespace) -> Result:
    result = Result(app)
    stored = snapshots.read(snapshot_path(app))
    if stored is None:
        result.problem = f"no snapshot at {snapshot_path(app)}"
        return result
    result.findings, result.files, result.seconds = stored["findings"], stored["files"], stored["seconds"]
    result.python_files, result.python_lines = stored["python_files"], stored["python_lines"]
    result.crash, result.internal_errors = stored["crash"], stored["internal_errors"]
    base = args.mirror / app.repo.replace("/", "+") / "repo"
    result.git_dir = str(base / ".git" if (base / ".git").is_dir() else base)
    return result


def select_apps(args: argparse.Namespace) -> list[corpus.App]:
    apps = corpus.load_apps()
    if args.app:
        known = {app.name: app for app in apps}
        unknown = [name for name in args.app if name not in known]
        if unknown:
            sys.exit(f"run.py: unknown app(s) {', '.join(unknown)}; apps.toml has {', '.join(known)}")
        return [known[name] for name in args.app]
    return [app for app in apps if args.set in ("all", app.set)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("dev", "holdout", "all"), default="dev", help="which apps (default dev)")
    parser.add_argument("--app", action="append", metavar="NAME", help="only this app (repeatable; any set)")
    parser.add_argument("--mirror", type=Path, default=corpus.DEFAULT_MIRROR, help="where <owner>+<name>/repo git directories are (default %(default)s)")
    parser.add_argument("--clone", action="store_true", help="git clone a missing app from GitHub into --mirror")
    parser.add_argument("--corpus", type=Path, help="keep each app's files in DIR/<name> and reuse them (default: a temporary folder, removed)")
    parser.add_argument("--diff", action="store_true", help="print the findings added and removed against the snapshots")
    parser.add_argument("--update", action="store_true", help="rewrite the snapshots with this run's findings")
    parser.add_argument("--limit", type=int, default=30, help="with --diff, lines shown per rule per app (0: all; default %(default)s)")
    parser.add_argument("--sample", type=int, metavar="N", help="print a judging sheet of N random findings per app")
    parser.add_argument("--seed", type=int, default=0, help="the seed of --sample (default %(default)s)")
    parser.add_argument("--from-snapshots", action="store_true", help="with --sample, draw from the stored snapshots instead of running")
    parser.add_argument("--scalelint", default=f"{shlex.quote(sys.executable)} -m scalelint", help="how to run scalelint (default: %(default)s)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds per app (default %(default)s)")
    args = parser.parse_args(argv)
    if args.from_snapshots and args.sample is None:
        parser.error("--from-snapshots goes with --sample")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    apps = select_apps(args)
    if args.from_snapshots:
        print_sheet([from_snapshot(app, args) for app in apps], args.sample, args.seed)
        return 0
    command = shlex.split(args.scalelint)
    scalelint = scalelint_commit()
    if args.corpus is not None:
        corpus_root, scratch = args.corpus.resolve(), None
        if corpus_root == REPO or REPO in corpus_root.parents:
            sys.exit(f"run.py: --corpus {corpus_root} is inside this repository; no app's code may be written there")
        corpus_root.mkdir(parents=True, exist_ok=True)
    else:
        DEFAULT_CORPUS_PARENT.mkdir(parents=True, exist_ok=True)
        scratch = tempfile.TemporaryDirectory(prefix="run-", dir=DEFAULT_CORPUS_PARENT)
        corpus_root = Path(scratch.name)
    results = []
    before: dict = {}
    try:
        for app in apps:
            try:
                result = run_app(app, args, corpus_root, command)
            except Exception as error:  # noqa: BLE001 - a bug here must not stop the other apps
                result = Result(app, problem=f"run.py failed: {type(error).__name__}: {error}")
            results.append(result)
            if result.problem:
                print(f"{app.name}: skipped: {result.problem}", file=sys.stderr)
                continue
            if scratch is not None:
                corpus.remove(corpus_root / app.name)  # one app on disk at a time
            if args.update:  # a crash is recorded too: its snapshot says so and has no findings
                if args.diff:
                    before[app.name] = snapshots.read(snapshot_path(app))  # `--diff --update`: against what was stored
                snapshots.write(snapshot_path(app), snapshot_header(result, scalelint), result.findings)
    finally:
        if scratch is not None:
            scratch.cleanup()
    if args.sample is not None:
        print_sheet(results, args.sample, args.seed)
    elif args.diff:
        print_diff(results, args.limit, before)
    else:
        print_summary(results)
    if args.diff:
        return 0
    return 1 if any(not r.ran for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
