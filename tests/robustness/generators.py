"""Small random generators of bad and odd repositories, for the robustness suite and the long
fuzz mode (benchmarks/fuzz.py). Each takes a `random.Random` and returns a `Case`: a handful of
files in the shapes scalelint reads (Python the frameworks' way, YAML, TOML, SQL, Procfiles,
Dockerfiles, shell entrypoints, templates) built from fragments, then damaged: cut short, bytes flipped,
lines repeated, nested deep, encoded wrongly. File-system oddities come too: FIFOs, links that
loop, dangle or point at devices, unreadable files, names that are not UTF-8.

Seeded and pure: the same seed gives the same case, so a failure is reproduced with its seed.
Python from the grammar itself comes from hypothesmith, in test_fuzz.py and benchmarks/fuzz.py.
"""

from __future__ import annotations

import random
from typing import Callable

from fuzzing import Case, Fifo, Link, Unreadable

JSON_ARGS = ("--format", "json", "--no-cache")

NUMBERS = [
    "0", "1", "-1", "2", "8", "64", "1000", "10**18", "10**400", "1e999", "-1e999", "1e308 * 10", "0.5",
    'float("inf")', 'float("nan")', '-float("inf")', 'int("9" * 40)', '"4"', '"inf"', '"²"', "True", "None",
    '"NaN"', "2 ** 64", "1 / 0", "-0", "0x10", "3 + 4j", '"1e3"', '"  12 "', "[]", "{}",
]
SHELL_NUMBERS = ["0", "1", "-1", "4", "99999999999999999999999", "inf", "nan", "1e9", "", "$WEB_CONCURRENCY", "${X:-4}", "²", "0x10", "'8'", '"', "$(nproc)"]


# --- damage ---------------------------------------------------------------------------------


def damage(rng: random.Random, text: str) -> bytes:
    """One of several ways a file goes wrong, applied to otherwise reasonable text (left as it
    is one time in three, so the readers past the parser get their share)."""
    data = text.encode("utf-8")
    how = rng.randrange(18)
    if how >= 12 or not data:
        return data
    if how == 1:
        return data[: rng.randrange(len(data))]  # cut short
    if how == 2:
        out = bytearray(data)
        for _ in range(rng.randrange(1, 6)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)  # bytes flipped (maybe not UTF-8 any more)
    if how == 3:
        lines = data.split(b"\n")
        line = rng.choice(lines)
        at = rng.randrange(len(lines))
        return b"\n".join(lines[:at] + [line] * rng.randrange(2, 300) + lines[at:])  # a line repeated
    if how == 4:
        depth = rng.choice([50, 99, 101, 199, 201, 1000, 3000])
        opener, closer = rng.choice([(b"[", b"]"), (b"(", b")"), (b"{", b"}"), (b"{a: ", b"}")])
        at = rng.randrange(len(data))
        return data[:at] + opener * depth + closer * rng.choice([0, depth]) + data[at:]  # nested deep
    if how == 5:
        return b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")  # BOM and CRLF
    if how == 6:
        return data.decode("utf-8").encode("utf-16")
    if how == 7:
        return data + b"\x00" + bytes(rng.randrange(256) for _ in range(20))
    if how == 8:
        lines = data.split(b"\n")
        rng.shuffle(lines)
        return b"\n".join(lines)
    if how == 9:
        return data.replace(b" ", b"\t", rng.randrange(1, 20))
    if how == 10:
        at = rng.randrange(len(data))
        return data[:at] + data[at:] * rng.randrange(2, 20)  # a tail repeated
    return data.replace(b"\n", b"", rng.randrange(1, 10))


def _files(rng: random.Random, named: dict[str, str]) -> dict[str, object]:
    return {name: damage(rng, text) for name, text in named.items()}


# --- Python the frameworks' way -------------------------------------------------------------

