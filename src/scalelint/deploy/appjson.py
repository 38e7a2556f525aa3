"""Heroku's app manifest, `app.json`: the config vars `env` gives every process of the app.

Heroku sets them when the app is created from the repository (a Heroku Button, review apps),
so they are the environment of the Procfile's processes: `"DJANGO_SETTINGS_MODULE":
"shop.settings.heroku"` says which settings production runs. A value the user is asked for
(`"required": true`) or that Heroku generates (`"generator": "secret"`) is set but unknown.
"""

from __future__ import annotations

import json
import re

from scalelint.facts import EnvSetting, ImageRun, Span

SOURCE = "app.json"


def _span_of(text: str, name: str) -> Span | None:
    match = re.search(r'"' + re.escape(name) + r'"\s*:', text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    return Span(line, column, line, column + len(name) + 2)


def _value(entry: object) -> str | None:
    if isinstance(entry, (str, int, float)) and not isinstance(entry, bool):
        return str(entry)
    if isinstance(entry, dict) and "value" in entry and "generator" not in entry:
        value = entry["value"]
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
    return None


def extract(path: str, text: str) -> list[ImageRun]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    env = data.get("env") if isinstance(data, dict) else None
    if not isinstance(env, dict):
        return []
    settings = tuple(EnvSetting(str(name), _value(entry), _span_of(text, str(name))) for name, entry in env.items())
    return [ImageRun(path=path, source=SOURCE, process=None, env=settings)] if settings else []
