#!/usr/bin/env python3
"""Time scalelint's facts cache on the pinned corpus: cold, warm, pre-commit, one file changed.

Compares one or more scalelint commands run by run (interleaved, so that other load on the
machine hits them alike), each in a fresh subprocess, and prints the median wall time and the
median CPU time (user + system of the process and its workers) of every step:

  cold, --no-cache                  no cache at all
  cold, writing the cache           an empty cache directory
  warm, unchanged                   the cache the first cold run left
  warm, one unchanged file passed   `scalelint FILE`, as pre-commit runs it
  warm, one file changed            a comment appended to django/db/models/query.py, whole tree
  warm, one file changed and passed the same, only that file passed

plus the cache's size on disk. The changed file is restored afterwards.

    python benchmarks/cache_bench.py --corpus /tmp/django-corpus \\
        --scalelint old=/tmp/venv-main/bin/scalelint --scalelint new=.venv/bin/scalelint
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import DJANGO_VERSION, BenchError, prepare_corpus  # noqa: E402

CHANGED = "django/db/models/query.py"


def run(command: list[str], corpus: Path, env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=corpus, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise BenchError(f"exit {result.returncode} from {shlex.join(command)}\n{result.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def size_of(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def measure(corpus: Path, tools: dict[str, list[str]], runs: int, scratch: Path) -> tuple[dict, dict]:
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SCALELINT_CACHE_DIR", None)
    changed = corpus / CHANGED
    original = changed.read_bytes()
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}

    def step(name, make) -> None:
        for index in range(runs):
            for label, command in tools.items():
                times.setdefault((name, label), []).append(run(command + ["--exit-zero", "-q", "--no-color"] + make(label, index), corpus, env))
        print(f"  {name}: done", file=sys.stderr, flush=True)

    def edited(label: str, index: int, passed: bool) -> list[str]:
        changed.write_bytes(original + f"\n# cache_bench {label} {index} {time.time()}\n".encode())
        return ["--cache-dir", str(scratch / label), CHANGED if passed else "."]

    step("cold, --no-cache", lambda label, index: ["--no-cache", "."])
    step("cold, writing the cache", lambda label, index: ["--cache-dir", str(scratch / f"{label}-cold-{index}"), "."])
    for label in tools:
        shutil.copytree(scratch / f"{label}-cold-0", scratch / label)
    sizes = {label: size_of(scratch / label) for label in tools}
    step("warm, unchanged", lambda label, index: ["--cache-dir", str(scratch / label), "."])
    step("warm, one unchanged file passed", lambda label, index: ["--cache-dir", str(scratch / label), CHANGED])
    try:
        step("warm, one file changed", lambda label, index: edited(label, index, False))
        step("warm, one file changed and passed", lambda label, index: edited(label, index, True))
    finally:
        changed.write_bytes(original)
    return times, sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scalelint", action="append", metavar="LABEL=CMD", help="a scalelint to time (repeatable); default: this Python's")
    parser.add_argument("--runs", type=int, default=5, help="runs per step and command (default: 5)")
    parser.add_argument("--corpus", metavar="DIR", help="reuse this corpus directory (downloaded into it the first time)")
    parser.add_argument("--django-version", default=DJANGO_VERSION)
    args = parser.parse_args(argv)
    tools = {"scalelint": [sys.executable, "-m", "scalelint"]}
    if args.scalelint:
        tools = {label: shlex.split(command) for label, _, command in (spec.partition("=") for spec in args.scalelint)}
    try:
        with tempfile.TemporaryDirectory(prefix="scalelint-cache-bench-") as scratch_name:
            scratch = Path(scratch_name)
            corpus, description = prepare_corpus(args.corpus, args.django_version, scratch)
            times, sizes = measure(corpus, tools, args.runs, scratch)
    except BenchError as error:
        print(f"cache_bench.py: error: {error}", file=sys.stderr)
        return 1
    print(f"corpus: {description}; medians of {args.runs} runs; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    print("| step | " + " | ".join(f"{label} wall | {label} CPU" for label in tools) + " |")
    print("|---|" + "---:|---:|" * len(tools))
    for name in dict.fromkeys(name for name, _ in times):
        cells = []
        for label in tools:
            got = times[(name, label)]
            cells += [f"{statistics.median(w for w, _ in got):.2f} s", f"{statistics.median(c for _, c in got):.2f} s"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| cache on disk | " + " | ".join(f"{sizes[label] / 1e6:.1f} MB | " for label in tools) + "|")
    return 0


if __name__ == "__main__":
    sys.exit(main())
