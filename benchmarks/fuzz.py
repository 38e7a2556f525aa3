#!/usr/bin/env python3
"""The long fuzz run: tens of thousands of generated inputs through scalelint's command line,
each judged by the robustness harness (tests/robustness/fuzzing.py): no exception escapes, exit
0/1/2, a JSON report on stdout, no internal error, and an answer within `--timeout` seconds
(the hang guard: the worker is killed and the case recorded).

Inputs come round-robin from the generators of tests/robustness/generators.py (Python the
frameworks' way, YAML, TOML, SQL, Procfiles, Dockerfiles, shell entrypoints, file-system
oddities), seeded by their number, and from hypothesmith (Python from the grammar) in batches.
One worker process runs them in turn (recycled every 500 cases); nothing runs in parallel.

    python benchmarks/fuzz.py --count 50000                 # the full run (hours on 2 cores)
    python benchmarks/fuzz.py --only sql --seed 7 --count 1 --keep cases/   # replay one case

Needs scalelint installed with the `test` extra (hypothesis, hypothesmith). Prints progress
and a summary; exits 1 when any case failed, after writing each failing case to `--keep`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "robustness"))

from fuzzing import Case, Outcome, Runner, materialize  # noqa: E402
from generators import GENERATORS, JSON_ARGS, generate  # noqa: E402

HYPOTHESMITH = "hypothesmith"


def python_case(source: str, number: int) -> Case:
    data = source.encode("utf-8", "surrogatepass")
    files = {"app.py": data, "settings.py": data, "gunicorn.conf.py": data, "Procfile": "web: gunicorn -c gunicorn.conf.py app:app\n"}
    return Case(f"{HYPOTHESMITH}#{number}", files, JSON_ARGS)


def hypothesmith_batch(runner: Runner, count: int, first: int, record) -> None:
    """`count` examples of Python from the grammar (and from libcst nodes, one in five)."""
    import hypothesmith
    from hypothesis import HealthCheck, given, settings

    number = [first]

    def one(source: str) -> None:
        record(runner.run(python_case(source, number[0])))
        number[0] += 1

    for strategy, share in ((hypothesmith.from_grammar(), count - count // 5), (hypothesmith.from_node(), count // 5)):
        if share <= 0:
            continue
        run = settings(max_examples=share, deadline=None, database=None, suppress_health_check=list(HealthCheck))(given(strategy)(one))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50_000, help="inputs to run (default 50,000)")
    parser.add_argument("--seed", type=int, default=1_000_000, help="seed of the first generated case (CI uses 0-11)")
    parser.add_argument("--only", choices=[*sorted(GENERATORS), HYPOTHESMITH], help="one generator only")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a case may take before it counts as a hang")
    parser.add_argument("--keep", type=Path, help="write every failing case (and its outcome) under this folder")
    parser.add_argument("--batch", type=int, default=1000, help="cases between progress lines")
    args = parser.parse_args()

    kinds = [args.only] if args.only else [*sorted(GENERATORS), HYPOTHESMITH]
    counts: Counter[str] = Counter()
    exits: Counter[str] = Counter()
    failures: list[Outcome] = []
    slowest: list[tuple[float, str]] = []
    started = time.monotonic()
    done = [0]

    def record(outcome: Outcome) -> None:
        kind = outcome.case.name.split("#")[0]
        counts[kind] += 1
        exits[str(outcome.rc)] += 1
        done[0] += 1
        slowest.append((outcome.seconds, outcome.case.name))
        slowest.sort(reverse=True)
        del slowest[5:]
        if outcome.problems:
            failures.append(outcome)
            print(f"FAIL {outcome.describe()[:2000]}", flush=True)
            if args.keep:
                keep(outcome, args.keep)
        if done[0] % args.batch == 0:
            rate = done[0] / (time.monotonic() - started)
            print(f"{done[0]:>7} cases  {rate:5.1f}/s  failures {len(failures)}  exits {dict(exits)}", flush=True)

    with tempfile.TemporaryDirectory(prefix="scalelint-fuzz-") as work:
        runner = Runner(Path(work), timeout=args.timeout)
        per_kind = {kind: args.count // len(kinds) + (1 if i < args.count % len(kinds) else 0) for i, kind in enumerate(kinds)}
        generated = [kind for kind in kinds if kind != HYPOTHESMITH]
        seed = args.seed
        remaining = dict(per_kind)
        while any(remaining.values()):
            # one round: a slice of every generator, then a batch of hypothesmith
            for kind in generated:
                for _ in range(min(remaining[kind], max(1, args.batch // len(kinds)))):
                    record(runner.run(generate(kind, seed)))
                    seed += 1
                    remaining[kind] -= 1
            if remaining.get(HYPOTHESMITH):
                share = min(remaining[HYPOTHESMITH], max(1, args.batch // len(kinds)))
                hypothesmith_batch(runner, share, per_kind[HYPOTHESMITH] - remaining[HYPOTHESMITH], record)
                remaining[HYPOTHESMITH] -= share
        runner.close()
        peak = runner.peak_rss_kb

    elapsed = time.monotonic() - started
    summary = {
        "cases": done[0],
        "seconds": round(elapsed, 1),
        "per_generator": dict(counts),
        "exit_codes": dict(exits),
        "failures": len(failures),
        "slowest": [{"case": name, "seconds": seconds} for seconds, name in slowest],
        "worker_peak_rss_mb": round(peak / 1024, 1) if peak else None,
    }
    print(json.dumps(summary, indent=2))
    return 1 if failures else 0


def keep(outcome: Outcome, folder: Path) -> None:
    target = folder / outcome.case.name.replace("#", "-")
    materialize(outcome.case, target / "case")
    (target / "outcome.json").write_text(
        json.dumps({"problems": outcome.problems, "rc": outcome.rc, "stderr": outcome.stderr, "stdout": outcome.stdout[:20000], "args": list(outcome.case.args)}, indent=2)
    )


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    sys.exit(main())
