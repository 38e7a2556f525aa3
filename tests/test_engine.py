"""Engine pieces: discovery, config, cache, suppression, selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from scalelint import api, engine
from scalelint.config import ConfigError, Settings, load_settings
from scalelint.discovery import classify, walk


def write(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def test_classify_by_name():
    assert classify("views.py") == "python"
    assert classify("Procfile") == "procfile"
    assert classify("Procfile.dev") == "procfile"
    assert classify("Procfile.sh") == "shell"  # a script the Procfile runs, not a Procfile
    assert classify("Dockerfile.prod") == "dockerfile"
    assert classify("web.Dockerfile") == "dockerfile"
    assert classify("docker-compose.prod.yml") == "yaml"
    assert classify("fly.toml") == "toml"
    assert classify("entrypoint.sh") == "shell"
    assert classify("supervisord.conf") == "ini"
    assert classify("api.service") == "systemd"
    assert classify("Makefile") == "makefile"
    assert classify("schema.sql") == "sql"
    assert classify("README.md") is None
    assert classify(".env.example") == "dotenv"
    assert classify("production.env") == "dotenv"
    assert classify("app.json") == "json"
    assert classify("package.json") is None


def test_walk_honours_gitignore_excludes_and_virtualenvs(tmp_path):
    write(
        tmp_path,
        {
            ".gitignore": "generated/\n*.local.py\n",
            "app/views.py": "",
            "app/settings.local.py": "",
            "generated/models.py": "",
            "node_modules/pkg/index.py": "",
            "myenv/pyvenv.cfg": "home = /usr/bin\n",
            "myenv/lib/site.py": "",
            "sub/.gitignore": "secret.py\n",
            "sub/secret.py": "",
            "sub/kept.py": "",
            "legacy/old.py": "",
            "bin/web": "#!/bin/sh\nexec gunicorn app:app\n",
            "bin/notes": "just text\n",
        },
    )
    found = {f.rel: f.kind for f in walk(tmp_path, ("node_modules", "legacy/"))}
    assert found == {"app/views.py": "python", "sub/kept.py": "python", "bin/web": "shell"}


def test_walk_skips_a_gitignore_pattern_git_cannot_read_and_honours_the_rest(tmp_path):
    # A trailing backslash is an invalid pattern: git skips it; one such line must not stop the run.
    write(
        tmp_path,
        {
            ".gitignore": ".idea/Project_Default.xml\\\ngenerated/\n",
            "app/views.py": "",
            "generated/models.py": "",
        },
    )
    assert [f.rel for f in walk(tmp_path, ())] == ["app/views.py"]


def test_unknown_config_key_names_file_and_key(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.scalelint]\nselect = ['SCL2']\nfrobnicate = 1\n"})
    with pytest.raises(ConfigError) as error:
        load_settings([tmp_path])
    assert "frobnicate" in str(error.value) and "pyproject.toml" in str(error.value)


@pytest.mark.parametrize(
    "body, needle",
    [
        ("select = 'SCL2'", "select"),
        ("ignore = ['NOPE1']", "NOPE1"),
        ("[tool.scalelint.rules.no-such-rule]\nx = 1", "no-such-rule"),
        ("[tool.scalelint.rules.small-connection-pool]\nmin-pool-size = true", "min-pool-size"),
        ("[tool.scalelint.rules.small-connection-pool]\nmin_size = 3", "min_size"),
        ("per-file-ignores = {'tests/*' = 'SCL201'}", "per-file-ignores"),
    ],
)
def test_config_errors(tmp_path, body, needle):
    header = "" if body.startswith("[tool.scalelint.rules") else "[tool.scalelint]\n"
    write(tmp_path, {"pyproject.toml": header + body + "\n"})
    with pytest.raises(ConfigError) as error:
        load_settings([tmp_path])
    assert needle in str(error.value)


def test_invalid_toml_is_a_config_error(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.scalelint\n"})
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings([tmp_path])


def test_options_reach_the_rule_settings(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.scalelint.rules.SCL301]\nmin-pool-size = 8\n"})
    settings = load_settings([tmp_path])
    from scalelint.rules.small_connection_pool import SmallConnectionPool

    assert settings.options_for(SmallConnectionPool).min_pool_size == 8
    assert settings.root == tmp_path.resolve()


def test_selection_by_code_prefix_and_name():
    settings = Settings(select=("SCL2",), ignore=("worker-timeout-disabled",), extend_select=("SCL301",))
    assert settings.enabled_codes() == {"SCL201", "SCL202", "SCL203", "SCL204", "SCL206", "SCL301"}


PROJECT = {
    "pyproject.toml": "[tool.scalelint]\n",
    "Procfile": "web: gunicorn app:app --threads 8\n",
    "app.py": "from flask import Flask\napp = Flask(__name__)\n",
}


def test_second_run_reads_facts_from_the_cache(tmp_path, monkeypatch):
    project = tmp_path / "p"
    write(project, PROJECT)
    cache = tmp_path / "cache"
    first = api.lint([project], cache_dir=cache)
    assert [d.code for d in first.diagnostics] == ["SCL201"]

    def boom(*args, **kwargs):
        raise AssertionError("extraction ran although nothing changed")

    monkeypatch.setattr(engine, "extract_file", boom)
    second = api.lint([project], cache_dir=cache)
    assert [(d.path, d.code) for d in second.diagnostics] == [(d.path, d.code) for d in first.diagnostics]


def test_a_changed_file_is_extracted_again(tmp_path):
    project = tmp_path / "p"
    write(project, PROJECT)
    cache = tmp_path / "cache"
    assert [d.code for d in api.lint([project], cache_dir=cache).diagnostics] == ["SCL201"]
    write(project, {"Procfile": "web: gunicorn app:app --workers 3 --threads 8\n"})
    assert api.lint([project], cache_dir=cache).diagnostics == []


def test_parallel_and_serial_extraction_agree(tmp_path):
    project = tmp_path / "p"
    files = dict(PROJECT)
    for index in range(60):
        files[f"pkg/mod{index}.py"] = f"VALUE = {index}\n"
    write(project, files)
    settings = load_settings([project])
    serial = engine.lint([project], settings, jobs=1)
    parallel = engine.lint([project], settings, jobs=2)
    assert serial.diagnostics == parallel.diagnostics
    assert serial.files == parallel.files == 62 + 1  # the Procfile and pyproject too


def test_suppression_on_the_line_above_and_per_file_ignores(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": "[tool.scalelint]\nper-file-ignores = {'deploy/*' = ['SCL201']}\n",
            "app.py": "from flask import Flask\napp = Flask(__name__)\n",
            "Dockerfile": "FROM python:3.12\n# scalelint: ignore[unconfigured-gunicorn]\nCMD gunicorn app:app\n",
            "deploy/start.sh": "#!/bin/sh\nexec gunicorn app:app\n",
            "Procfile": "web: gunicorn app:app\n",
        },
    )
    report = api.lint([tmp_path], cache=False)
    assert sorted((Path(d.path).name, d.code) for d in report.diagnostics) == [("Procfile", "SCL201")]
