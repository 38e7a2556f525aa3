"""`--format sarif`: valid SARIF 2.1.0 (checked against the OASIS schema) with what GitHub code
scanning needs: rules with help, levels, regions, related locations, fixes, fingerprints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from scalelint import registry
from scalelint.diagnostics import Diagnostic, Edit, Fix, Related
from scalelint.docs import release_ref, repository_url, spec_path
from scalelint.engine import Report
from scalelint.facts import Span
from scalelint.fingerprint import SARIF_KEY
from scalelint.reporting import sarif
from scalelint.reporting.paths import repository_root
from clitools import run, write
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
# The official OASIS SARIF 2.1.0 schema (errata01), kept in the repository so the tests need nothing
# outside it.
SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
EXAMPLE = REPO / "examples" / "flask-shop"

TINY_APP = {
    "pyproject.toml": "[project]\nname = 'tiny'\n",
    "Procfile": "web: gunicorn app:app --threads 8\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "db.py": "from sqlalchemy import create_engine\n\nurl = 'postgresql://db/tiny'\nengine = create_engine(url, pool_size=2, max_overflow=0)\n",
}


@pytest.fixture(scope="module")
def validator():
    assert SCHEMA_PATH.is_file(), f"SARIF schema not found at {SCHEMA_PATH}"
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(validator, log: dict) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_bundled_example_sarif_validates_against_the_schema(validator):
    result = run(["--format", "sarif", "--no-cache", "."], EXAMPLE)
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    assert_valid(validator, log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"SCL201", "SCL205", "SCL302"}
    pool = next(r for r in results if r["ruleId"] == "SCL302")
    # relative to the repository's root (the checkout holding the example), not to where it ran
    prefix = EXAMPLE.relative_to(repository_root(EXAMPLE)).as_posix().removeprefix(".").strip("/")
    prefix = f"{prefix}/" if prefix else ""
    assert pool["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": f"{prefix}shop/db.py", "uriBaseId": "%SRCROOT%"}
    assert {loc["physicalLocation"]["artifactLocation"]["uri"] for loc in pool["relatedLocations"]} == {f"{prefix}Dockerfile", f"{prefix}Procfile"}
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert (Path(urlparse(base + f"{prefix}shop/db.py").path)).samefile(EXAMPLE / "shop" / "db.py")


def test_locations_are_relative_to_the_repository_root_wherever_scalelint_runs(tmp_path, validator):
    """Code scanning resolves a location from the checkout's root: a run from a subfolder (a
    monorepo's backend/) must not write paths relative to that subfolder."""
    (tmp_path / ".git").mkdir()
    backend = tmp_path / "services" / "backend"
    write(backend, TINY_APP)
    for cwd in (backend, tmp_path, backend / ".."):
        target = os.path.relpath(backend, cwd)
        log = json.loads(run(["--output-format", "sarif", "--no-cache", target], cwd).stdout)
        assert_valid(validator, log)
        run_ = log["runs"][0]
        assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
        uris = {r["ruleId"]: r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
        assert uris == {"SCL201": "services/backend/Procfile", "SCL302": "services/backend/db.py"}, cwd
        pool = next(r for r in run_["results"] if r["ruleId"] == "SCL302")
        assert pool["fixes"][0]["artifactChanges"][0]["artifactLocation"]["uri"] == "services/backend/db.py"
        assert pool["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "services/backend/Procfile"
        github = run(["--output-format", "github", "--no-cache", target], cwd).stdout
        assert sorted(line.split(",")[0] for line in github.splitlines()) == [
            "::warning file=services/backend/Procfile",
            "::warning file=services/backend/db.py",
        ]
        gitlab = json.loads(run(["--output-format", "gitlab", "--no-cache", target], cwd).stdout)
        assert {issue["location"]["path"] for issue in gitlab} == {"services/backend/Procfile", "services/backend/db.py"}
        # --format json keeps the documented contract: relative to the current directory
        payload = json.loads(run(["--output-format", "json", "--no-cache", target], cwd).stdout)
        assert {d["path"] for d in payload["diagnostics"]} == {
            os.path.relpath(backend / "Procfile", cwd).replace(os.sep, "/"),
            os.path.relpath(backend / "db.py", cwd).replace(os.sep, "/"),
        }


def test_driver_lists_every_rule_with_help_and_level(tmp_path, validator):
    write(tmp_path, TINY_APP)
    log = json.loads(run(["--format", "sarif", "--no-cache", "."], tmp_path).stdout)
    assert_valid(validator, log)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "scalelint" and driver["version"] and driver["informationUri"].startswith("https://")
    assert driver["informationUri"] == repository_url()
    rules = registry.all_rules()
    assert [r["id"] for r in driver["rules"]] == [rule.code for rule in rules]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor, rule in zip(driver["rules"], rules):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"]
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity]
        # the rule's spec in the repository, at this version's tag
        assert descriptor["helpUri"] == f"{repository_url()}/blob/{release_ref()}/rules/{rule.name}.md"
        spec = spec_path(rule)
        if spec is not None:
            assert descriptor["help"]["markdown"] == spec.read_text(encoding="utf-8")


def test_results_carry_rule_index_region_message_and_fingerprint(tmp_path, validator):
    write(tmp_path, TINY_APP)
    log = json.loads(run(["--format", "sarif", "--no-cache", "."], tmp_path).stdout)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    by_rule = {r["ruleId"]: r for r in run_["results"]}
    assert set(by_rule) == {"SCL201", "SCL302"}
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert "\nFix: " in result["message"]["text"]
        assert len(result["partialFingerprints"][SARIF_KEY]) == 32
    gunicorn = by_rule["SCL201"]
    assert gunicorn["level"] == "warning"
    assert gunicorn["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 6, "endLine": 1, "endColumn": 14}
    pool = by_rule["SCL302"]
    assert pool["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    assert pool["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Procfile"
    # both rules write their fix as an edit: a SARIF fix with its replacement
    (change,) = pool["fixes"][0]["artifactChanges"]
    assert change["replacements"][0]["insertedContent"]["text"] == "pool_size=8"
    (change,) = gunicorn["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "Procfile"
    assert change["replacements"][0]["insertedContent"]["text"] == " --workers ${WEB_CONCURRENCY:-3}"


def test_fingerprints_survive_lines_inserted_above(tmp_path):
    write(tmp_path, TINY_APP)
    before = json.loads(run(["--format", "sarif", "--no-cache", "."], tmp_path).stdout)
    (tmp_path / "db.py").write_text("# a comment\n" * 10 + TINY_APP["db.py"], encoding="utf-8")
    after = json.loads(run(["--format", "sarif", "--no-cache", "."], tmp_path).stdout)

    def prints(log):
        return {(r["ruleId"], r["partialFingerprints"][SARIF_KEY]) for r in log["runs"][0]["results"]}

    assert prints(before) == prints(after)
    lines = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after["runs"][0]["results"]}
    assert lines["SCL302"] == 14


def test_fixes_related_locations_and_odd_paths_validate(tmp_path, monkeypatch, validator):
    """A hand-built diagnostic with edits, related places and a path with a space."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"my app/db.py": "engine = create_engine(url, pool_size=2)\n"})
    rule = registry.rule_for("SCL302")
    d = Diagnostic(
        code=rule.code,
        name=rule.name,
        severity="info",
        confidence="medium",
        path="my app/db.py",
        span=Span(1, 29, 1, 40),
        message="pool too small",
        fix=Fix("Raise the pool", "unsafe", (Edit("my app/db.py", Span(1, 39, 1, 40), "8"),)),
        related=(Related("Procfile", 1, "8 threads here"),),
    )
    log = sarif.build(Report(root=tmp_path, diagnostics=[d], files=1))
    assert_valid(validator, log)
    result = log["runs"][0]["results"][0]
    assert result["level"] == "note"
    assert result["message"]["text"] == "pool too small\nFix: Raise the pool"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20app/db.py"
    change = result["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "my%20app/db.py"
    assert change["replacements"] == [
        {"deletedRegion": {"startLine": 1, "startColumn": 39, "endLine": 1, "endColumn": 40}, "insertedContent": {"text": "8"}}
    ]
    assert result["relatedLocations"] == [
        {
            "physicalLocation": {"artifactLocation": {"uri": "Procfile", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 1}},
            "id": 1,
            "message": {"text": "8 threads here"},
        }
    ]


def test_clean_project_is_an_empty_valid_run(tmp_path, validator):
    write(tmp_path, {**TINY_APP, "Procfile": "web: gunicorn app:app --workers 4\n"})
    write(tmp_path, {"db.py": TINY_APP["db.py"].replace("pool_size=2, max_overflow=0", "pool_size=10, max_overflow=5")})
    result = run(["--format", "sarif", "--no-cache", "."], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    log = json.loads(result.stdout)
    assert_valid(validator, log)
    assert log["runs"][0]["results"] == []


def test_notes_and_internal_errors_are_tool_notifications(tmp_path, validator):
    report = Report(root=tmp_path, internal_errors=["rule SCL101 failed: boom"], notes=["2 files need a newer Python than 3.11"])
    log = sarif.build(report)
    assert_valid(validator, log)
    [invocation] = log["runs"][0]["invocations"]
    assert [(n["level"], n["message"]["text"]) for n in invocation["toolExecutionNotifications"]] == [
        ("error", "rule SCL101 failed: boom"),
        ("note", "2 files need a newer Python than 3.11"),
    ]
