from scalelint.deploy import extract_deploy
from scalelint.facts import Span

ENTRYPOINT = """\
#!/bin/sh
set -e
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-4}
WORKERS=$(nproc)
cat > /tmp/gunicorn.conf.py <<CONF
workers = 99
CONF
python manage.py migrate --noinput
if [ "$1" = "web" ]; then
  exec gunicorn app.wsgi:application \\
    --workers "$WORKERS" --bind 0.0.0.0:8000
fi
exec "$@"
"""


def test_entrypoint_script_env_and_commands():
    commands, runs, problems = extract_deploy("docker-entrypoint.sh", "shell", ENTRYPOINT)
    assert runs == [] and problems == []
    argvs = [[w.text for w in c.argv] for c in commands]
    assert argvs == [
        ["set", "-e"],
        ["cat"],
        ["python", "manage.py", "migrate", "--noinput"],
        ["[", "$1", "=", "web", "]"],
        ["exec", "gunicorn", "app.wsgi:application", "--workers", "$WORKERS", "--bind", "0.0.0.0:8000"],
        ["exec", "$@"],
    ]
    assert commands[0].env == ()
    gunicorn = commands[4]
    assert gunicorn.source == "shell" and gunicorn.process is None
    assert [(e.name, e.value) for e in gunicorn.env] == [
        ("WEB_CONCURRENCY", "${WEB_CONCURRENCY:-4}"),
        ("WORKERS", None),
    ]
    assert gunicorn.env[0].span == Span(3, 8, 3, 45)
    assert gunicorn.argv[1].span == Span(10, 8, 10, 16)
    assert gunicorn.argv[4].span == Span(11, 15, 11, 25)


def test_script_with_sh_c_function_and_scripts():
    text = "start() {\n  sh -c 'uvicorn main:app --workers 2'\n}\nbash scripts/warm.sh\n"
    commands, _, _ = extract_deploy("bin/web", "shell", text)
    uvicorn, warm = commands
    assert [w.text for w in uvicorn.argv] == ["uvicorn", "main:app", "--workers", "2"]
    assert uvicorn.argv[0].span == Span(2, 10, 2, 17)
    assert warm.runs_script == "scripts/warm.sh"


def test_assignment_prefix_applies_to_one_command_only():
    text = "GUNICORN_CMD_ARGS='--workers 3' gunicorn app\nuvicorn m:a\n"
    gunicorn, uvicorn = extract_deploy("run.sh", "shell", text)[0]
    assert [(e.name, e.value) for e in gunicorn.env] == [("GUNICORN_CMD_ARGS", "--workers 3")]
    assert gunicorn.env[0].span == Span(1, 1, 1, 32)
    assert uvicorn.env == ()
