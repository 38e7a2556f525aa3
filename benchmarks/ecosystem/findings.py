"""Snapshots of one app's findings, what changed between two of them, and the judging sheet.

A snapshot holds, per finding, only code, path, line, column, severity and message (no source
text), sorted, one finding per line, so that a change to scalelint shows in `git diff` too.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from pathlib import Path

FIELDS = ("code", "path", "line", "column", "severity", "message")


def normalise(diagnostics: list[dict], app_dir: str) -> list[dict]:
    """The stable part of scalelint's JSON diagnostics, sorted; the corpus folder, which
    changes from run to run, is cut out of any message that names it."""
    prefix = app_dir.rstrip("/") + "/"
    found = [
        {key: (d[key].replace(prefix, "") if key == "message" else d[key]) for key in FIELDS}
        for d in diagnostics
    ]
    return sorted(found, key=sort_key)


def sort_key(finding: dict) -> tuple:
    return (finding["path"], finding["line"], finding["column"], finding["code"], finding["message"])


def counts(findings: list[dict]) -> dict[str, int]:
    return dict(sorted(Counter(f["code"] for f in findings).items()))


def write(path: Path, header: dict, findings: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["{"]
    for key, value in header.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, sort_keys=True)},")
    lines.append('  "findings": [')
    rows = [f"    {json.dumps({key: f[key] for key in FIELDS}, ensure_ascii=False)}" for f in findings]
    lines.append(",\n".join(rows))
    lines.append("  ]")
    lines.append("}")
    path.write_text("\n".join(line for line in lines if line) + "\n", encoding="utf-8")


def read(path: Path) -> dict | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


# --- what changed ---------------------------------------------------------------------------


def _identity(finding: dict) -> tuple:
    return tuple(finding[key] for key in FIELDS)


def compare(old: list[dict], new: list[dict]) -> tuple[list[dict], list[dict], list[tuple[dict, dict]]]:
    """(added, removed, changed): findings only in `new`, only in `old`, and pairs at the same
    code and position whose message or severity changed (counted neither added nor removed)."""
    old_left = Counter(_identity(f) for f in old) - Counter(_identity(f) for f in new)
    new_left = Counter(_identity(f) for f in new) - Counter(_identity(f) for f in old)
    removed = [dict(zip(FIELDS, key)) for key in sorted(old_left.elements(), key=str)]
    added = [dict(zip(FIELDS, key)) for key in sorted(new_left.elements(), key=str)]
    by_place: dict[tuple, list[dict]] = defaultdict(list)
    for finding in removed:
        by_place[(finding["code"], finding["path"], finding["line"], finding["column"])].append(finding)
    changed, still_added = [], []
    for finding in added:
        place = by_place.get((finding["code"], finding["path"], finding["line"], finding["column"]))
        if place:
            changed.append((place.pop(0), finding))
        else:
            still_added.append(finding)
    paired = {id(before) for before, _ in changed}
    still_removed = [f for f in removed if id(f) not in paired]
    key = sort_key
    return sorted(still_added, key=key), sorted(still_removed, key=key), sorted(changed, key=lambda p: key(p[1]))


def _location(finding: dict) -> str:
    return f"{finding['path']}:{finding['line']}:{finding['column']}"


def format_diff(name: str, old: list[dict], new: list[dict], limit: int) -> tuple[list[str], dict[str, list[int]]]:
    """Lines describing one app's change, and per rule [before, after, added, removed, changed]."""
    added, removed, changed = compare(old, new)
    table: dict[str, list[int]] = {}
    for code in sorted({f["code"] for f in old} | {f["code"] for f in new}):
        table[code] = [
            sum(f["code"] == code for f in old),
            sum(f["code"] == code for f in new),
            sum(f["code"] == code for f in added),
            sum(f["code"] == code for f in removed),
            sum(after["code"] == code for _, after in changed),
        ]
    head = f"{name}: {len(old)} -> {len(new)} findings (+{len(added)} -{len(removed)} ~{len(changed)})"
    lines = [head]
    entries: dict[str, list[str]] = defaultdict(list)
    for finding in added:
        entries[finding["code"]].append(f"  + {_location(finding)} {finding['message']}")
    for finding in removed:
        entries[finding["code"]].append(f"  - {_location(finding)} {finding['message']}")
    for before, after in changed:
        entries[after["code"]].append(f"  ~ {_location(after)} {after['message']}")
        entries[after["code"]].append(f"      was [{before['severity']}] {before['message']}")
    for code in sorted(entries):
        plus, minus, tilde = table[code][2:]
        lines.append(f" {code} (+{plus} -{minus} ~{tilde})")
        shown = entries[code] if limit <= 0 else entries[code][: limit]
        lines.extend(shown)
        if len(shown) < len(entries[code]):
            lines.append(f"  ... {len(entries[code]) - len(shown)} more lines (--limit 0 shows all)")
    return lines, table


def format_rule_table(tables: list[dict[str, list[int]]]) -> list[str]:
    total: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for table in tables:
        for code, row in table.items():
            total[code] = [a + b for a, b in zip(total[code], row)]
    lines = ["| rule | before | after | added | removed | changed |", "|---|---:|---:|---:|---:|---:|"]
    for code in sorted(total):
        lines.append("| " + " | ".join([code, *map(str, total[code])]) + " |")
    sums = [sum(row[i] for row in total.values()) for i in range(5)]
    lines.append("| **all** | " + " | ".join(map(str, sums)) + " |")
    return lines


# --- the judging sheet ----------------------------------------------------------------------


def sample(findings: list[dict], n: int, seed: int, app_name: str) -> list[dict]:
    """`n` findings drawn with `random.Random(f"{seed}:{app_name}")`: the same seed gives the
    same sheet, and one app's draw does not depend on which other apps were run."""
    picked = random.Random(f"{seed}:{app_name}").sample(findings, min(n, len(findings)))
    return sorted(picked, key=lambda f: (f["code"], f["path"], f["line"], f["column"]))


def format_sheet(app, git_dir: str, findings: list[dict], picked: list[dict], seed: int) -> list[str]:
    lines = [
        f"## {app.name} ({app.framework}): {app.repo} @ {app.commit}",
        f"{len(picked)} of {len(findings)} findings, seed {seed}; git directory {git_dir}",
        "",
    ]
    for number, finding in enumerate(picked, 1):
        path = finding["path"]  # relative to the repository root: run.py runs scalelint there
        line = finding["line"]
        lines += [
            f"{number}. {finding['code']} {path}:{line} [{finding['severity']}] ({app.name})",
            f"   {finding['message']}",
            f"   show: git --git-dir={git_dir} show {app.commit}:{path} | sed -n '{max(1, line - 10)},{line + 10}p'",
            f"   web:  https://github.com/{app.repo}/blob/{app.commit}/{path}#L{line}",
            "   verdict: true / false / debatable   why:",
            "",
        ]
    return lines

