"""Recall of scalelint on real fix commits: is the parent flagged at the labelled spot, and the fix not?

Each entry of commits.toml names a public repository, a commit in which its team fixed one of the
problems scalelint targets, that commit's parent, the rule codes that should report it, and the
line ranges of the problem in the parent and of the same spot in the fix. For every entry this
script materialises both trees (`git archive` of a local mirror, or of a clone with `--clone`),
lints each whole tree with every rule selected, and decides:

- parent flagged: a finding of an expected code on a labelled file, within `--tolerance` lines of a
  labelled parent range;
- fix flagged at the spot: the same test against the fix ranges (the fix should be clean there).

It prints a table per entry and totals per family and overall, and with `--json` writes them.
Only the standard library and scalelint are needed. Entries run one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: scalelint depends on tomli there
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
FAMILIES = {  # family -> the rule codes an entry of it may expect
    "n-plus-one": ("SCL101", "SCL102"),
    "workers": ("SCL201", "SCL202", "SCL203", "SCL204", "SCL205"),
    "pool": ("SCL301", "SCL302", "SCL303", "SCL304"),
    "caching": ("SCL401", "SCL402"),
    "request-work": ("SCL501", "SCL502", "SCL503", "SCL504"),
    "index": ("SCL601", "SCL602", "SCL603", "SCL604", "SCL605", "SCL606"),
}
SHA = re.compile(r"^[0-9a-f]{40}$")
EXTRACT = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}


@dataclass
class Spot:
    file: str
    parent: list[tuple[int, int]]
    fix: list[tuple[int, int]]
    tolerance: int | None = None  # overrides --tolerance where a neighbouring line holds another problem


@dataclass
class Entry:
    id: str
    repo: str
    fix: str
    parent: str
    family: str
    rules: list[str]
    description: str
    set: str
    spots: list[Spot]
    subdir: str = ""


@dataclass
class Side:
    """What scalelint said about one tree (the parent or the fix) of an entry."""

    hits: list[str] = field(default_factory=list)  # expected-code findings inside a labelled range
    near: list[str] = field(default_factory=list)  # expected-code findings elsewhere in a labelled file
    findings: int = 0
    files: int = 0
    seconds: float = 0.0
    error: str | None = None  # a crash of scalelint or a tree that could not be materialised

    @property
    def flagged(self) -> bool:
        return bool(self.hits)


def load_entries(path: Path) -> tuple[dict, list[Entry]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = []
    for raw in data.get("commit", []):
        spots = [
            Spot(s["file"], [tuple(r) for r in s["parent"]], [tuple(r) for r in s["fix"]], s.get("tolerance"))
            for s in raw["spots"]
        ]
        entries.append(
            Entry(
                id=raw["id"], repo=raw["repo"], fix=raw["fix"], parent=raw["parent"],
                family=raw["family"], rules=list(raw["rules"]), description=raw["description"],
                set=raw["set"], spots=spots, subdir=raw.get("subdir", ""),
            )
        )
    return data.get("meta", {}), entries


def problems(entries: list[Entry]) -> list[str]:
    """What is wrong with the file itself: every entry must be complete and consistent."""
    found, seen = [], set()
    for e in entries:
        where = f"{e.id}:"
        if e.id in seen:
            found.append(f"{where} duplicate id")
        seen.add(e.id)
        if e.family not in FAMILIES:
            found.append(f"{where} unknown family {e.family!r}")
        elif not e.rules or any(code not in FAMILIES[e.family] for code in e.rules):
            found.append(f"{where} rules {e.rules} do not belong to family {e.family}")
        if not (SHA.match(e.fix) and SHA.match(e.parent)):
            found.append(f"{where} fix and parent must be 40-digit commit hashes")
        if e.set not in ("dev", "holdout"):
            found.append(f"{where} set must be dev or holdout")
        if not e.spots:
            found.append(f"{where} no spots")
        for s in e.spots:
            for side in (s.parent, s.fix):
                if any(len(r) != 2 or r[0] > r[1] or r[0] < 1 for r in side):
                    found.append(f"{where} bad line ranges for {s.file}")
        if e.spots and not (any(s.parent for s in e.spots) and any(s.fix for s in e.spots)):
            found.append(f"{where} needs at least one parent range and one fix range")
        if len(e.description) < 30:
            found.append(f"{where} description too short")
    return found


def coordinates(entry: Entry, mirror_root: Path, clone_root: Path | None) -> tuple[list[str], list[str]]:
    """Do the recorded commits, files and line ranges exist? (Needs the repository.)

    Returns (problems, notes). Notes are what a reader should look at without it being wrong:
    a labelled file the fix did not change (the read in a template whose view the fix changed),
    or a fix range that is not where the fix's diff moves the parent range.
    """
    try:
        repo = mirror_of(entry, mirror_root, clone_root)
    except RuntimeError as error:
        return [f"{entry.id}: skipped: {error}"], []
    found, notes = [], []
    if git(repo, "rev-parse", f"{entry.fix}^").stdout.decode().strip() != entry.parent:
        found.append(f"{entry.id}: parent is not the fix's first parent")
    for spot in entry.spots:
        for commit, ranges in ((entry.parent, spot.parent), (entry.fix, spot.fix)):
            if not ranges:
                continue
            shown = git(repo, "show", f"{commit}:{spot.file}")
            if shown.returncode:
                found.append(f"{entry.id}: {spot.file} is not in {commit[:10]}")
            elif max(hi for _, hi in ranges) > shown.stdout.count(b"\n") + 1:
                found.append(f"{entry.id}: {spot.file} in {commit[:10]} is shorter than its ranges")
        if not (spot.parent and spot.fix):
            continue
        diff = git(repo, "diff", "-U0", "--no-color", entry.parent, entry.fix, "--", spot.file)
        hunks = parse_hunks(diff.stdout.decode(errors="replace"))
        if not hunks:
            notes.append(f"{entry.id}: {spot.file} is not changed by the fix")
        for lo, hi in spot.parent:
            if any(_touches(lo, hi, h) for h in hunks):
                continue
            moved = (shift(lo, hunks), shift(hi, hunks))
            if moved not in [tuple(r) for r in spot.fix]:
                notes.append(f"{entry.id}: {spot.file} parent [{lo}, {hi}] is outside the fix's diff and moves to "
                             f"[{moved[0]}, {moved[1]}], which is not a fix range ({spot.fix})")
    return found, notes


HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", re.M)


def parse_hunks(diff: str) -> list[tuple[int, int, int, int]]:
    """(old start, old count, new start, new count) of each hunk of a `git diff -U0`."""
    return [(int(a), int(b) if b else 1, int(c), int(d) if d else 1)
            for a, b, c, d in HUNK.findall(diff)]


def _touches(lo: int, hi: int, hunk: tuple[int, int, int, int]) -> bool:
    start, count = hunk[0], hunk[1]
    if count == 0:  # a pure insertion after line `start`
        return lo <= start + 1 and start <= hi
    return lo <= start + count - 1 and start <= hi


def shift(line: int, hunks: list[tuple[int, int, int, int]]) -> int:
    """Where an unchanged parent line sits in the fix."""
    offset = 0
    for old_start, old_count, _new_start, new_count in hunks:
        last_old = old_start + old_count - 1 if old_count else old_start
        if last_old < line:
            offset += new_count - old_count
    return line + offset


def holdout_split(entries: list[Entry], seed: int, fraction: float) -> set[str]:
    """The ids a seeded shuffle holds out: round(fraction * n) of each family, at least one."""
    rng = random.Random(seed)
    held = set()
    for family in sorted(FAMILIES):
        ids = sorted(e.id for e in entries if e.family == family)
        rng.shuffle(ids)
        if ids:
            held.update(ids[: max(1, round(fraction * len(ids)))])
    return held


# ---------------------------------------------------------------- trees

def git(repo: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True)


def mirror_of(entry: Entry, mirror_root: Path, clone_root: Path | None) -> Path:
    """The git directory that holds the entry's commits: a fetched mirror, or a clone of GitHub."""
    owner, name = entry.repo.split("/", 1)
    mirror = mirror_root / f"{owner}+{name}" / "repo"
    if clone_root is None:
        if not mirror.exists():
            raise RuntimeError(f"no mirror at {mirror} (pass --mirror DIR or --clone)")
        return mirror
    clone = clone_root / f"{owner}+{name}.git"
    if not clone.exists():
        clone.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["git", "clone", "--bare", "--filter=blob:limit=4m", f"https://github.com/{entry.repo}.git", str(clone)],
            capture_output=True,
        )
        if done.returncode:
            raise RuntimeError(f"git clone {entry.repo} failed: {done.stderr.decode(errors='replace').strip()}")
    for commit in (entry.parent, entry.fix):
        if git(clone, "cat-file", "-e", f"{commit}^{{commit}}").returncode:
            git(clone, "fetch", "--filter=blob:limit=4m", "origin", commit)
    return clone


