"""Every input issue 13 found to crash, hang or exhaust scalelint, as a case the harness runs.

Each case runs the real command line in the harness's worker process (fuzzing.Runner), so a
native crash or a hang fails the one test instead of the suite, and the harness's rules hold
for each: no exception escapes, exit code 0/1/2, a JSON report on stdout, no internal error.
Then each test checks what the file became: an SCL001 that names the reason, or a clean read.
"""

from __future__ import annotations

import os
import sys

import pytest
from fuzzing import Case, Fifo, Link

JSON = ("--format", "json", "--no-cache")
ALL = (*JSON, "--scope", "all")


def run(runner, name, files, args=JSON, timeout=None):
    """The case through the harness; `timeout` is its hang guard where the runner's 60 s would
    let the slow behaviour of old through (no speed target: see benchmarks/)."""
    outcome = runner.run(Case(name, files, tuple(args), timeout))
    assert not outcome.problems, outcome.describe()
    return outcome


def scl001(outcome, path=None):
    report = outcome.report
    return [d["message"] for d in report["diagnostics"] if d["code"] == "SCL001" and (path is None or d["path"].endswith(path))]


# --- Python ---------------------------------------------------------------------------------


def test_1500_nested_brackets_are_scl001_not_a_segfault(runner):
    source = "x = " + "[" * 1500 + "]" * 1500 + "\n"
    outcome = run(runner, "nested brackets", {"deep.py": source, "ok.py": "import requests\n\ndef f():\n    return requests.get('http://x')\n"}, args=ALL)
    assert any("nested 1,500 levels deep" in m and "nesting limit of 100 levels" in m for m in scl001(outcome, "deep.py"))
    assert any(d["code"] == "SCL503" for d in outcome.report["diagnostics"])  # the other file's findings survive


def test_a_6000_link_attribute_chain_with_a_syntax_error_is_quick(runner):
    outcome = run(runner, "attribute chain", {"chain.py": "x = a" + ".b" * 6000 + " +\n"}, timeout=20)  # it took 59 s
    assert any(m.startswith("syntax error") for m in scl001(outcome, "chain.py"))


@pytest.mark.parametrize(
    "source, construct",
    [
        ('import sys\nprint "usage"\n', "print statement"),
        pytest.param(
            "try:\n    pass\nexcept ValueError, e:\n    pass\n", "`except X, e:`",
            marks=pytest.mark.skipif(sys.version_info >= (3, 14), reason="two exception types on Python 3.14 (PEP 758)"),
        ),
        ("MODE = 0777\n", "octal literal"),
        ("x = `y`\n", "backtick"),
        ("if a <> b:\n    pass\n", "`<>` operator"),
    ],
)
def test_python_2_syntax_says_so(runner, source, construct):
    outcome = run(runner, f"python 2: {construct}", {"legacy.py": source}, args=ALL)
    messages = scl001(outcome, "legacy.py")
    assert any(m.startswith("Python 2 syntax") and construct in m for m in messages), messages
    # at the default scope: a note of the run, no finding
    default = run(runner, f"python 2 default scope: {construct}", {"legacy.py": source})
    assert scl001(default, "legacy.py") == []
    assert default.report["notes"] == ["1 file is Python 2, which scalelint does not read (legacy.py): it cannot run on Python 3"]


def test_unparenthesized_exception_types_are_python_3_14_not_python_2(runner):
    # PEP 758, as fastapi/full-stack-fastapi-template writes it: not Python 2's `except X, e:`
    source = "try:\n    pass\nexcept InvalidTokenError, ValidationError:\n    pass\n"
    outcome = run(runner, "PEP 758 except", {"deps.py": source}, args=ALL)
    messages = scl001(outcome, "deps.py")
    if sys.version_info >= (3, 14):
        assert messages == []
    else:
        [message] = messages
        assert message.startswith("needs a newer Python than 3."), message
        assert [d["severity"] for d in outcome.report["diagnostics"]] == ["info"]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="PEP 695 syntax parses on this Python")
