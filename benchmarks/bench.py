#!/usr/bin/env python3
"""Time scalelint beside parse-only baselines on a pinned real corpus.

The corpus is the `django/` package of Django's sdist (Django==5.2.8 unless told otherwise),
fetched with `pip download --no-deps --no-binary :all:` into a temporary directory, or read
from / downloaded once into `--corpus DIR` (a directory of Python files it did not make is used
as it is). Each step (STEPS below: `ast.parse` and libcst beside scalelint cold, warm and as
pre-commit runs it) is timed as the median of `--runs` runs, every run in a fresh subprocess of
this interpreter, with wall time, CPU time and peak memory, and issue 18's targets are printed
as met or not. Timings never fail the run: the exit status is non-zero only when something
breaks (the download, a parse subprocess, or scalelint exiting with anything but 0).

    python benchmarks/bench.py                    # download to a temp dir, 3 runs each
    python benchmarks/bench.py --runs 5 --corpus ~/.cache/scalelint-bench
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

DJANGO_VERSION = "5.2.8"
MARKER = ".scalelint-bench-corpus"  # written into a corpus this script prepared
SKIP_DIRS = {"__pycache__", ".git", ".hg", ".venv", "venv", ".tox", "node_modules"}
STEP_TIMEOUT = 1800  # seconds; a step that takes longer is an error, not a timing


class BenchError(Exception):
    pass


# --- the corpus ----------------------------------------------------------------------------


def python_files(corpus: Path) -> list[str]:
    found = []
    for directory, dirnames, filenames in os.walk(corpus):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        found.extend(os.path.join(directory, name) for name in sorted(filenames) if name.endswith(".py"))
    return found


def _extract(archive: Path, into: Path) -> None:
    with tarfile.open(archive) as tar:
        try:
            tar.extractall(into, filter="data")
        except TypeError:  # Python without extraction filters (< 3.11.4)
            tar.extractall(into)


def download_corpus(target: Path, version: str) -> Path:
    """Django's sdist, unpacked; its `django/` package becomes `target/django`."""
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scalelint-bench-dl-") as scratch:
        scratch_path = Path(scratch)
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
            f"Django=={version}", "-d", str(scratch_path / "dist"), "--disable-pip-version-check",
        ]  # fmt: skip
        print(f"downloading Django=={version}: {shlex.join(command)}", file=sys.stderr)
        result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if result.returncode != 0:
            raise BenchError(f"pip download failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")
        archives = sorted((scratch_path / "dist").glob("*.tar.gz")) + sorted((scratch_path / "dist").glob("*.zip"))
        if not archives:
            raise BenchError(f"pip download left no sdist in {scratch_path / 'dist'}")
        unpacked = scratch_path / "unpacked"
        if archives[0].suffix == ".zip":
            shutil.unpack_archive(str(archives[0]), str(unpacked))
        else:
            _extract(archives[0], unpacked)
        packages = sorted(unpacked.glob("*/django"))
        if not packages:
            raise BenchError(f"no django/ package inside {archives[0].name}")
        if (target / "django").exists():
            shutil.rmtree(target / "django")
        shutil.move(str(packages[0]), str(target / "django"))
    # Make the corpus its own scalelint project wherever it lives (no config search upward).
    (target / "pyproject.toml").write_text("[tool.scalelint]\n", encoding="utf-8")
    (target / MARKER).write_text(f"Django=={version}\n", encoding="utf-8")
    return target


def prepare_corpus(requested: str | None, version: str, scratch: Path) -> tuple[Path, str]:
    if requested is None:
        return download_corpus(scratch / "corpus", version), f"Django=={version} django/ (temporary download)"
    corpus = Path(requested).expanduser().resolve()
    marker = corpus / MARKER
    if marker.is_file():
        pinned = marker.read_text(encoding="utf-8").strip()
        if pinned != f"Django=={version}":
            print(f"{corpus} holds {pinned}, not Django=={version}: downloading again", file=sys.stderr)
            return download_corpus(corpus, version), f"Django=={version} django/ ({corpus})"
        return corpus, f"{pinned} django/ ({corpus}, reused)"
    if corpus.is_dir() and python_files(corpus):
        return corpus, f"{corpus} (as given)"
    return download_corpus(corpus, version), f"Django=={version} django/ ({corpus})"


# --- the measured steps (each runs in its own subprocess) ------------------------------------