def _safe(member: tarfile.TarInfo) -> bool:
    # Regular files and directories only, inside the tree: the code we lint is someone else's.
    name = member.name
    return (member.isfile() or member.isdir()) and not name.startswith("/") and ".." not in Path(name).parts


def materialise(repo: Path, commit: str, dest: Path) -> str | None:
    """Write the tree of `commit` into `dest`. Returns a note when some files had to be left out."""
    archive = subprocess.Popen(["git", "-C", str(repo), "archive", "--format=tar", commit],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
            for member in tar:
                if _safe(member):
                    tar.extract(member, dest, set_attrs=False, **EXTRACT)
    except tarfile.TarError:
        pass  # an archive cut short: git names the reason below
    if archive.wait() == 0:
        return None
    # A snapshot may lack its largest blobs (git archive then fails): take every blob that is there.
    listing = git(repo, "ls-tree", "-r", "-z", commit)
    if listing.returncode:
        raise RuntimeError(f"{commit} is not in {repo}: {listing.stderr.decode(errors='replace').strip()}")
    missing = 0
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        mode, kind, sha = meta.split()
        target = dest / os.fsdecode(path)
        if kind != b"blob" or mode == b"120000" or ".." in target.relative_to(dest).parts:
            continue
        blob = git(repo, "cat-file", "blob", sha.decode())
        if blob.returncode:
            missing += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob.stdout)
    return f"{missing} blob(s) absent from the mirror were left out" if missing else None


