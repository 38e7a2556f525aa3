"""The language server in a real session over stdio: initialize, didOpen, publishDiagnostics,
codeAction (fix, suppression, fix-all), hover, a save of another file changing a finding,
shutdown. The editor's unsaved text is what gets linted, positions are UTF-16 (the protocol's
default), and nothing on disk changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from clitools import run, write  # noqa: E402
from lspclient import Client  # noqa: E402

PROJECT = {
    "pyproject.toml": "[project]\nname = 'tiny'\n",
    "Procfile": "web: gunicorn app:app --workers 2 --threads 8\n",
    "app.py": "from flask import Flask\n\nimport db  # noqa: F401\n\napp = Flask(__name__)\n",
    "db.py": "from sqlalchemy import create_engine\n\nengine = create_engine('postgresql://db/tiny', pool_size=10, max_overflow=5)\n",
}
# What the editor has and has not saved: a pool of 2, after a string with an emoji (two UTF-16
# code units, one code point: the columns differ from there on).
BUFFER = "from sqlalchemy import create_engine\n\nengine = create_engine('postgresql://db/😀', pool_size=2, max_overflow=0)\n"
POOL_LINE = 2


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def apply(text: str, edits: list[dict]) -> str:
    """Apply LSP TextEdits (UTF-16 positions) to `text`, from the last to the first."""
    lines = text.splitlines(keepends=True)

    def offset(position: dict) -> int:
        before = "".join(lines[: position["line"]])
        line = lines[position["line"]] if position["line"] < len(lines) else ""
        units, index = 0, 0
        while index < len(line) and units < position["character"]:
            units += utf16(line[index])
            index += 1
        return len(before) + index

    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
        lines = text.splitlines(keepends=True)
    return text


@pytest.fixture
def session(tmp_path):
    write(tmp_path, PROJECT)
    client = Client(tmp_path, {"SCALELINT_CACHE_DIR": str(tmp_path / ".cache")})
    yield client, tmp_path
    client.close()


def test_a_session_diagnoses_fixes_suppresses_and_explains(session):
    client, root = session
    db_uri, procfile_uri = (root / "db.py").as_uri(), (root / "Procfile").as_uri()
    result = client.request(
        "initialize",
        {"processId": None, "rootUri": root.as_uri(), "capabilities": {"general": {"positionEncodings": ["utf-16"]}}},
    )
    capabilities = result["capabilities"]
    assert capabilities["hoverProvider"] and capabilities["codeActionProvider"]
    assert result["serverInfo"]["name"] == "scalelint"
    client.notify("initialized", {})

    # didOpen with unsaved text: the buffer's pool of 2 is judged against the Procfile's 8 threads
    client.notify("textDocument/didOpen", {"textDocument": {"uri": db_uri, "languageId": "python", "version": 1, "text": BUFFER}})
    published = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == db_uri)
    (diagnostic,) = published["diagnostics"]
    assert diagnostic["code"] == "SCL302" and diagnostic["source"] == "scalelint"
    assert diagnostic["severity"] == 2  # Warning
    line = BUFFER.splitlines()[POOL_LINE]
    start = utf16(line[: line.index("pool_size=2")])
    assert diagnostic["range"] == {
        "start": {"line": POOL_LINE, "character": start},
        "end": {"line": POOL_LINE, "character": start + len("pool_size=2")},
    }
    assert diagnostic["codeDescription"]["href"].endswith("/rules/pool-exhaustion.md")
    assert {info["location"]["uri"] for info in diagnostic["relatedInformation"]} == {procfile_uri}

    # codeAction: the (unsafe) fix, the suppression
    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": db_uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}},
    )
    by_title = {action["title"].split(":")[0]: action for action in actions}
    fix = by_title["Fix SCL302"]
    assert fix["kind"] == "quickfix" and "unsafe" in fix["title"] and not fix.get("isPreferred")
    fixed = apply(BUFFER, fix["edit"]["changes"][db_uri])
    assert "pool_size=8, max_overflow=0" in fixed and "😀" in fixed
    suppress = next(action for title, action in by_title.items() if title.startswith("Suppress SCL302"))
    suppressed = apply(BUFFER, suppress["edit"]["changes"][db_uri])
    assert suppressed.splitlines()[POOL_LINE].endswith("pool_size=2, max_overflow=0)  # scalelint: ignore[SCL302]")

    # hover on the finding: the rule's explanation, without the test suite's markers
    hover = client.request("textDocument/hover", {"textDocument": {"uri": db_uri}, "position": diagnostic["range"]["start"]})
    text = hover["contents"]["value"]
    assert "pool-exhaustion" in text and "Why it hurts at scale" in text
    assert "# error:" not in text and "todo-" not in text

    # the Procfile opened with 1 thread (unsaved): the pool of 2 in db.py is enough now
    client.notify("textDocument/didOpen", {"textDocument": {"uri": procfile_uri, "languageId": "procfile", "version": 1, "text": "web: gunicorn app:app --workers 2\n"}})
    assert client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == db_uri)["diagnostics"] == []
    # back to 8 threads and saved: the finding returns
    client.notify("textDocument/didChange", {"textDocument": {"uri": procfile_uri, "version": 2}, "contentChanges": [{"text": PROJECT["Procfile"]}]})
    client.notify("textDocument/didSave", {"textDocument": {"uri": procfile_uri}})
    again = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == db_uri)
    assert [d["code"] for d in again["diagnostics"]] == ["SCL302"]

    # the suppression, applied in the editor and saved, silences the finding through the engine
    client.notify("textDocument/didChange", {"textDocument": {"uri": db_uri, "version": 2}, "contentChanges": [{"text": suppressed}]})
    client.notify("textDocument/didSave", {"textDocument": {"uri": db_uri}})
    assert client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == db_uri)["diagnostics"] == []

    assert client.request("shutdown", {}) is None
    client.notify("exit", {})
    assert client.proc.wait(timeout=20) == 0
    # the editor's texts were linted, never written
    assert (root / "db.py").read_text(encoding="utf-8") == PROJECT["db.py"]
    assert (root / "Procfile").read_text(encoding="utf-8") == PROJECT["Procfile"]


def test_fix_all_applies_the_safe_fixes_and_hover_explains_a_suppression(session):
    client, root = session
    from test_fixes import MODELS, URLS, VIEWS

    write(root, {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": VIEWS, "app/urls.py": URLS})
    views = VIEWS
    client.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
    client.notify("initialized", {})
    uri = (root / "app" / "views.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": views}})
    published = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    # the routed list view loads every event (SCL103) and two relations per row (SCL101)
    assert sorted(d["code"] for d in published["diagnostics"]) == ["SCL101", "SCL101", "SCL103"], published
    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source.fixAll"]}},
    )
    (fix_all,) = actions
    assert fix_all["kind"] == "source.fixAll.scalelint"
    fixed = apply(views, fix_all["edit"]["changes"][uri])
    # both eager loads, in one edit of the file (what `scalelint --fix` does in two passes, the
    # first pass's non-overlapping edits here)
    assert 'select_related("organizer")' in fixed
    # hover on a code in a suppression comment
    comment = "x = 1  # scalelint: ignore[SCL302]\n"
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": comment}]})
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": comment.index("SCL302") + 2}})
    assert "pool-exhaustion" in hover["contents"]["value"]
    client.request("shutdown", {})
    client.notify("exit", {})
    assert client.proc.wait(timeout=20) == 0


def test_server_without_pygls_says_which_extra_to_install(tmp_path):
    """`scalelint server` where pygls is missing: a usage error naming the extra, not a traceback."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "pygls").mkdir()
    (blocker / "pygls" / "__init__.py").write_text("raise ImportError('No module named pygls (simulated)')\n")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    result = subprocess.run([sys.executable, "-m", "scalelint", "server"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and "pip install 'scalelint[lsp]'" in result.stderr and "Traceback" not in result.stderr
    assert run(["server", "."], tmp_path).returncode == 2  # it takes no paths