def _parse_ast(paths: list[str]) -> int:
    import ast
    import warnings

    failures = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            with open(path, "rb") as handle:
                data = handle.read()
            try:
                ast.parse(data, filename=path)
            except (SyntaxError, ValueError):
                failures += 1
    return failures


def _libcst_one(path: str) -> bool:
    import libcst

    with open(path, "rb") as handle:
        data = handle.read()
    try:
        libcst.parse_module(data)
        return True
    except Exception:  # noqa: BLE001 - a file libcst rejects is counted, not fatal
        return False


def _parse_libcst(paths: list[str], processes: int) -> int:
    import multiprocessing

    with multiprocessing.Pool(processes) as pool:
        results = pool.map(_libcst_one, paths, chunksize=8)
    return sum(1 for ok in results if not ok)


def measure_main(argv: list[str]) -> int:
    """`bench.py _measure {ast|libcst} CORPUS`: parse every file, print failures as JSON."""
    which, corpus = argv[0], Path(argv[1])
    paths = python_files(corpus)
    if which == "ast":
        failures = _parse_ast(paths)
    elif which == "libcst":
        failures = _parse_libcst(paths, int(os.environ.get("BENCH_PROCESSES", "2")))
    else:
        print(f"unknown step {which!r}", file=sys.stderr)
        return 2
    print(json.dumps({"files": len(paths), "failures": failures}))
    return 0


# --- timing ----------------------------------------------------------------------------------


class Timing(NamedTuple):
    wall: float  # seconds
    cpu: float  # user + system seconds of the child and everything it waited for (its workers)
    rss_mb: float  # peak resident set of the child or of its largest waited-for descendant
    stdout: str
    stderr: str


# Runs the step as its child and reports that child's own rusage: the peak RSS of a process
# started straight from this one would count this process's memory too (Linux keeps the
# high-water mark across fork and exec), so a small launcher sits between.
_LAUNCHER = """
import json, os, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "maxrss": usage.ru_maxrss}, out)
"""