PY_SNIPPETS = [
    "from flask import Flask\nimport requests\napp = Flask(__name__)\n\n@app.route('/')\ndef index():\n    return requests.get('http://x').text\n",
    "from django.db import models\n\nclass Org(models.Model):\n    name = models.CharField(max_length=50)\n\nclass User(models.Model):\n    org = models.ForeignKey(Org, on_delete=models.CASCADE)\n    email = models.EmailField()\n",
    "from .models import User\n\ndef users(request):\n    for u in User.objects.all():\n        print(u.org.name)\n    return len(User.objects.all())\n",
    "import os\nDEBUG = os.environ.get('DEBUG', '0') == '1'\nDATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'CONN_MAX_AGE': int(os.getenv('AGE', '0'))}}\nCACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}\n",
    "from sqlalchemy import create_engine, Column, Integer, ForeignKey\nfrom sqlalchemy.orm import declarative_base, relationship\nBase = declarative_base()\nengine = create_engine('postgresql://x', pool_size=2, max_overflow=0)\n\nclass Trip(Base):\n    __tablename__ = 'trips'\n    id = Column(Integer, primary_key=True)\n    user_id = Column(Integer, ForeignKey('users.id'))\n    user = relationship('User')\n",
    "from fastapi import FastAPI\nimport time\napp = FastAPI()\n\n@app.get('/items')\nasync def items():\n    time.sleep(1)\n    return []\n",
    "import smtplib\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.post('/signup')\ndef signup():\n    smtplib.SMTP('localhost').sendmail('a', 'b', 'c')\n    return 'ok'\n",
    "A = 'x'\nA = A + A\nB = A if A else None\nC = f'{A}{B}'\nD = A * 3\nE = {**{'a': 1}, 'b': [*range(3)]}\n",
    "class Meta(type):\n    def __new__(m, n, b, d):\n        return super().__new__(m, n, b, d)\n\nclass X(metaclass=Meta):\n    @property\n    def y(self):\n        return self.y\n",
    "async def f():\n    async with a as b, c as d:\n        async for x in y:\n            await z\n    return [i async for i in g() if await i]\n",
    "match command.split():\n    case [action]:\n        pass\n    case [action, obj] if obj:\n        pass\n    case _:\n        pass\n",
    "def f(a, /, b, *, c=lambda: (yield)):\n    global g\n    nonlocal_ = 1\n    del a[b:c:d]\n    return (x := 1)\n",
]
GUNICORN = "import os\nworkers = {n}\nthreads = {m}\ntimeout = {t}\nworker_class = {wc}\nbind = '0.0.0.0:' + os.environ.get('PORT', {p})\n"
WORKER_CLASSES = ["'sync'", "'gthread'", "'uvicorn.workers.UvicornWorker'", "None", "1", "os.environ['W']"]


def python_case(rng: random.Random) -> Case:
    names = ["app.py", "views.py", "models.py", "settings.py", "db.py", "app/__init__.py", "migrations/0001_initial.py"]
    files: dict[str, object] = {}
    for _ in range(rng.randrange(1, 4)):
        text = "\n".join(rng.choice(PY_SNIPPETS) for _ in range(rng.randrange(1, 4)))
        files[rng.choice(names)] = damage(rng, text)
    if rng.random() < 0.4:
        files["gunicorn.conf.py"] = damage(
            rng,
            GUNICORN.format(n=rng.choice(NUMBERS), m=rng.choice(NUMBERS), t=rng.choice(NUMBERS), wc=rng.choice(WORKER_CLASSES), p=rng.choice(NUMBERS)),
        )
        files["Procfile"] = "web: gunicorn -c gunicorn.conf.py app:app\n"
    return Case("python", files, JSON_ARGS)


# --- deployment files -----------------------------------------------------------------------

GUNICORN_FLAGS = ["-w", "--workers", "--threads", "-k", "--timeout", "--worker-class", "-b", "--bind", "--reload", "-c", "--preload", "--max-requests"]
COMMANDS = ["gunicorn app:app", "uvicorn main:app", "python manage.py runserver 0.0.0.0:$PORT", "flask run", "celery -A proj worker", "python app.py", "daphne proj.asgi:application", "waitress-serve app:app", "hypercorn main:app", "sh -c 'exec gunicorn app:app'"]


def _command(rng: random.Random) -> str:
    words = [rng.choice(COMMANDS)]
    for _ in range(rng.randrange(0, 5)):
        flag = rng.choice(GUNICORN_FLAGS)
        words.append(flag if flag in ("--reload", "--preload") else f"{flag} {rng.choice(SHELL_NUMBERS + ['gevent', 'uvicorn.workers.UvicornWorker', '0.0.0.0:8000'])}")
    return " ".join(words)


