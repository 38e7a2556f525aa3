"""The spec harness must fail when a spec and the rule disagree, in each direction."""

from __future__ import annotations

from pathlib import Path

from scalelint.testing.spec import check_section, parse_spec


def outcome(tmp_path: Path, procfile_line: str) -> list[str]:
    spec_path = tmp_path / "rules" / "unconfigured-gunicorn.md"
    spec_path.parent.mkdir()
    spec_path.write_text(
        "# unconfigured-gunicorn (SCL201)\n\n## Example: case\n`Procfile`:\n```text\n" + procfile_line + "\n```\n",
        encoding="utf-8",
    )
    spec = parse_spec(spec_path)
    (section,) = spec.cases()
    project = tmp_path / "project"
    project.mkdir()
    return check_section(spec, section, project).problems


def test_expected_and_reported_passes(tmp_path):
    assert outcome(tmp_path, "web: gunicorn app:app  # error: 6 [unconfigured-gunicorn]") == []


def test_annotations_are_stripped_before_linting(tmp_path):
    outcome(tmp_path, "web: gunicorn app:app  # error: [unconfigured-gunicorn]")
    assert (tmp_path / "project" / "Procfile").read_text() == "web: gunicorn app:app\n"


def test_missing_report_fails(tmp_path):
    problems = outcome(tmp_path, "web: gunicorn app:app --workers 3  # error: [unconfigured-gunicorn]")
    assert len(problems) == 1 and "expected [unconfigured-gunicorn]" in problems[0]


def test_unannotated_report_fails(tmp_path):
    problems = outcome(tmp_path, "web: gunicorn app:app")
    assert len(problems) == 1 and "unexpected [unconfigured-gunicorn]" in problems[0]


def test_wrong_column_fails(tmp_path):
    problems = outcome(tmp_path, "web: gunicorn app:app  # error: 7 [unconfigured-gunicorn]")
    assert any("at column 7" in p for p in problems)


def test_todo_error_fails_once_reported(tmp_path):
    problems = outcome(tmp_path, "web: gunicorn app:app  # todo-error: [unconfigured-gunicorn]")
    assert any("todo-error" in p for p in problems)


def test_todo_ok_fails_once_silent(tmp_path):
    problems = outcome(tmp_path, "web: gunicorn app:app --workers 3  # todo-ok: [unconfigured-gunicorn]")
    assert any("no longer reported" in p for p in problems)
