"""Baselines: record today's findings so a legacy codebase can adopt scalelint and fail only on
new ones.

A baseline file is JSON: `{"version": 1, "tool": "scalelint", "entries": [{code, path,
fingerprint}, ...]}`. Paths are relative to the project root; fingerprints come from
`scalelint.fingerprint` and do not depend on line numbers. Matching is a multiset: each entry
absorbs at most one finding, so a second copy of a baselined finding is still reported.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from scalelint import limits, reading
from scalelint.diagnostics import Diagnostic
from scalelint.filenames import printable
from scalelint.fingerprint import fingerprints, identity_path

FORMAT_VERSION = 1

Entry = tuple[str, str, str]  # (code, path, fingerprint)


class BaselineError(Exception):
    """The baseline file is missing, unreadable or not a scalelint baseline."""


@dataclass
class Applied:
    kept: list[Diagnostic]  # findings not in the baseline
    matched: int  # findings the baseline absorbed
    stale: int  # entries that matched no finding (fixed, or the code changed)


def entries_for(diagnostics: list[Diagnostic], root: Path | None) -> list[Entry]:
    prints = fingerprints(diagnostics, root)
    return [(d.code, printable(identity_path(d.path, root)), fp) for d, fp in zip(diagnostics, prints)]


def dumps(entries: list[Entry]) -> str:
    payload = {
        "version": FORMAT_VERSION,
        "tool": "scalelint",
        "entries": [{"code": c, "path": p, "fingerprint": f} for c, p, f in sorted(entries)],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, diagnostics: list[Diagnostic], root: Path | None) -> int:
    """Write the baseline for `diagnostics` to `path` atomically; returns the entry count."""
    entries = entries_for(diagnostics, root)
    text = dumps(entries)
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".scalelint-baseline-", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as error:
        raise BaselineError(f"cannot write baseline {path}: {error.strerror or error}") from error
    return len(entries)


def load(path: Path) -> list[Entry]:
    path = Path(path)
    try:
        text = reading.read_text(path, limits.BASELINE_SIZE)
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist (create it with --write-baseline {path})") from None
    except OSError as error:
        raise BaselineError(f"cannot read baseline {path}: {reading.describe(error)}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"cannot read baseline {path}: not valid UTF-8") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"baseline {path} is not valid JSON (line {error.lineno}: {error.msg})") from None
    except RecursionError:
        raise BaselineError(f"baseline {path} is not a scalelint baseline (JSON nested too deeply)") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("entries"), list):
        raise BaselineError(f"baseline {path} is not a scalelint baseline (no \"entries\" list)")
    if payload.get("version") != FORMAT_VERSION:
        raise BaselineError(
            f"baseline {path} has version {payload.get('version')!r}; this scalelint reads version {FORMAT_VERSION}"
        )
    entries: list[Entry] = []
    for number, item in enumerate(payload["entries"], start=1):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("code", "path", "fingerprint")):
            raise BaselineError(f"baseline {path}: entry {number} needs string \"code\", \"path\" and \"fingerprint\"")
        entries.append((item["code"], item["path"], item["fingerprint"]))
    return entries


def apply(
    entries: list[Entry],
    diagnostics: list[Diagnostic],
    root: Path | None,
    in_scope: Callable[[Entry], bool] | None = None,
) -> Applied:
    """Drop the findings the baseline records (each entry absorbs one finding). Unmatched
    entries count as stale only where `in_scope(entry)` holds: an entry for a file or rule this
    run did not look at is not evidence that the finding was fixed."""
    remaining = Counter(entries)
    kept: list[Diagnostic] = []
    matched = 0
    for d, entry in zip(diagnostics, entries_for(diagnostics, root)):
        if remaining[entry] > 0:
            remaining[entry] -= 1
            matched += 1
        else:
            kept.append(d)
    stale = sum(n for entry, n in remaining.items() if in_scope is None or in_scope(entry))
    return Applied(kept=kept, matched=matched, stale=stale)


def scope(root: Path, targets: list[Path], codes: frozenset[str]) -> Callable[[Entry], bool]:
    """Entries a run over `targets` with the rules `codes` could have matched."""
    prefixes: list[str] = []
    for target in targets:
        try:
            rel = Path(target).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            continue
        prefixes.append("" if rel == "." else rel)

    def covered(entry: Entry) -> bool:
        code, path, _ = entry
        if code not in codes:
            return False
        return any(prefix == "" or path == prefix or path.startswith(prefix + "/") for prefix in prefixes)

    return covered