def procfile_case(rng: random.Random) -> Case:
    lines = [f"{rng.choice(['web', 'worker', 'release', 'web2', '', 'we b', 'x' * 300])}: {_command(rng)}" for _ in range(rng.randrange(1, 5))]
    return Case("procfile", _files(rng, {"Procfile": "\n".join(lines) + "\n", "app.py": PY_SNIPPETS[0]}), JSON_ARGS)


def dockerfile_case(rng: random.Random) -> Case:
    lines = ["FROM python:3.12-slim", f"ENV WEB_CONCURRENCY={rng.choice(SHELL_NUMBERS)} PORT=8000", "ARG X=1", "COPY . /app", "WORKDIR /app"]
    for _ in range(rng.randrange(1, 4)):
        cmd = _command(rng)
        form = rng.randrange(4)
        if form == 0:
            lines.append(f"CMD {cmd}")
        elif form == 1:
            lines.append("CMD [" + ", ".join(f'"{w}"' for w in cmd.split()) + "]")
        elif form == 2:
            lines.append("ENTRYPOINT [\"./entrypoint.sh\"" + rng.choice(["]", "", ", ]", "]]"]))
        else:
            lines.append(f"CMD {cmd} \\\n    --extra \\")
    files = {"Dockerfile": "\n".join(lines) + "\n", "entrypoint.sh": shell_text(rng)}
    return Case("dockerfile", _files(rng, files), JSON_ARGS)


def shell_text(rng: random.Random) -> str:
    body = [
        "#!/bin/sh",
        "set -e",
        f"export WEB_CONCURRENCY={rng.choice(SHELL_NUMBERS)}",
        'if [ "$1" = "web" ]; then',
        f"  exec {_command(rng)}",
        "fi",
        'case "$ROLE" in worker) exec celery -A app worker ;; *) exec "$@" ;; esac',
        "cat <<EOF\nexec gunicorn fake:app\nEOF",
        f"exec {_command(rng)} \"$@\"",
        rng.choice(["echo 'unclosed", 'echo "$(', "exec $(( 1 + ", "exec \\", "}", "fi fi done"]),
    ]
    return "\n".join(rng.sample(body, rng.randrange(2, len(body))))


def shell_case(rng: random.Random) -> Case:
    name = rng.choice(["entrypoint.sh", "docker-entrypoint.sh", "bin/start", "scripts/web", "start.sh"])
    return Case("shell", _files(rng, {name: shell_text(rng), "Procfile": f"web: ./{name}\n"}), JSON_ARGS)


def _yaml_scalar(rng: random.Random) -> str:
    return rng.choice(["1", "-1", ".inf", ".nan", "~", "null", "yes", "0x10", "1e999", "'quoted'", '"dq"', "[a, b]", "{a: 1}", "&anchor x", "*anchor", "!!python/object:os.system x", "|\n      block\n      text", ">-", "9" * 50, "@reserved", "`tick`"])


def yaml_case(rng: random.Random) -> Case:
    lines = ["x-base: &base", f"  image: web", f"  environment:", f"    WEB_CONCURRENCY: {_yaml_scalar(rng)}", "services:"]
    for i in range(rng.randrange(1, 4)):
        lines.append(f"  svc{i}:")
        if rng.random() < 0.5:
            lines.append("    <<: " + rng.choice(["*base", "[*base, *base]", "*missing", "[]", "1", "*base\n    <<: *base"]))
        lines.append(f"    command: {rng.choice([_command(rng), '[' + ', '.join(_command(rng).split()) + ']', _yaml_scalar(rng)])}")
        lines.append(f"    deploy: {{replicas: {_yaml_scalar(rng)}}}")
        if rng.random() < 0.3:
            lines.append(f"    environment: [{rng.choice(['A=1', 'WEB_CONCURRENCY=inf', 'X', '=', 'A=' + 'b' * 100])}]")
    if rng.random() < 0.2:  # a small merge bomb
        width = rng.randrange(2, 8)
        for level in range(1, rng.randrange(2, 9)):
            lines.append(f"x-b{level}: &b{level} {{<<: [{', '.join(['*base' if level == 1 else f'*b{level - 1}'] * width)}]}}")
    name = rng.choice(["docker-compose.yml", "compose.yaml", "render.yaml", "app.yaml", "k8s/deploy.yaml", "docker-compose.prod.yml"])
    text = "\n".join(lines) + "\n"
    if name.startswith("k8s"):
        text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          command: [gunicorn, app:app, --workers, '" + rng.choice(SHELL_NUMBERS) + "']\n---\n" + text
    if name == "app.yaml":
        text = "runtime: python312\nentrypoint: " + _command(rng) + "\n" + text
    return Case("yaml", _files(rng, {name: text, "app.py": PY_SNIPPETS[0]}), JSON_ARGS)


