"""Helpers the end-to-end tests share: run the real CLI in a project, write a project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "scalelint", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def findings(result: subprocess.CompletedProcess) -> list[tuple[str, int, str]]:
    payload = json.loads(result.stdout)
    return [(d["path"], d["line"], d["code"]) for d in payload["diagnostics"]]
