from scalelint.deploy import extract_deploy
from scalelint.facts import Span


def run(text, path="Dockerfile"):
    commands, runs, problems = extract_deploy(path, "dockerfile", text)
    assert runs == [] and problems == []
    return commands


def texts(command):
    return [w.text for w in command.argv]


def test_shell_form_with_continuations_and_comment_lines():
    text = (
        "FROM python:3.12-slim\n"
        "CMD gunicorn app:app \\\n"
        "# a comment inside the continuation\n"
        "    --workers 2 && echo started\n"
    )
    first, second = run(text)
    assert texts(first) == ["gunicorn", "app:app", "--workers", "2"]
    assert first.argv[0].span == Span(2, 5, 2, 13)
    assert first.argv[2].span == Span(4, 5, 4, 14)
    assert texts(second) == ["echo", "started"]
    assert first.source == "dockerfile" and first.process is None and first.web is None


def test_exec_form_multiline_and_sh_c():
    text = 'FROM x\nCMD ["gunicorn", "app:app", \\\n     "-w", "4"]\n'
    (cmd,) = run(text)
    assert texts(cmd) == ["gunicorn", "app:app", "-w", "4"]
    assert cmd.argv[0].span == Span(2, 6, 2, 16)
    assert cmd.argv[2].span == Span(3, 6, 3, 10)
    (inner,) = run('FROM x\nCMD ["sh", "-c", "gunicorn app:app -w 4"]\n')
    assert texts(inner) == ["gunicorn", "app:app", "-w", "4"]
    assert inner.argv[0].span == Span(2, 19, 2, 27)


def test_invalid_json_falls_back_to_shell_form():
    (cmd,) = run("FROM x\nCMD ['gunicorn', 'app']\n")
    assert texts(cmd) == ["[gunicorn,", "app]"]


def test_env_forms_and_last_stage_only():
    text = (
        "# syntax=docker/dockerfile:1\n"
        "ARG VERSION=3.12\n"
        "FROM python:${VERSION} AS build\n"
        "ENV BUILD_ONLY=1\n"
        "CMD [\"python\", \"build.py\"]\n"
        "FROM python:3.12-slim\n"
        'ENV WEB_CONCURRENCY=4 GREETING="hello world" \\\n'
        "    WORKERS=$WEB_CONCURRENCY\n"
        "ENV LEGACY some value here\n"
        "ENV CORES=$(nproc)\n"
        'CMD ["gunicorn", "app:app"]\n'
    )
    (cmd,) = run(text)
    assert texts(cmd) == ["gunicorn", "app:app"]
    assert [(e.name, e.value) for e in cmd.env] == [
        ("WEB_CONCURRENCY", "4"),
        ("GREETING", "hello world"),
        ("WORKERS", "$WEB_CONCURRENCY"),
        ("LEGACY", "some value here"),
        ("CORES", None),
    ]
    assert cmd.env[0].span == Span(7, 5, 7, 22)
    assert cmd.env[2].span == Span(8, 5, 8, 29)


def test_stage_inherits_from_named_parent():
    text = "FROM python AS base\nENV A=1\nCMD gunicorn app\nFROM base AS final\nENV B=2\n"
    (cmd,) = run(text)
    assert texts(cmd) == ["gunicorn", "app"]
    assert [e.name for e in cmd.env] == ["A", "B"]


def test_entrypoint_exec_plus_cmd_exec_combine():
    (cmd,) = run('FROM x\nENTRYPOINT ["tini", "--"]\nCMD ["uvicorn", "main:app", "--workers", "2"]\n')
    assert texts(cmd) == ["tini", "--", "uvicorn", "main:app", "--workers", "2"]
    assert cmd.runs_script is None


def test_entrypoint_script_with_workdir_and_cmd_args():
    text = (
        "FROM python:3.12\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        'ENTRYPOINT ["/app/start.sh"]\n'
        'CMD ["gunicorn", "app:app"]\n'
    )
    (cmd,) = run(text)
    assert cmd.runs_script == "start.sh"
    assert texts(cmd) == ["/app/start.sh", "gunicorn", "app:app"]


def test_entrypoint_script_paths():
    (a,) = run("FROM x\nENTRYPOINT ./entrypoint.sh\n")
    assert a.runs_script == "entrypoint.sh"
    (b,) = run('FROM x\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["web"]\n')
    assert b.runs_script == "docker-entrypoint.sh"
    (c,) = run('FROM x\nCOPY docker/entry.sh /usr/local/bin/entry.sh\nENTRYPOINT ["/usr/local/bin/entry.sh"]\n')
    assert c.runs_script == "docker/entry.sh"
    (d,) = run('FROM x\nWORKDIR /srv\nCMD ["/app/.venv/bin/gunicorn", "app"]\n')
    assert d.runs_script is None


def test_shell_form_entrypoint_ignores_cmd_and_directives():
    text = "# escape=`\nFROM x\nENTRYPOINT gunicorn `\n  app:app\nCMD [\"ignored\"]\n"
    (cmd,) = run(text)
    assert texts(cmd) == ["gunicorn", "app:app"]
    assert cmd.argv[1].span == Span(4, 3, 4, 10)


def test_heredoc_body_is_not_parsed_as_instructions():
    text = "FROM x\nRUN <<EOF\nCMD not-this\nEOF\nCMD real\n"
    (cmd,) = run(text)
    assert texts(cmd) == ["real"]


def test_context_from_file_name():
    (cmd,) = run("FROM x\nCMD flask run\n", path="docker/Dockerfile.dev")
    assert cmd.context == "development"