# ---------------------------------------------------------------- linting

def lint_tree(root: Path, use_cli: bool, scope: str | None) -> tuple[list[dict], int, list[str]]:
    """Every finding of every rule on the tree at `root`: (findings, files, internal errors)."""
    if not ((root / ".git").exists() or (root / "pyproject.toml").is_file()):
        (root / ".git").mkdir()  # marks the project root, so scalelint never looks above the tree
    if use_cli:
        done = subprocess.run(
            [sys.executable, "-m", "scalelint", "--format", "json", "--no-cache", "--exit-zero",
             "--select", "ALL", *(["--scope", scope] if scope else []), "."],
            cwd=root, capture_output=True, text=True,
        )
        if done.returncode:
            raise RuntimeError(f"scalelint exited {done.returncode}: {done.stderr.strip()[-2000:]}")
        report = json.loads(done.stdout)
        found = [{"code": d["code"], "path": d["path"], "line": d["line"]} for d in report["diagnostics"]]
        return found, report.get("files", 0), []
    from scalelint.api import lint, load_settings

    settings = replace(load_settings([root]), select=("ALL",), extend_select=(), ignore=())
    if scope:
        settings = replace(settings, scope=scope)
    report = lint([root], settings, cache=False, jobs=1)
    here = Path.cwd()
    found = [
        {"code": d.code, "path": os.path.relpath(here / d.path, root).replace(os.sep, "/"), "line": d.span.line}
        for d in report.diagnostics
    ]
    return found, report.files, list(report.internal_errors)


def judge(entry: Entry, findings: list[dict], side: str, tolerance: int, prefix: str) -> tuple[list[str], list[str]]:
    hits, near = [], []
    for spot in entry.spots:
        ranges = spot.parent if side == "parent" else spot.fix
        for f in findings:
            path = f"{prefix}{f['path']}" if prefix else f["path"]
            if f["code"] not in entry.rules or path != spot.file:
                continue
            label = f"{f['code']}:{spot.file}:{f['line']}"
            slack = tolerance if spot.tolerance is None else spot.tolerance
            inside = any(lo - slack <= f["line"] <= hi + slack for lo, hi in ranges)
            (hits if inside else near).append(label)
    return sorted(set(hits)), sorted(set(near))