def toml_case(rng: random.Random) -> Case:
    values = ["1", "-1", "inf", "nan", "+inf", "1e999", '"s"', "[1, [2, [3]]]", "{a = 1}", "true", "1979-05-27T07:32:00Z", '"""multi\nline"""', "0x10", "9" * 30, "[]"]
    fly = ["app = 'x'", "[env]", f"WEB_CONCURRENCY = {rng.choice(values)}", "[processes]", f"web = '{_command(rng)}'", f"worker = {rng.choice(values)}", "[experimental]", f"cmd = {rng.choice(values)}", "[build]", f"dockerfile = {rng.choice(values)}"]
    selects = ["[]", '["ALL"]', '["SCL"]', "5", "[1]", '[""]', '["nope"]']
    excludes = ['["a\\\\"]', '["!"]', '["[z-a]"]', '["**/x"]', '["legacy/"]', '"str"']
    scalelint_keys = [
        "select = " + rng.choice(selects),
        "extend-exclude = " + rng.choice(excludes),
        "respect-gitignore = " + rng.choice(["true", "1", '"yes"']),
        "sql-dialect = " + rng.choice(['"postgres"', '"oracle"', "1"]),
        "[tool.scalelint.rules." + rng.choice(["small-connection-pool", "SCL301", "nope", "pool-exhaustion"]) + "]",
        rng.choice(["min-pool-size", "max-connections", "nope"]) + " = " + rng.choice(values),
    ]
    pyproject = rng.choice(["tool = 5", "[tool]\nscalelint = 5", "[project]\nname = 'x'", "[tool.other]\nx = 1"]) + "\n"
    if rng.random() < 0.6:
        pyproject += "[tool.scalelint]\n" + "\n".join(rng.sample(scalelint_keys, rng.randrange(0, len(scalelint_keys)))) + "\n"
    files = _files(rng, {"fly.toml": "\n".join(fly) + "\n", "app.py": PY_SNIPPETS[0]})
    if rng.random() < 0.3:  # a bad pyproject.toml ends the run with exit 2: a third of the cases
        files["pyproject.toml"] = damage(rng, pyproject)
    return Case("toml", files, JSON_ARGS)


SQL_STATEMENTS = [
    "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, org_id int REFERENCES orgs(id))",
    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (lower(email)) WHERE deleted_at IS NULL",
    "ALTER TABLE users ADD COLUMN name text, ADD CONSTRAINT fk FOREIGN KEY (org_id) REFERENCES orgs (id)",
    "CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT, KEY `k` (`id`) USING BTREE) ENGINE=InnoDB",
    "INSERT INTO users (email) VALUES ('a@b.c'), ('it''s')",
    "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql",
    "COPY users (id, email) FROM stdin;\n1\ta@b\n\\.",
    "DROP INDEX IF EXISTS users_email",
    "SELECT count(*) FROM users WHERE email LIKE '%x%'",
    "CREATE TABLE (",
    "CREATE INDEX ON (email)",
    "ALTER TABLE users RENAME TO people",
    "-- comment; with semicolon\nCREATE TABLE a (b int)",
    "/* unclosed comment",
    "SELECT '" + "x" * 50,
    "CREATE TABLE t (a " + "int, b " * 50 + "int)",
]


def sql_case(rng: random.Random) -> Case:
    statements = [rng.choice(SQL_STATEMENTS) for _ in range(rng.randrange(1, 12))]
    if rng.random() < 0.1:
        statements *= rng.randrange(50, 400)
    name = rng.choice(["schema.sql", "migrations/001.sql", "db/structure.sql", "models/x.sql"])
    return Case("sql", _files(rng, {name: ";\n".join(statements) + ";\n"}), JSON_ARGS)


