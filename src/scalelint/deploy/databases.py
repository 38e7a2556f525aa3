"""What deployment and configuration files say about the database server: the images compose
files and manifests run (`image: mariadb:10.11`, `FROM postgis/postgis`, Helm's
`repository: bitnami/postgresql`), connection URLs in environments (`DATABASE_URL=mysql://...`
in compose, Kubernetes, render.yaml, fly.toml, `.env.example`, alembic.ini), Render's managed
`databases:` (PostgreSQL) and Heroku add-ons in app.json. Read line by line, so a Helm template
or a file we do not otherwise understand still gives its evidence; comment lines give none."""

from __future__ import annotations

import posixpath
import re

from scalelint.deploy.context import context_of
from scalelint.facts import Context, DatabaseHint, Span
from scalelint.frameworks import databases as db

__all__ = ["database_hints", "ci_path"]

_IMAGE = re.compile(r"^\s*(?:-\s*)?(?:image|repository)\s*:\s*['\"]?(?P<image>[\w./:@${}-]+)")
_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(?P<image>\S+)", re.IGNORECASE)
_RENDER_DATABASES = re.compile(r"^(?:databases\s*:|\s*(?:-\s*)?fromDatabase\s*:)")
_ADDON = re.compile(r"[\"'](?P<addon>heroku-postgresql|jawsdb(?:-maria)?|cleardb)(?::[\w-]+)?[\"']")
_COMMENT = re.compile(r"^\s*(?:#|;|//)")
# CI runs the tests: its database service says what the tests use, not what production runs
_CI = re.compile(r"(?:^|/)(?:\.github|\.gitlab|\.circleci|\.buildkite|\.woodpecker|\.drone)(?:/|$)|(?:^|/)(?:\.gitlab-ci|\.travis|azure-pipelines|bitbucket-pipelines|cloudbuild|\.drone)\.ya?ml$")
_TEMPLATE_SUFFIX = re.compile(r"[._-](?:example|sample|template|dist|tmpl|tpl)$|^(?:example|sample)[._-]", re.IGNORECASE)
_KINDS = frozenset({"yaml", "toml", "dotenv", "json", "dockerfile", "procfile", "shell", "ini"})


def ci_path(path: str) -> bool:
    return bool(_CI.search(path))


def database_hints(path: str, kind: str, text: str) -> list[DatabaseHint]:
    if kind not in _KINDS or not any(marker in text for marker in ("://", "image", "FROM", "repository", "atabase", "addons")):
        return []
    # `.env.example` is the template of the real environment, not an example project
    directory, base = posixpath.split(path)
    judged_path = posixpath.join(directory, _TEMPLATE_SUFFIX.sub("", base)) if kind == "dotenv" else path
    context: Context = "development" if ci_path(path) else context_of(judged_path)
    name = base.lower()
    out: list[DatabaseHint] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if _COMMENT.match(line):
            continue
        image = _IMAGE.match(line) if kind == "yaml" else _FROM.match(line) if kind == "dockerfile" else None
        if image is not None:
            dialect = db.image_dialect(image.group("image"))
            if dialect:
                out.append(_hint(dialect, line.strip(), number, image.start("image"), image.end("image"), context))
                continue
        for match in db.URL_RE.finditer(line):
            dialect = db.url_dialect(match.group(1))
            if dialect:
                end = _url_end(line, match.start())
                out.append(_hint(dialect, line[match.start() : end], number, match.start(), end, context))
                break
        if kind == "yaml" and name.startswith("render.") and _RENDER_DATABASES.match(line):
            out.append(_hint("postgres", line.strip() + " (Render's managed databases are PostgreSQL)", number, 0, len(line), context))
        if kind == "json":
            for match in _ADDON.finditer(line):
                dialect = db.addon_dialect(match.group("addon"))
                if dialect:
                    out.append(_hint(dialect, f"add-on {match.group('addon')}", number, match.start("addon"), match.end("addon"), context))
    return out


def _url_end(line: str, start: int) -> int:
    end = start
    while end < len(line) and line[end] not in " \t\"'`,;)]}#":
        end += 1
    return end


def _hint(dialect: str, evidence: str, line: int, start: int, end: int, context: Context) -> DatabaseHint:
    if "@" in evidence and "://" in evidence:  # never repeat a password in a message
        scheme, _, rest = evidence.partition("://")
        evidence = f"{scheme}://…@{rest.rpartition('@')[2]}"
    return DatabaseHint(dialect, evidence[:120], Span(line, start + 1, line, max(end, start + 1) + 1), context)