def timed(command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> Timing:
    """Run `command` to completion; wall time, CPU time and peak memory of it and its workers."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "usage.json"
        launcher = [sys.executable, "-c", _LAUNCHER, str(report), *command]
        try:
            subprocess.run(launcher, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=cwd, timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise BenchError(f"timed out after {STEP_TIMEOUT} s: {shlex.join(command)}") from None
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        try:
            usage = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise BenchError(f"no timing from {shlex.join(command)}\n--- stderr\n{stderr[-4000:]}") from None
    if usage["code"] != 0:
        raise BenchError(
            f"exit {usage['code']} from {shlex.join(command)}\n--- stdout\n{stdout[-4000:]}\n--- stderr\n{stderr[-4000:]}"
        )
    # ru_maxrss is in KiB on Linux, bytes on macOS
    rss = usage["maxrss"] / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Timing(usage["wall"], usage["cpu"], rss, stdout, stderr)


def scalelint_command(override: str | None) -> list[str]:
    return shlex.split(override) if override else [sys.executable, "-m", "scalelint"]


def ruff_command() -> list[str] | None:
    """ruff next to this interpreter, else on PATH; None when it is not installed."""
    beside = Path(sys.executable).with_name("ruff")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("ruff")
    return [found] if found else None


# the file pre-commit passes in the one-file steps (the largest file when the corpus has no such path)
PRECOMMIT_FILE = "django/db/models/query.py"

STEPS = {  # key: (label, target or None)
    "ast": ("ast.parse, 1 process", None),
    "libcst": ("libcst.parse_module, Pool(2)", None),
    "ruff": ("ruff check --select ALL", None),
    "version": ("scalelint --version", None),
    "one-file project": ("scalelint on a 1-file project", None),
    "cold --no-cache": ("scalelint cold, --no-cache", "<= 4x ast.parse"),
    "cold cache write": ("scalelint cold, writing the cache", None),
    "warm": ("scalelint warm, unchanged tree", "<= min(0.5 s, 10% of cold)"),
    "pre-commit unchanged": ("warm, 1 unchanged file passed", None),
    "pre-commit changed": ("warm, 1 changed file passed", "< 1 s"),
}


def run_benchmark(args: argparse.Namespace) -> dict:
    results: dict = {"runs": args.runs, "steps": {}}
    with tempfile.TemporaryDirectory(prefix="scalelint-bench-") as scratch_name:
        scratch = Path(scratch_name)
        scalelint = scalelint_command(args.scalelint)
        try:
            version = timed(scalelint + ["--version"])
        except BenchError as error:
            raise BenchError(f"cannot run scalelint ({shlex.join(scalelint)}): {error}") from None
        corpus, description = prepare_corpus(args.corpus, args.django_version, scratch)
        files = python_files(corpus)
        lines = 0
        for path in files:
            with open(path, "rb") as handle:
                lines += handle.read().count(b"\n")
        results.update(
            corpus=description,
            python_files=len(files),
            python_lines=lines,
            scalelint=version.stdout.strip(),
            python=platform.python_version(),
            cpus=os.cpu_count(),
        )
        print(f"corpus: {description}: {len(files)} .py files, {lines} lines", file=sys.stderr)

        env = dict(os.environ)
        env.pop("SCALELINT_CACHE_DIR", None)
        env["NO_COLOR"] = "1"
        me = [sys.executable, str(Path(__file__).resolve()), "_measure"]
        wanted = set(args.step or STEPS)

        def repeat(name: str, make_command, cwd: Path | None = None) -> None:
            if name not in wanted:
                return
            runs = []
            for index in range(args.runs):
                timing = timed(make_command(index), env=env, cwd=cwd)
                runs.append(timing)
                step = results["steps"].setdefault(name, {})
                if name in ("ast", "libcst") and index == 0:
                    step["failures"] = json.loads(timing.stdout.strip().splitlines()[-1])["failures"]
                if name not in ("ast", "libcst", "ruff") and index == 0 and timing.stderr.strip():
                    step["stderr"] = timing.stderr.strip()[-2000:]
                print(f"  {name} run {index + 1}/{args.runs}: {timing.wall:.2f} s wall, {timing.cpu:.2f} s CPU, {timing.rss_mb:.0f} MB", file=sys.stderr)
            results["steps"][name].update(
                wall=[t.wall for t in runs], cpu=[t.cpu for t in runs], rss_mb=[t.rss_mb for t in runs],
                median=statistics.median(t.wall for t in runs), cpu_median=statistics.median(t.cpu for t in runs),
                rss_median=statistics.median(t.rss_mb for t in runs),
            )  # fmt: skip

        repeat("ast", lambda _: me + ["ast", str(corpus)])
        repeat("libcst", lambda _: me + ["libcst", str(corpus)])
        ruff = ruff_command()
        if ruff is None:
            results["notes"] = ["ruff is not installed (pip install ruff): its step is skipped"]
        else:
            repeat("ruff", lambda _: ruff + ["check", "--select", "ALL", "--no-cache", "--exit-zero", "-q", "--no-fix", str(corpus)])

        base = scalelint + ["--exit-zero", "-q", "--no-color"]
        repeat("version", lambda _: scalelint + ["--version"])
        tiny = scratch / "one-file"
        tiny.mkdir()
        (tiny / "pyproject.toml").write_text("[tool.scalelint]\n", encoding="utf-8")
        (tiny / "app.py").write_text("import os\n\n\ndef handler(request):\n    return os.environ.get('X')\n", encoding="utf-8")
        repeat("one-file project", lambda _: base + ["--no-cache", str(tiny)])
        repeat("cold --no-cache", lambda _: base + ["--no-cache", str(corpus)])

        def cold(index: int) -> list[str]:
            fresh = scratch / f"cache-cold-{index}"
            fresh.mkdir()
            return base + ["--cache-dir", str(fresh), str(corpus)]

        repeat("cold cache write", cold)

        warm_dir = scratch / "cache-warm"
        primed = timed(scalelint + ["--exit-zero", "--format", "json", "--cache-dir", str(warm_dir), str(corpus)], env=env)
        try:
            payload = json.loads(primed.stdout)
            results["scalelint_files"] = payload.get("files")
            results["scalelint_findings"] = len(payload.get("diagnostics", []))
        except json.JSONDecodeError:
            pass
        repeat("warm", lambda _: base + ["--cache-dir", str(warm_dir), str(corpus)])

        # pre-commit: run from the project root with one path, as the hook does
        one = corpus / PRECOMMIT_FILE
        if not one.is_file():
            one = Path(max(files, key=os.path.getsize))
        relative = one.relative_to(corpus).as_posix()
        results["precommit_file"] = relative
        repeat("pre-commit unchanged", lambda _: base + ["--cache-dir", str(warm_dir), relative], cwd=corpus)
        if "pre-commit changed" in wanted:
            # edit a copy, never the corpus: each run adds one more function to the same file
            copy = scratch / "edited"
            shutil.copytree(corpus, copy)
            edited_dir = scratch / "cache-edited"
            timed(base + ["--cache-dir", str(edited_dir), str(copy)], env=env)
            target = copy / relative

            def changed(index: int) -> list[str]:
                with open(target, "a", encoding="utf-8") as handle:
                    handle.write(f"\n\ndef _bench_edit_{index}(items):\n    return [item.pk for item in items]\n")
                return base + ["--cache-dir", str(edited_dir), relative]

            repeat("pre-commit changed", changed, cwd=copy)
        if args.keep_corpus and args.corpus is None:
            kept = Path(tempfile.mkdtemp(prefix="scalelint-bench-corpus-"))
            shutil.copytree(corpus, kept, dirs_exist_ok=True)
            print(f"corpus kept in {kept} (reuse it with --corpus {kept})", file=sys.stderr)
    return results


def print_table(results: dict) -> None:
    steps = results["steps"]
    print(f"corpus:    {results['corpus']}")
    print(f"files:     {results['python_files']} .py files, {results['python_lines']} lines"
          + (f"; scalelint analysed {results['scalelint_files']} files, {results['scalelint_findings']} findings"
             if results.get("scalelint_files") is not None else ""))  # fmt: skip
    print(f"versions:  {results['scalelint']}, Python {results['python']}, {results['cpus']} CPUs; medians of {results['runs']} runs")
    if results.get("precommit_file"):
        print(f"pre-commit file: {results['precommit_file']}")
    print()
    print(f"| {'step':<36} | {'wall':>8} | {'CPU':>8} | {'peak RSS':>8} | {'x ast':>6} | target")
    print(f"|{'-' * 38}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 8}|{'-' * 30}")
    ast_wall = steps.get("ast", {}).get("median")
    for key, (label, target) in STEPS.items():
        step = steps.get(key)
        if not step or "median" not in step:
            continue
        ratio = f"{step['median'] / ast_wall:5.2f}x" if ast_wall else "  -   "
        print(f"| {label:<36} | {step['median']:>6.2f} s | {step['cpu_median']:>6.2f} s | {step['rss_median']:>5.0f} MB | {ratio:>6} | {target or ''}")
    print()
    cold, warm = steps.get("cold --no-cache"), steps.get("warm")
    if cold and ast_wall:
        ratio = cold["median"] / ast_wall
        print(f"cold --no-cache / ast.parse = {ratio:.2f}x (target <= 4x: {'met' if ratio <= 4 else 'NOT met'})")
    if cold and warm:
        limit = min(0.5, 0.1 * cold["median"])
        print(f"warm = {warm['median']:.2f} s = {100 * warm['median'] / cold['median']:.1f}% of cold (target <= {limit:.2f} s: {'met' if warm['median'] <= limit else 'NOT met'})")
    changed = steps.get("pre-commit changed")
    if changed:
        print(f"pre-commit, 1 changed file = {changed['median']:.2f} s (target < 1 s: {'met' if changed['median'] < 1 else 'NOT met'})")
    peak = max((s["rss_median"] for k, s in steps.items() if k.startswith(("cold", "warm", "pre-commit")) and "rss_median" in s), default=None)
    if peak is not None:
        print(f"peak memory = {peak:.0f} MB (target < 500 MB: {'met' if peak < 500 else 'NOT met'})")
    for key in ("ast", "libcst"):
        failures = steps.get(key, {}).get("failures")
        if failures:
            print(f"note: {key} could not parse {failures} file(s)")
    for note in results.get("notes", ()):
        print(f"note: {note}")
    for key in STEPS:
        stderr = steps.get(key, {}).get("stderr")
        if stderr:
            print(f"note: {key} wrote to stderr:\n{stderr}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_measure"]:
        return measure_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per step; the median is reported (default: 3)")
    parser.add_argument("--corpus", metavar="DIR", help="reuse this corpus directory (downloaded into it the first time)")
    parser.add_argument("--django-version", default=DJANGO_VERSION, help=f"the pinned corpus (default: {DJANGO_VERSION})")
    parser.add_argument("--scalelint", metavar="CMD", help="how to run scalelint (default: this Python's `-m scalelint`)")
    parser.add_argument("--keep-corpus", action="store_true", help="keep a temporary download and print where it is")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--step", action="append", choices=list(STEPS), help="only this step (repeatable; default: all)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        results = run_benchmark(args)
    except BenchError as error:
        print(f"bench.py: error: {error}", file=sys.stderr)
        return 1
    print_table(results)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