def run_entry(entry: Entry, mirror_root: Path, clone_root: Path | None, tolerance: int,
              use_cli: bool, scope: str | None, keep: Path | None) -> dict:
    result: dict = {"id": entry.id, "repo": entry.repo, "family": entry.family, "set": entry.set,
                    "rules": entry.rules}
    try:
        repo = mirror_of(entry, mirror_root, clone_root)
    except RuntimeError as error:
        for side in ("parent", "fix"):
            result[side] = Side(error=str(error)).__dict__ | {"flagged": False}
        return result
    real_parent = git(repo, "rev-parse", f"{entry.fix}^").stdout.decode().strip()
    if real_parent and real_parent != entry.parent:
        result["warning"] = f"the fix's first parent is {real_parent}, not the recorded parent"
    for side in ("parent", "fix"):
        commit = entry.parent if side == "parent" else entry.fix
        outcome = Side()
        with tempfile.TemporaryDirectory(prefix=f"realworld-{entry.id}-{side}-") as tmp:
            tree = Path(keep) / entry.id / side if keep else Path(tmp)
            tree.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            try:
                note = materialise(repo, commit, tree)
                if note:
                    result.setdefault("notes", []).append(f"{side}: {note}")
                root = tree / entry.subdir if entry.subdir else tree
                findings, outcome.files, internal = lint_tree(root, use_cli, scope)
                if internal:
                    outcome.error = "internal errors: " + " | ".join(internal)[:2000]
                prefix = f"{entry.subdir.strip('/')}/" if entry.subdir else ""
                outcome.findings = len(findings)
                outcome.hits, outcome.near = judge(entry, findings, side, tolerance, prefix)
            except Exception as error:  # a crash is a result to report, not a reason to stop
                outcome.error = f"{type(error).__name__}: {error}"[:2000]
            outcome.seconds = round(time.perf_counter() - started, 2)
        result[side] = outcome.__dict__ | {"flagged": outcome.flagged}
    return result


# ---------------------------------------------------------------- report

def totals(results: list[dict]) -> dict:
    """{set: {family: counts}} with an "all" family per set, and an "all" set when both ran."""
    groups: dict[str, dict[str, list[dict]]] = {}
    sets = sorted({r["set"] for r in results})
    for r in results:
        for set_name in {r["set"], "all"} if len(sets) > 1 else {r["set"]}:
            by_family = groups.setdefault(set_name, {})
            by_family.setdefault(r["family"], []).append(r)
            by_family.setdefault("all", []).append(r)
    table: dict[str, dict[str, dict]] = {}
    for set_name, by_family in groups.items():
        for name, rows in by_family.items():
            counts = {
                "entries": len(rows),
                "parents_flagged": sum(r["parent"]["flagged"] for r in rows),
                "fixes_flagged_at_spot": sum(r["fix"]["flagged"] for r in rows),
                "crashes": sum(bool(r["parent"]["error"] or r["fix"]["error"]) for r in rows),
            }
            counts["recall"] = round(counts["parents_flagged"] / len(rows), 3)
            table.setdefault(set_name, {})[name] = counts
    return table


def _cell(side: dict) -> str:
    if side["error"] and not side["hits"]:
        return "ERROR"
    return "flagged" if side["flagged"] else "-"


