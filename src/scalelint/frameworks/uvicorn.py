"""uvicorn (and the `fastapi` CLI, which runs uvicorn): options and defaults.
`--workers` defaults to $WEB_CONCURRENCY, else 1."""

from __future__ import annotations

from scalelint.frameworks.cli import OptionSpec

OPTIONS = OptionSpec(
    names={
        "--workers": "workers",
        "--reload": "reload",
        "--limit-concurrency": "limit_concurrency",
        "--env-file": "env_file",
        "--app-dir": "app_dir",
        "--factory": "factory",
        "--interface": "interface",
    },
    flags=frozenset(
        {
            "--reload", "--factory", "--proxy-headers", "--no-proxy-headers", "--use-colors", "--no-use-colors",
            "--access-log", "--no-access-log", "--server-header", "--no-server-header", "--date-header",
            "--no-date-header", "--version", "--help",
        }
    ),
    short_with_value=frozenset(),
)

# `uvicorn.run(app, ...)` in a script: the positional parameters it takes
RUN_FUNCTIONS: dict[str, tuple[str, ...]] = {"uvicorn.run": ("app",)}