def test_syntax_newer_than_this_python_is_a_note_at_the_default_scope_and_scl001_at_scope_all(runner):
    files = {"types.py": "type UserId = int\n\n\ndef first[T](items: list[T]) -> T:\n    return items[0]\n", "app.py": "x = 1\n"}
    default = run(runner, "newer syntax", files)
    # nothing in the project to change, so no finding; the run says what it skipped and why
    assert default.report["diagnostics"] == []
    [note] = default.report["notes"]
    assert note.startswith("1 file needs a newer Python than 3.") and "(types.py)" in note, note
    assert "scalelint: note: 1 file needs a newer Python" in default.stderr
    everything = run(runner, "newer syntax, scope all", files, args=ALL)
    [message] = scl001(everything, "types.py")
    assert message.startswith("needs a newer Python than 3.") and "skipped" in message
    assert [d["severity"] for d in everything.report["diagnostics"]] == ["info"]


def test_string_doubling_in_settings_stays_small(runner):
    # 323 bytes that reached 1.6-3.1 GB: each line doubles the folded string
    source = 'import os\nSECRET = "x"\n' + "SECRET = SECRET + SECRET\n" * 40 + 'DEBUG = os.environ.get("DEBUG") == "1"\n'
    run(runner, "A = A + A", {"settings.py": source}, timeout=20)


def test_choices_doubling_in_settings_stays_small(runner):
    source = 'import os\nW = int(os.environ.get("W", "2"))\n' + 'W = W if os.environ.get("X") else W\n' * 40
    run(runner, "x = x if c else x", {"gunicorn.conf.py": source + "workers = W\n", "Procfile": "web: gunicorn -c gunicorn.conf.py app:app\n"}, timeout=20)


def test_a_python_file_with_too_many_tokens_is_not_parsed(runner):
    source = "DATA = [" + "0," * 400_000 + "]\n"  # 800 KB that ast turns into ~400 MB
    outcome = run(runner, "dense literal", {"data.py": source})
    [message] = scl001(outcome, "data.py")
    assert "python-tokens limit of 300,000 tokens" in message


@pytest.mark.parametrize("value", ['float("inf")', 'float("nan")', "1e999", "10**400", '-float("inf")', "int('9' * 30)"])
def test_absurd_numbers_in_gunicorn_config_are_unknown_not_internal_errors(runner, value):
    files = {
        "gunicorn.conf.py": f"workers = {value}\nthreads = {value}\ntimeout = {value}\n",
        "Procfile": "web: gunicorn -c gunicorn.conf.py app:app\n",
        "app.py": "from flask import Flask\napp = Flask(__name__)\nCACHE = {}\n\n@app.route('/')\ndef index():\n    CACHE['x'] = 1\n    return 'ok'\n",
        "settings.py": f"CONN_MAX_AGE = {value}\nDATABASES = {{'default': {{'ENGINE': 'django.db.backends.postgresql', 'CONN_MAX_AGE': {value}}}}}\n",
    }
    run(runner, f"number {value}", files)  # the harness fails on "please report this bug"


# --- YAML, SQL, TOML ------------------------------------------------------------------------


def _merge_bomb(levels: int, width: int) -> str:
    lines = ["x-a0: &a0 {image: web}"]
    for i in range(1, levels + 1):
        lines.append(f"x-a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * width)}]}}")
    lines.append(f"services:\n  web:\n    <<: *a{levels}\n    command: gunicorn app:app\n")
    return "\n".join(lines)


def test_a_yaml_merge_key_bomb_is_read_in_linear_time(runner):
    bomb = _merge_bomb(levels=12, width=9)  # 9**12 expansions when followed naively
    assert len(bomb) < 1700
    outcome = run(runner, "merge bomb", {"docker-compose.yml": bomb}, timeout=20)
    assert any(d["code"] == "SCL201" for d in outcome.report["diagnostics"])  # the service is still read