def print_report(results: list[dict], summary: dict) -> None:
    print(f"{'id':40} {'family':13} {'set':7} {'parent':7} {'fix':7} codes at the spot / note")
    for r in results:
        parent, fix = r["parent"], r["fix"]
        note = ", ".join(parent["hits"]) or (f"elsewhere in file: {', '.join(parent['near'][:3])}" if parent["near"] else "")
        if fix["hits"]:
            note += f"; fix still: {', '.join(fix['hits'])}"
        for side in ("parent", "fix"):
            if r[side]["error"]:
                note += f"; {side} error: {r[side]['error'][:160]}"
        if r.get("warning"):
            note += f"; {r['warning']}"
        print(f"{r['id']:40} {r['family']:13} {r['set']:7} {_cell(parent):7} {_cell(fix):7} {note}")
    for set_name in [*sorted(k for k in summary if k != "all"), *(["all"] if "all" in summary else [])]:
        families = summary[set_name]
        print()
        print(f"set: {set_name}")
        print(f"{'family':13} {'entries':>7} {'parents flagged':>16} {'recall':>7} {'fixes flagged':>14} {'crashes':>8}")
        for name in [*sorted(k for k in families if k != "all"), "all"]:
            t = families[name]
            print(f"{name:13} {t['entries']:7} {t['parents_flagged']:16} {t['recall']:7.0%} "
                  f"{t['fixes_flagged_at_spot']:14} {t['crashes']:8}")


def scalelint_identity() -> dict:
    import scalelint

    package = Path(scalelint.__file__).resolve().parent
    head = subprocess.run(["git", "-C", str(package), "rev-parse", "HEAD"], capture_output=True, text=True)
    return {"version": getattr(scalelint, "__version__", "?"),
            "commit": head.stdout.strip() if head.returncode == 0 else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=Path, default=HERE / "commits.toml")
    parser.add_argument("--set", choices=("dev", "holdout", "all"), default="dev")
    parser.add_argument("--id", action="append", default=[], help="only this entry (repeatable)")
    parser.add_argument("--family", choices=sorted(FAMILIES), action="append", default=[])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"),
                        help="folder holding <owner>+<name>/repo git directories (default /work/.mirror)")
    parser.add_argument("--clone", nargs="?", const=Path.home() / ".cache" / "scalelint-realworld", type=Path,
                        help="clone the repositories from GitHub into this folder instead of using mirrors")
    parser.add_argument("--tolerance", type=int, default=2, help="lines a finding may sit outside a range")
    parser.add_argument("--cli", action="store_true", help="run `python -m scalelint` instead of scalelint.api")
    parser.add_argument("--scope", choices=("request", "all"), help="scalelint's --scope (default: its own default)")
    parser.add_argument("--keep", type=Path, help="keep the materialised trees under this folder")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--validate", action="store_true", help="check commits.toml and exit")
    parser.add_argument("--split", type=int, metavar="SEED", help="print the seeded holdout split and exit")
    args = parser.parse_args(argv)

    meta, entries = load_entries(args.commits)
    found = problems(entries)
    if found:
        print("\n".join(found), file=sys.stderr)
        return 2
    if args.validate:
        found, notes = [], []
        for e in entries:
            problems_here, notes_here = coordinates(e, args.mirror, args.clone)
            found += problems_here
            notes += notes_here
        for line in notes:
            print(f"note: {line}")
        print("\n".join(found) or f"{len(entries)} entries, no problems")
        return 1 if found else 0
    if args.split is not None:
        held = holdout_split(entries, args.split, float(meta.get("holdout_fraction", 0.2)))
        for e in sorted(entries, key=lambda e: (e.family, e.id)):
            mark = "holdout" if e.id in held else "dev"
            print(f"{e.family:13} {e.id:40} {mark}{'' if mark == e.set else '   (commits.toml says ' + e.set + ')'}")
        return 0

    chosen = [
        e for e in entries
        if (args.set == "all" or e.set == args.set)
        and (not args.id or e.id in args.id)
        and (not args.family or e.family in args.family)
    ]
    if not chosen:
        print("no entry matches", file=sys.stderr)
        return 2
    results = []
    for number, entry in enumerate(chosen, 1):
        print(f"[{number}/{len(chosen)}] {entry.id}", file=sys.stderr, flush=True)
        results.append(run_entry(entry, args.mirror, args.clone, args.tolerance, args.cli, args.scope, args.keep))
    summary = totals(results)
    print_report(results, summary)
    if args.json:
        payload = {"scalelint": scalelint_identity(), "set": args.set, "scope": args.scope or "default",
                   "tolerance": args.tolerance,
                   "totals": summary, "entries": results}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
