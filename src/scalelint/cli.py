"""`scalelint [PATHS]...`: exit 0 when clean, 1 with findings, 2 on a usage or config error."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from scalelint import __version__

FORMATS = ("text", "json", "github", "sarif", "gitlab", "junit")


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _fail(message: str) -> None:
    click.echo(f"scalelint: error: {message}", err=True)
    sys.exit(2)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to this file instead of stdout.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False), help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline_file", type=click.Path(path_type=Path, dir_okay=False), help="Record every current finding in this baseline file and exit 0.")
@click.option("--fix", "fix_mode", is_flag=True, help="Apply the safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply fixes that may change behaviour.")
@click.option("--diff", "diff_mode", is_flag=True, help="Print the fixes as a unified diff instead of applying them; exit 1 if there are any.")
@click.option("--select", multiple=True, help="Rules to run: codes, prefixes (SCL2) or names; replaces the configured selection.")
@click.option("--extend-select", multiple=True, help="Rules to run in addition to the selection.")
@click.option("--ignore", multiple=True, help="Rules to skip.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Read settings from this TOML file.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only: no source lines, fixes or summary.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule instead of the findings.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache.")
@click.option("--cache-dir", type=click.Path(path_type=Path), help="Where to keep the cache (default: ~/.cache/scalelint).")
@click.option("--no-color", is_flag=True, help="Never colour the output (also: NO_COLOR=1).")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="CODE|NAME", help="Show a rule's documentation and exit.")
@click.version_option(__version__, "--version", prog_name="scalelint")
def main(
    paths: tuple[Path, ...],
    output_format: str,
    output_file: Path | None,
    baseline_file: Path | None,
    write_baseline_file: Path | None,
    fix_mode: bool,
    unsafe_fixes: bool,
    diff_mode: bool,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    exit_zero: bool,
    quiet: bool,
    statistics: bool,
    no_cache: bool,
    cache_dir: Path | None,
    no_color: bool,
    list_rules: bool,
    explain: str | None,
) -> None:
    """Find what breaks a Python web app at 10x and 100x users (default PATH: .)."""
    if list_rules or explain:
        from scalelint import docs, registry

        try:
            if list_rules:
                docs.print_rule_table(color=_use_color(no_color))
            elif not docs.explain(explain, color=_use_color(no_color)):
                _fail(f"unknown rule {explain!r} (see `scalelint --list-rules`)")
        except registry.RegistryError as error:
            _fail(str(error))
        return

    from dataclasses import replace

    from scalelint import api, registry
    from scalelint import baseline as baselines
    from scalelint.config import ConfigError, load_settings

    if baseline_file is not None and write_baseline_file is not None:
        _fail("--baseline and --write-baseline cannot be used together")
    if fix_mode and diff_mode:
        _fail("--fix writes the fixes and --diff only shows them: use one")
    if unsafe_fixes and not (fix_mode or diff_mode):
        _fail("--unsafe-fixes needs --fix or --diff")
    if output_file is not None and write_baseline_file is not None:
        _fail("--write-baseline writes no report, so --output-file cannot be used with it")
    targets = list(paths) or [Path(".")]
    baseline_entries = None
    try:
        if baseline_file is not None:
            baseline_entries = baselines.load(baseline_file)
        for target in targets:
            if not target.exists():
                raise ConfigError(f"{target}: no such file or directory")
        settings = load_settings(targets, config_file)
        overrides = {}
        for option, key, value in (("--select", "select", select), ("--extend-select", "extend_select", extend_select)):
            if value:
                overrides[key] = _split(value)
                if not overrides[key]:
                    raise ConfigError(f"{option}: names no rule (give codes, prefixes, names or ALL)")
        if ignore:
            overrides["ignore"] = settings.ignore + _split(ignore)
        for key, value in overrides.items():
            for selector in value:
                if not registry.matching(selector):
                    raise ConfigError(f"--{key.replace('_', '-')}: unknown rule or prefix {selector!r}")
        settings = replace(settings, **overrides)
        if not settings.enabled_codes():
            raise ConfigError("no rule is selected: `select`/`--select`, `extend-select` and `ignore` leave nothing to run")
        report = api.lint(targets, settings, cache=not no_cache, cache_dir=cache_dir)
    except (ConfigError, registry.RegistryError, baselines.BaselineError) as error:
        _fail(str(error))
        return

    for message in report.internal_errors:
        click.echo(f"scalelint: warning: {message} (please report this bug)", err=True)

    if diff_mode or fix_mode:
        from scalelint import fixes

        if diff_mode:
            text, count = fixes.diff(report.diagnostics, unsafe_fixes)
            sys.stdout.write(text if not text or text.endswith("\n") else text + "\n")
            click.echo(f"scalelint: {count} fix{'es' if count != 1 else ''} would be applied", err=True)
            sys.exit(1 if count else 0)
        outcome, report = fixes.fix(lambda: api.lint(targets, settings, cache=not no_cache, cache_dir=cache_dir), report, unsafe_fixes)
        noun = "finding" if outcome.fixed == 1 else "findings"
        click.echo(f"scalelint: fixed {outcome.fixed} {noun} in {len(outcome.files)} file{'s' if len(outcome.files) != 1 else ''}", err=True)
        for path in outcome.refused:
            click.echo(f"scalelint: warning: left {path} as it was: the fixed text would not parse (please report this bug)", err=True)

    if write_baseline_file is not None:
        try:
            count = baselines.write(write_baseline_file, report.diagnostics, report.root)
        except baselines.BaselineError as error:
            _fail(str(error))
        click.echo(f"scalelint: recorded {count} finding{'s' if count != 1 else ''} in {write_baseline_file}", err=True)
        sys.exit(0)

    if baseline_entries is not None:
        in_scope = baselines.scope(report.root, targets, settings.enabled_codes())
        applied = baselines.apply(baseline_entries, report.diagnostics, report.root, in_scope)
        report.diagnostics = applied.kept
        if applied.stale:
            noun = "entry is" if applied.stale == 1 else "entries are"
            click.echo(
                f"scalelint: {applied.stale} baseline {noun} stale (recorded in {baseline_file} but no longer found); "
                f"refresh it with --write-baseline {baseline_file}",
                err=True,
            )

    from scalelint import reporting

    render = reporting.get(output_format)
    if output_format == "text":
        color = _use_color(no_color) if output_file is None else False  # never escape codes in a file
        output = render(report, color=color, quiet=quiet, statistics=statistics)
    else:
        output = render(report)
    if output_file is None:
        sys.stdout.write(output)
        sys.stdout.flush()
    else:
        try:
            output_file.write_text(output, encoding="utf-8")
        except OSError as error:
            _fail(f"cannot write {output_file}: {error.strerror or error}")
    sys.exit(1 if report.diagnostics and not exit_zero else 0)


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()