def test_a_yaml_mapping_merging_too_many_mappings_is_scl001(runner):
    anchors = "\n".join(f"x-{i}: &m{i} {{k{i}: v}}" for i in range(1200))
    merges = ", ".join(f"*m{i}" for i in range(1200))
    outcome = run(runner, "wide merge", {"docker-compose.yml": f"{anchors}\nservices:\n  web:\n    <<: [{merges}]\n    command: gunicorn app:app\n"})
    assert any("yaml-merges limit of 1,000 merges" in m for m in scl001(outcome, "docker-compose.yml"))


def test_a_mapping_that_merges_itself_ends(runner):
    outcome = run(runner, "self merge", {"docker-compose.yml": "services:\n  web: &w\n    <<: *w\n    command: gunicorn app:app\n"})
    assert outcome.rc in (0, 1)


def test_thousands_of_broken_sql_statements_stop_at_the_first(runner):
    sql = "\n".join("CREATE TABLE (x,;" for _ in range(50_000))  # 900 KB
    outcome = run(runner, "broken sql", {"schema.sql": sql}, timeout=40)  # past 3 minutes before
    assert any(m.startswith("invalid SQL") for m in scl001(outcome, "schema.sql"))


def test_sql_no_dialect_can_tokenize_is_scl001_not_silence(runner):
    outcome = run(runner, "unclosed quote", {"seed.sql": "CREATE TABLE a (id int);\nINSERT INTO a VALUES ('abc);\n"})
    assert any("cannot be split into tokens" in m for m in scl001(outcome, "seed.sql"))


def test_deeply_nested_sql_is_scl001(runner):
    outcome = run(runner, "nested sql", {"q.sql": "SELECT " + "(" * 5000 + "1" + ")" * 5000 + ";\n"})
    assert any("nested too deeply" in m for m in scl001(outcome, "q.sql"))


@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("tool-int", b"tool = 5\n", None),
        ("not-utf8", b'[tool.other]\nname = "caf\xe9"\n', "not valid UTF-8"),
        ("deep-array", b"[tool.other]\nx = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
        ("deep-table", b"[tool.other]\nx = " + b"{a=" * 3000 + b"1" + b"}" * 3000 + b"\n", "nested too deeply"),
        ("tool-int-scalelint", b"tool = 5\n[tool.scalelint]\n", "invalid TOML"),
    ],
)
def test_a_bad_pyproject_is_exit_2_or_ignored_never_a_traceback(runner, name, content, needle):
    outcome = run(runner, f"pyproject {name}", {"pyproject.toml": content, "app.py": "x = 1\n"})
    if needle is None:
        assert outcome.rc == 0  # `tool = 5` has no [tool.scalelint]: not ours to judge
    else:
        assert outcome.rc == 2 and needle in outcome.stderr, outcome.stderr


def test_a_bad_pyproject_in_a_parent_folder_is_a_clear_error(runner):
    files = {
        "pyproject.toml": b"[tool.other]\nx = " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "sub/.git": b"",
        "sub/pyproject.toml": b"",
        "sub/app.py": b"x = 1\n",
    }
    outcome = runner.run(Case("parent pyproject", files, JSON))
    assert not outcome.problems, outcome.describe()


def test_fly_toml_nested_too_deeply_is_scl001(runner):
    outcome = run(runner, "deep fly.toml", {"fly.toml": "app = 'x'\n[env]\nA = " + "[" * 5000 + "]" * 5000 + "\n"})
    assert any("nested too deeply" in m for m in scl001(outcome, "fly.toml"))


def test_deployment_files_that_are_not_utf8_are_scl001(runner):
    files = {
        "docker-compose.yml": b"services:\n  web:\n    command: gunicorn caf\xe9:app\n",
        "fly.toml": b'app = "caf\xe9"\n',
        "ci.yml": b"name: caf\xe9\n",  # not a deployment file: not ours to judge
    }
    outcome = run(runner, "latin-1 deploy files", files)
    assert scl001(outcome, "docker-compose.yml") == ["not valid UTF-8; scalelint skipped this file"]
    assert scl001(outcome, "fly.toml") == ["not valid UTF-8; scalelint skipped this file"]
    assert scl001(outcome, "ci.yml") == []