TEMPLATE_PIECES = [
    "{% for order in orders %}{{ order.customer.name }}{% endfor %}",
    "{% if user.is_authenticated %}{{ user.profile.avatar.url }}{% else %}x{% endif %}",
    "{% extends 'base.html' %}{% block content %}{% endblock %}",
    "{% include 'row.html' with item=item %}",
    "{{ items|length }} {{ items.count }} {{ page_obj.paginator.count }}",
    "{% with total=business.employees.count %}{{ total }}{% endwith %}",
    "{# comment #}{% comment %}x{% endcomment %}",
    "{% for a in b %}{% for c in a.children.all %}{{ c.parent.name }}{% endfor %}{% endfor %}",
    "{{ unclosed", "{% for x in %}", "{% endfor %}", "{% if %}", "{{ a.b.c.d.e.f.g.h }}",
    "{% macro m(x) %}{{ x.y }}{% endmacro %}{{ m(row) }}",
]


def template_case(rng: random.Random) -> Case:
    pieces = [rng.choice(TEMPLATE_PIECES) for _ in range(rng.randrange(1, 10))]
    if rng.random() < 0.2:
        depth = rng.choice([100, 1000, 5000])
        pieces.append("{% if x %}" * depth + "y" + "{% endif %}" * rng.choice([0, depth]))
    if rng.random() < 0.2:
        pieces.append("{% for x in items %}" * rng.choice([50, 500]) + "{{ x.rel.name }}")
    views = "from django.shortcuts import render\nfrom .models import Order\n\ndef orders(request):\n    return render(request, 'orders.html', {'orders': Order.objects.all()})\n"
    files = {"templates/orders.html": "\n".join(pieces), "shop/views.py": views, "shop/models.py": PY_SNIPPETS[1]}
    return Case("template", _files(rng, files), JSON_ARGS)


# --- the file system ------------------------------------------------------------------------

SOURCE_NAMES = ["app.py", "Procfile", "Dockerfile", "docker-compose.yml", "schema.sql", "fly.toml", ".gitignore", "entrypoint.sh", "gunicorn.conf.py", "settings.py"]


def filesystem_case(rng: random.Random) -> Case:
    files: dict[object, object] = {"ok.py": PY_SNIPPETS[0]}
    for _ in range(rng.randrange(1, 5)):
        where = rng.choice(["", "sub/", "templates/", "bin/", "a/b/c/"])
        name = where + rng.choice(SOURCE_NAMES)
        odd = rng.randrange(9)
        if odd == 0:
            files[name] = Fifo()
        elif odd == 1:
            files[name] = Link(rng.choice(["/dev/zero", "/dev/null", "/dev/urandom", "/proc/self/mem"]))
        elif odd == 2:
            files[name] = Link(rng.choice(["missing", "../../outside", name.rsplit("/", 1)[-1], "."]))
        elif odd == 3:
            files[where + "loop"] = Link(".")
            files[where + "up"] = Link("..")
        elif odd == 4:
            files[name] = Unreadable()
        elif odd == 5:
            raw = name.encode() + rng.choice([b"\xe9", b"\xff\xfe", b"\x80", b"\xed\xa0\x80"])
            files[raw.replace(b".", b"\xe9.", 1)] = damage(rng, PY_SNIPPETS[rng.randrange(len(PY_SNIPPETS))])
        elif odd == 6:
            files[where + "x" * rng.choice([200, 250, 255]) + ".py"] = "x = 1\n"
        elif odd == 7:
            files[name + "/inner.py"] = "x = 1\n"  # a directory named like a file
        else:
            files[name] = b""
    if rng.random() < 0.3:
        files[".gitignore"] = damage(rng, "\n".join(rng.choice(["*.pyc", "a\\", "!", "[z-a]", "**/", "/", "build/", "#c", "\\#x", "ok.py"]) for _ in range(5)))
    return Case("filesystem", files, JSON_ARGS)


GENERATORS: dict[str, Callable[[random.Random], Case]] = {
    "python": python_case,
    "procfile": procfile_case,
    "dockerfile": dockerfile_case,
    "shell": shell_case,
    "yaml": yaml_case,
    "toml": toml_case,
    "sql": sql_case,
    "template": template_case,
    "filesystem": filesystem_case,
}


def generate(name: str, seed: int) -> Case:
    case = GENERATORS[name](random.Random(seed))
    case.name = f"{name}#{seed}"
    return case
