"""extract_deploy must never raise, whatever it is fed."""

import random

import pytest

from scalelint.deploy import extract_deploy
from scalelint.facts import DeployCommand, ImageRun, ParseProblem

KINDS_AND_PATHS = [
    ("procfile", "Procfile"),
    ("dockerfile", "Dockerfile"),
    ("yaml", "docker-compose.yml"),
    ("yaml", "render.yaml"),
    ("yaml", "app.yaml"),
    ("yaml", "k8s/deploy.yaml"),
    ("toml", "fly.toml"),
    ("shell", "entrypoint.sh"),
    ("ini", "supervisord.conf"),
    ("systemd", "app.service"),
    ("makefile", "Makefile"),
]

# Fragments that exercise every reader's special characters.
ALPHABET = list("abcxyz019 \t\n\n\\\"'`$(){}[]<>|&;#=:-@+%*,.!/~") + [
    "\x00", "\ufeff", "\r\n", "é", "{{", "}}", "<<EOF", "EOF", "sh -c ", "CMD ", "ENTRYPOINT ",
    "ENV ", "FROM x AS y", "services:", "  web:", "command: ", "- ", "apiVersion: v1\nkind: Pod\n",
    "[program:x]", "command=", "[Service]", "ExecStart=", "[processes]", "\tgunicorn", "web: ",
    '"""', "'''", "$((", "${", "|\n", ">\n", "&anchor", "*anchor", "<<: *anchor", "!!binary ",
]  # fmt: skip


def _garbage(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 200)))


@pytest.mark.parametrize("kind, path", KINDS_AND_PATHS)
def test_random_garbage_never_raises(kind, path):
    rng = random.Random(f"{kind}:{path}")
    for _ in range(300):
        commands, runs, problems = extract_deploy(path, kind, _garbage(rng))
        assert all(isinstance(c, DeployCommand) for c in commands)
        assert all(isinstance(r, ImageRun) for r in runs)
        assert all(isinstance(p, ParseProblem) for p in problems)
        for c in commands:
            for w in c.argv:
                assert w.span.line >= 1 and w.span.column >= 1


@pytest.mark.parametrize("kind, path", KINDS_AND_PATHS)
def test_binary_text_never_raises(kind, path):
    rng = random.Random(7)
    blob = bytes(rng.randrange(256) for _ in range(4000)).decode("latin-1")
    extract_deploy(path, kind, blob)
    extract_deploy(path, kind, "")
    extract_deploy(path, kind, "\n" * 50)


def test_unknown_kind_and_non_deploy_files_give_nothing():
    assert extract_deploy("README.md", "markdown", "web: gunicorn app") == ([], [], [])
    assert extract_deploy("pyproject.toml", "toml", '[project]\nname = "x"\n') == ([], [], [])
    assert extract_deploy("setup.cfg", "ini", "[flake8]\nmax-line-length = 99\n") == ([], [], [])
    assert extract_deploy(".pre-commit-config.yaml", "yaml", "repos: []\n") == ([], [], [])


def test_crlf_line_endings_keep_columns():
    (cmd, _), _, _ = extract_deploy("Procfile", "procfile", "web: gunicorn app\r\nworker: celery\r\n")
    assert cmd.argv[1].text == "app" and cmd.argv[1].span.end_column == 18


# One small, valid file per reader: every word's span must cut exactly the word (or the
# word in quotes) out of the file text.
SAMPLES = [
    ("procfile", "Procfile", "web: sh -c 'gunicorn app -w 4' && bash run.sh\nworker: celery -A x worker\n"),
    (
        "dockerfile",
        "Dockerfile",
        'FROM x\nWORKDIR /app\nENV A=1 B="x y" \\\n  C=$A\nENTRYPOINT ["/app/start.sh"]\n'
        'CMD ["sh", "-c", "gunicorn app -w 4 && celery worker"]\n',
    ),
    (
        "yaml",
        "docker-compose.yml",
        "services:\n  web:\n    environment: [A=1]\n    command: >-\n      sh -c 'migrate &&\n      gunicorn app -w \"4\"'\n"
        "  api:\n    command:\n      - uvicorn\n      - 'main:app'\n      - \"--workers\"\n",
    ),
    (
        "yaml",
        "k8s/d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - name: w\n          command: [sh, -c]\n          args:\n            - |\n"
        "              gunicorn app \\\n                -w 4\n          env: [{name: A, value: '1'}]\n",
    ),
    ("toml", "fly.toml", '[env]\nA = "1"\n[processes]\napp = """\ngunicorn app -w 4"""\nworker = \'celery worker\'\n'),
    ("shell", "start.sh", "export A=1\nif true; then\n  exec gunicorn app \\\n    -w \"$A\"\nfi\n"),
    ("ini", "s.conf", "[program:web]\ncommand = gunicorn app\n    -w 4\nenvironment = A=1, B=\"2\"\n"),
    ("systemd", "w.service", '[Service]\nEnvironment="A=1"\nExecStart=!/usr/bin/gunicorn app -w 4\n'),
    ("makefile", "Makefile", "run:\n\t@gunicorn app \\\n\t  -w 4\nprod: ; uvicorn m:a\n"),
]


@pytest.mark.parametrize("kind, path, text", SAMPLES)
def test_every_span_cuts_out_its_word(kind, path, text):
    commands, runs, problems = extract_deploy(path, kind, text)
    assert commands and not problems
    lines = text.split("\n")
    for command in commands:
        settings = [(e.name, e.span) for e in command.env if e.span is not None]
        for word in command.argv:
            span = word.span
            assert span.line == span.end_line, word
            written = lines[span.line - 1][span.column - 1 : span.end_column - 1]
            assert written in (word.text, f'"{word.text}"', f"'{word.text}'"), (word, written)
        for name, span in settings:
            assert lines[span.line - 1][span.column - 1 :].startswith(name) or name in lines[span.line - 1]