def test_a_deeply_nested_baseline_is_exit_2(runner, tmp_path):
    baseline = tmp_path / "baseline.json"
    baseline.write_text("[" * 100_000 + "]" * 100_000)
    outcome = run(runner, "deep baseline", {"app.py": "x = 1\n"}, (*JSON, "--baseline", str(baseline)))
    assert outcome.rc == 2 and "nested too deeply" in outcome.stderr


# --- the file system ------------------------------------------------------------------------


def test_a_gitignore_that_is_a_fifo_does_not_block(runner):
    outcome = run(runner, "fifo gitignore", {".gitignore": Fifo(), "app.py": "x = 1\n"})
    assert scl001(outcome, ".gitignore") == ["cannot read: not a regular file (a FIFO); scalelint skipped this file"]


@pytest.mark.parametrize("name", ["app.py", "Procfile", "docker-compose.yml", "schema.sql"])
def test_a_fifo_or_a_link_to_dev_zero_named_like_a_source_file_is_never_read(runner, name):
    files = {name: Fifo(), f"sub/{name}": Link("/dev/zero"), "ok.py": "x = 1\n"}
    run(runner, f"fifo {name}", files)


def test_a_file_replaced_by_a_fifo_after_the_walk_is_scl001_not_a_hang(tmp_path, monkeypatch, hang_guard):
    from scalelint import engine
    from scalelint.config import Settings

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "zero.py").write_text("x = 1\n")
    real_walk = engine.walk

    def walk_then_swap(*args, **kwargs):
        found = real_walk(*args, **kwargs)
        (tmp_path / "app.py").unlink()
        os.mkfifo(tmp_path / "app.py")
        (tmp_path / "zero.py").unlink()
        os.symlink("/dev/zero", tmp_path / "zero.py")
        return found

    monkeypatch.setattr(engine, "walk", walk_then_swap)
    report = engine.lint([tmp_path], Settings(root=tmp_path))
    messages = {d.path: d.message for d in report.diagnostics if d.code == "SCL001"}
    assert messages["app.py"].startswith("cannot read: not a regular file (a FIFO)")
    assert messages["zero.py"].startswith("cannot read: not a regular file (a character device)")


