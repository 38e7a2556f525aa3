#!/usr/bin/env python3
"""Time scalelint beside parse-only baselines on a pinned real corpus.

The corpus is the `django/` package of Django's sdist (Django==5.2.8 unless told otherwise),
fetched with `pip download --no-deps --no-binary :all:` into a temporary directory, or read
from / downloaded once into `--corpus DIR`. Four steps are timed, each as the median wall
time of `--runs` runs, every run in a fresh subprocess of this interpreter:

  ast            `ast.parse` of every .py file, one process
  libcst         `libcst.parse_module` of every .py file, multiprocessing.Pool(2)
  scalelint cold `python -m scalelint --exit-zero -q --cache-dir <new empty dir> CORPUS`
  scalelint warm the same with a cache dir that one untimed run has filled

and the ratios cold/libcst (target: about 2x or less) and warm/cold (target: under 10%) are
printed. Timings never fail the run: the exit status is non-zero only when something breaks
(the download, a parse subprocess, or scalelint exiting with anything but 0).

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


def timed(command: list[str], *, env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    try:
        result = subprocess.run(
            command, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=STEP_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"timed out after {STEP_TIMEOUT} s: {shlex.join(command)}") from None
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise BenchError(
            f"exit {result.returncode} from {shlex.join(command)}\n--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
        )
    return elapsed, result


def scalelint_command(override: str | None) -> list[str]:
    return shlex.split(override) if override else [sys.executable, "-m", "scalelint"]


def run_benchmark(args: argparse.Namespace) -> dict:
    results: dict = {"runs": args.runs, "steps": {}}
    with tempfile.TemporaryDirectory(prefix="scalelint-bench-") as scratch_name:
        scratch = Path(scratch_name)
        scalelint = scalelint_command(args.scalelint)
        version = subprocess.run(scalelint + ["--version"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if version.returncode != 0:
            raise BenchError(f"cannot run scalelint ({shlex.join(scalelint)}): exit {version.returncode} {version.stderr.strip()}")
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

        def repeat(name: str, make_command) -> None:
            times = []
            for index in range(args.runs):
                elapsed, result = timed(make_command(index), env=env)
                times.append(elapsed)
                if name in ("ast", "libcst") and index == 0:
                    info = json.loads(result.stdout.strip().splitlines()[-1])
                    results["steps"].setdefault(name, {})["failures"] = info["failures"]
                if name.startswith("scalelint") and index == 0 and result.stderr.strip():
                    results["steps"].setdefault(name, {})["stderr"] = result.stderr.strip()[-2000:]
                print(f"  {name} run {index + 1}/{args.runs}: {elapsed:.2f} s", file=sys.stderr)
            results["steps"].setdefault(name, {}).update(times=times, median=statistics.median(times))

        repeat("ast", lambda _: me + ["ast", str(corpus)])
        repeat("libcst", lambda _: me + ["libcst", str(corpus)])

        base = scalelint + ["--exit-zero", "-q", "--no-color"]

        def cold(index: int) -> list[str]:
            fresh = scratch / f"cache-cold-{index}"
            fresh.mkdir()
            return base + ["--cache-dir", str(fresh), str(corpus)]

        repeat("scalelint cold", cold)

        warm_dir = scratch / "cache-warm"
        _, primed = timed(scalelint + ["--exit-zero", "--format", "json", "--cache-dir", str(warm_dir), str(corpus)], env=env)
        try:
            payload = json.loads(primed.stdout)
            results["scalelint_files"] = payload.get("files")
            results["scalelint_findings"] = len(payload.get("diagnostics", []))
        except json.JSONDecodeError:
            pass
        repeat("scalelint warm", lambda _: base + ["--cache-dir", str(warm_dir), str(corpus)])
        if args.keep_corpus and args.corpus is None:
            kept = Path(tempfile.mkdtemp(prefix="scalelint-bench-corpus-"))
            shutil.copytree(corpus, kept, dirs_exist_ok=True)
            print(f"corpus kept in {kept} (reuse it with --corpus {kept})", file=sys.stderr)
    steps = results["steps"]
    results["cold_over_libcst"] = steps["scalelint cold"]["median"] / steps["libcst"]["median"]
    results["warm_over_cold"] = steps["scalelint warm"]["median"] / steps["scalelint cold"]["median"]
    return results


def print_table(results: dict) -> None:
    labels = {
        "ast": "ast.parse, 1 process",
        "libcst": "libcst.parse_module, Pool(2)",
        "scalelint cold": "scalelint cold (empty cache)",
        "scalelint warm": "scalelint warm (primed cache)",
    }
    print(f"corpus:    {results['corpus']}")
    print(f"files:     {results['python_files']} .py files, {results['python_lines']} lines"
          + (f"; scalelint analysed {results['scalelint_files']} files, {results['scalelint_findings']} findings"
             if results.get("scalelint_files") is not None else ""))  # fmt: skip
    print(f"versions:  {results['scalelint']}, Python {results['python']}, {results['cpus']} CPUs")
    print()
    print(f"| {'step':<32} | {'median':>8} | runs (s)")
    print(f"|{'-' * 34}|{'-' * 10}|{'-' * 24}")
    for key, label in labels.items():
        step = results["steps"][key]
        runs = " ".join(f"{t:.2f}" for t in step["times"])
        print(f"| {label:<32} | {step['median']:>6.2f} s | {runs}")
    print()
    cold = results["cold_over_libcst"]
    warm = results["warm_over_cold"]
    print(f"cold / libcst parse = {cold:.2f}x  (target <= ~2x: {'met' if cold <= 2.0 else 'NOT met'})")
    print(f"warm / cold         = {warm * 100:.1f}%  (target < 10%: {'met' if warm < 0.10 else 'NOT met'})")
    for key in ("ast", "libcst"):
        failures = results["steps"][key].get("failures")
        if failures:
            print(f"note: {key} could not parse {failures} file(s)")
    for key in ("scalelint cold", "scalelint warm"):
        stderr = results["steps"][key].get("stderr")
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
