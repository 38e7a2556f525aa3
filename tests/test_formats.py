"""`--format gitlab`, `--format junit` and `--output-file`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from scalelint.diagnostics import Diagnostic
from scalelint.engine import Report
from scalelint.facts import Span
from scalelint.reporting import get
from clitools import run, write

TINY_APP = {
    "pyproject.toml": "[project]\nname = 'tiny'\n",
    "Procfile": "web: gunicorn app:app --threads 8\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "db.py": "from sqlalchemy import create_engine\n\nurl = 'postgresql://db/tiny'\nengine = create_engine(url, pool_size=2, max_overflow=0)\n",
}
CLEAN = {
    **TINY_APP,
    "Procfile": "web: gunicorn app:app --workers 4 --threads 8\n",
    "db.py": TINY_APP["db.py"].replace("pool_size=2, max_overflow=0", "pool_size=10, max_overflow=5"),
}


def test_gitlab_code_quality_report(tmp_path):
    write(tmp_path, TINY_APP)
    result = run(["--format", "gitlab", "--no-cache", "."], tmp_path)
    assert result.returncode == 1, result.stderr
    issues = json.loads(result.stdout)
    assert isinstance(issues, list) and len(issues) == 2
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["lines"]["begin"], int)
    by_check = {issue["check_name"]: issue for issue in issues}
    assert by_check["SCL201"]["location"] == {"path": "Procfile", "lines": {"begin": 1, "end": 1}}
    assert by_check["SCL302"]["location"]["path"] == "db.py"
    assert by_check["SCL302"]["location"]["lines"]["begin"] == 4
    assert by_check["SCL201"]["severity"] == "minor"  # warning
    assert "Fix: " in by_check["SCL302"]["description"]
    assert len({issue["fingerprint"] for issue in issues}) == 2


def test_gitlab_clean_run_is_an_empty_list(tmp_path):
    write(tmp_path, CLEAN)
    result = run(["--format", "gitlab", "--no-cache", "."], tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(("severity", "expected"), [("error", "major"), ("warning", "minor"), ("info", "info")])
def test_gitlab_severity_mapping(tmp_path, monkeypatch, severity, expected):
    monkeypatch.chdir(tmp_path)
    d = Diagnostic("SCL302", "pool-exhaustion", severity, "high", "db.py", Span(1, 1, 1, 2), "m")
    issues = json.loads(get("gitlab")(Report(root=tmp_path, diagnostics=[d], files=1)))
    assert issues[0]["severity"] == expected


def test_junit_one_testcase_per_file_with_a_failure_per_finding(tmp_path):
    write(tmp_path, TINY_APP)
    result = run(["--format", "junit", "--no-cache", "."], tmp_path)
    assert result.returncode == 1, result.stderr
    root = ET.fromstring(result.stdout.encode("utf-8"))
    suites = root.findall("testsuite") if root.tag == "testsuites" else [root]
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == ["Procfile", "db.py"]
    assert suite.get("tests") == "2" and suite.get("failures") == "2"
    failures = {case.get("name"): case.findall("failure") for case in cases}
    assert len(failures["Procfile"]) == 1 and len(failures["db.py"]) == 1
    pool = failures["db.py"][0]
    assert pool.get("type").startswith("SCL302")
    assert "db.py:4:" in pool.text and "fix:" in pool.text and "note: Procfile:1:" in pool.text


def test_junit_clean_run_is_one_passing_testcase(tmp_path):
    write(tmp_path, CLEAN)
    result = run(["--format", "junit", "--no-cache", "."], tmp_path)
    assert result.returncode == 0
    root = ET.fromstring(result.stdout.encode("utf-8"))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 1 and not list(cases[0])
    assert suite.get("failures") == "0"


def test_junit_escapes_text_xml_cannot_carry(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    d = Diagnostic("SCL302", "pool-exhaustion", "error", "high", "a<b>&.py", Span(1, 1, 1, 2), 'say "hi" \x01 <now> & then')
    output = get("junit")(Report(root=tmp_path, diagnostics=[d], files=1))
    root = ET.fromstring(output.encode("utf-8"))
    case = root.find("testsuite/testcase")
    assert case.get("name") == "a<b>&.py"
    assert '"hi"' in case.find("failure").text


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "gitlab", "junit", "github"])
def test_output_file_gets_the_report_and_stdout_stays_empty(tmp_path, fmt):
    write(tmp_path, TINY_APP)
    expected = run(["--format", fmt, "--no-cache", "."], tmp_path)
    result = run(["--format", fmt, "--no-cache", "--output-file", "report.out", "."], tmp_path)
    assert result.returncode == expected.returncode == 1, result.stderr
    assert result.stdout == ""
    assert (tmp_path / "report.out").read_text(encoding="utf-8") == expected.stdout


def test_output_file_exit_code_is_unchanged_when_clean(tmp_path):
    write(tmp_path, CLEAN)
    result = run(["--format", "json", "--no-cache", "-o", "out/report.json", "."], tmp_path)
    # a directory that does not exist is a usage error, and nothing is written
    assert result.returncode == 2 and "out/report.json" in result.stderr
    assert not (tmp_path / "out").exists()
    result = run(["--format", "json", "--no-cache", "-o", "report.json", "."], tmp_path)
    assert result.returncode == 0
    assert json.loads((tmp_path / "report.json").read_text())["diagnostics"] == []


def test_output_file_never_gets_colour(tmp_path):
    write(tmp_path, TINY_APP)
    env = {**os.environ, "FORCE_COLOR": "1"}
    env.pop("NO_COLOR", None)
    subprocess.run(
        [sys.executable, "-m", "scalelint", "--no-cache", "-o", "report.txt", "."], cwd=tmp_path, env=env, timeout=120, check=False
    )
    text = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "SCL302" in text and "\x1b[" not in text