def test_a_non_utf8_file_name_is_read_and_reported_as_valid_json(runner):
    files = {b"caf\xe9.py": b"import requests\n\ndef fetch():\n    return requests.get('http://example.com')\n"}
    # an HTTP call no handler reaches: reported at scope "all"
    for args in ((*JSON, "--scope", "all"), ("--format", "json", "--scope", "all")):  # the cache key crashed even with --no-cache
        outcome = run(runner, "latin-1 name", files, args)
        [finding] = outcome.report["diagnostics"]
        assert finding["path"].endswith("/caf\\xe9.py") and finding["code"] == "SCL503"
    outcome = run(runner, "latin-1 name, SARIF", files, ("--format", "sarif", "--no-cache", "--scope", "all"))
    [result] = outcome.report["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("caf%5Cxe9.py")
    outcome = run(runner, "latin-1 name, text", files, ("--no-cache", "--scope", "all"))
    assert "/caf\\xe9.py:4:12: SCL503" in outcome.stdout.splitlines()[0]


def test_a_gitignore_line_pathspec_rejects_is_skipped_with_a_diagnostic(runner):
    files = {".gitignore": "build/\na\\\n!\n[z-a]\nsecret.py\n", "secret.py": "import requests\n\ndef f():\n    return requests.get('x')\n", "app.py": "x = 1\n"}
    outcome = run(runner, "bad gitignore lines", files)
    messages = scl001(outcome, ".gitignore")
    assert [m.split(":")[0] for m in messages] == ["line 2 ignored", "line 3 ignored", "line 4 ignored"]
    assert not [d for d in outcome.report["diagnostics"] if d["path"].endswith("secret.py")]  # the good lines still apply


@pytest.mark.parametrize("key", ["extend-exclude", "exclude"])
@pytest.mark.parametrize("pattern", ["a\\\\", "!", "[z-a]"])
def test_the_same_pattern_in_the_config_is_exit_2_naming_the_key(runner, key, pattern):
    outcome = run(runner, f"{key} {pattern}", {"pyproject.toml": f'[tool.scalelint]\n{key} = ["{pattern}"]\n', "app.py": "x = 1\n"})
    assert outcome.rc == 2 and f"`{key}`" in outcome.stderr, outcome.stderr


def test_a_bad_per_file_ignores_pattern_is_exit_2(runner):
    outcome = run(runner, "per-file-ignores", {"pyproject.toml": '[tool.scalelint.per-file-ignores]\n"[z-a]" = ["SCL201"]\n', "app.py": "x = 1\n"})
    assert outcome.rc == 2 and "per-file-ignores" in outcome.stderr


def test_an_unreadable_directory_is_scl001(tmp_path, monkeypatch, hang_guard):
    # root reads every directory, so the refusal is simulated where the walk asks for it
    from scalelint import discovery, engine
    from scalelint.config import Settings

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "app.py").write_text("x = 1\n")
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path).endswith("secret"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    report = engine.lint([tmp_path], Settings(root=tmp_path))
    assert [(d.path, d.message) for d in report.diagnostics] == [("secret", "cannot read this directory: Permission denied; scalelint skipped this file")]


def test_a_path_longer_than_path_max_is_scl001(tmp_path, hang_guard):
    # Built with directory descriptors: no single path given to the system is too long.
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(18):  # 18 x 250 characters: past Linux's 4,096
            name = "d" * 250
            os.mkdir(name, dir_fd=fd)
            next_fd = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = next_fd
        file_fd = os.open("app.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(file_fd, b"x = 1\n")
        os.close(file_fd)
    finally:
        os.close(fd)
    from scalelint import engine
    from scalelint.config import Settings

    report = engine.lint([root], Settings(root=root))
    [problem] = [d for d in report.diagnostics if d.code == "SCL001"]
    assert "File name too long" in problem.message


def test_symlink_loops_and_dangling_links_are_walked_past(runner):
    files = {"a": Link("b"), "b": Link("a"), "loop": Link("."), "gone.py": Link("missing.py"), "app.py": "x = 1\n"}
    run(runner, "links", files)


def test_select_naming_no_rule_is_exit_2(runner):
    outcome = run(runner, "select empty", {"app.py": "x = 1\n"}, (*JSON, "--select", ""))
    assert outcome.rc == 2 and "--select" in outcome.stderr


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="PEP 695 syntax parses on this Python")
def test_files_needing_a_newer_python_are_one_finding_that_names_the_others_at_scope_all(runner):
    files = {f"pkg/m{i}.py": f"type Id{i} = int\n" for i in range(3)}
    outcome = run(runner, "newer syntax in three files", files, args=ALL)
    found = [d for d in outcome.report["diagnostics"] if d["code"] == "SCL001"]
    assert len(found) == 1, found
    assert found[0]["path"].endswith("pkg/m0.py") and "2 other files" in found[0]["message"], found[0]
    assert sorted(r["path"].rsplit("/", 1)[-1] for r in found[0]["related"]) == ["m1.py", "m2.py"], found[0]
    [note] = run(runner, "newer syntax in three files, default scope", files).report["notes"]
    assert note.startswith("3 files need a newer Python") and "pkg/m0.py, pkg/m1.py, pkg/m2.py" in note, note


def test_a_project_generators_template_folder_is_not_read(runner):
    # cookiecutter's `{{cookiecutter.project}}/` holds Jinja, not Python: nothing to report
    template = "{{cookiecutter.project}}/{{cookiecutter.slug}}/cli.py"
    outcome = run(runner, "cookiecutter template", {template: "def {{cookiecutter.name}}():\n    pass\n", "app.py": "x = (\n"})
    paths = {d["path"] for d in outcome.report["diagnostics"]}
    assert any(p.endswith("app.py") for p in paths) and not any("cookiecutter" in p for p in paths), paths
