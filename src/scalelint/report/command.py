"""`scalelint report [PATHS] [--format markdown|json|html] [-o FILE]`: the scaling review.

Exit 0 once the review is written (findings are its content, not a failure), 2 on a usage or
configuration error, with nothing written."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scalelint.report import FORMATS


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "-f", "output_format", type=click.Choice(FORMATS), default="markdown", show_default=True, help="Markdown for pull requests and wikis, JSON for tools, one self-contained HTML file for people.")
@click.option("-o", "--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write the review to this file instead of stdout.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Read settings from this TOML file.")
@click.option("--select", multiple=True, help="Rules whose findings the review lists (codes, prefixes or names).")
@click.option("--extend-select", multiple=True, help="Rules to run in addition to the selection.")
@click.option("--ignore", multiple=True, help="Rules to leave out.")
@click.option("--scope", type=click.Choice(("request", "all")), help="Findings on code that runs per request (the default), or on every path.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Processes for reading files (default: one per CPU).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache.")
@click.option("--cache-dir", type=click.Path(path_type=Path), help="Where to keep the cache (default: ~/.cache/scalelint).")
def report(**options) -> None:
    """Write the scaling review of a codebase: its architecture, capacity arithmetic and
    ranked bottlenecks, from the code alone (default PATH: .)."""
    from scalelint import cli, registry
    from scalelint.config import ConfigError
    from scalelint.report import build_review, render

    targets = list(options["paths"]) or [Path(".")]
    if Path("-") in targets:
        cli._fail("`scalelint report` reads a repository: standard input (`-`) is not one")
    try:
        for target in targets:
            if not target.exists():
                raise ConfigError(f"{target}: no such file or directory")
        settings = cli._settings(targets, options)
        review = build_review(targets, settings, cache=not options["no_cache"], cache_dir=options["cache_dir"], jobs=options["jobs"])
    except (ConfigError, registry.RegistryError) as error:
        cli._fail(str(error))
        return
    for message in review.internal_errors:
        cli._say(f"scalelint: warning: {message} (please report this bug)")
    for message in review.notes:
        cli._say(f"scalelint: note: {message}")
    cli._emit(render(review, options["output_format"]), options, sys.stdout)
    if options["output_file"] is not None:
        cli._say(f"scalelint: wrote the {options['output_format']} review of {review.title} to {options['output_file']}")
