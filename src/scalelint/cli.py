"""`scalelint [check] [PATHS]...`: exit 0 when clean, 1 with findings, 2 on a usage or config
error. `scalelint server` runs the language server on standard input and output;
`scalelint report [PATHS]` writes the scaling review (scalelint.report.command)."""

from __future__ import annotations

import atexit
import gc
import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from scalelint import __version__
from scalelint.reporting import ALIASES, FORMATS, TEXT_FORMATS

STDIN_NAME = "<stdin>.py"  # where standard input "is" without --stdin-filename: Python in the current directory


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _fail(message: str) -> None:
    click.echo(f"scalelint: error: {message}", err=True)
    sys.exit(2)


def _say(message: str) -> None:
    click.echo(message, err=True)


class _Command(click.Command):
    """ruff's spellings: `scalelint check ...` is `scalelint ...`; `scalelint server` starts
    the language server; `scalelint report ...` is its own command, with its own options.
    (A directory called `check`, `server` or `report` is `./check`.)"""

    def main(self, args=None, prog_name=None, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        if argv and argv[0] == "report":
            from scalelint.report.command import report

            return report.main(argv[1:], prog_name=f"{prog_name or 'scalelint'} report", **extra)
        return super().main(argv, prog_name, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] == "check":
            args = args[1:]
        elif args and args[0] == "server":
            ctx.meta["scalelint.server"] = True
            args = args[1:]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("scalelint [check]", "[OPTIONS] [PATHS]...")
        formatter.write_usage("scalelint server", "(the language server, on stdio; needs scalelint[lsp])", prefix="       ")
        formatter.write_usage("scalelint report", "[OPTIONS] [PATHS]... (the scaling review; see `scalelint report --help`)", prefix="       ")


@click.command(cls=_Command, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--output-format", "--format", "output_format", type=click.Choice((*FORMATS, *ALIASES)), default="full", show_default=True, help="How to show the findings (--format is the old name; text = full).")
@click.option("-o", "--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to this file instead of stdout.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False), help="Report only findings not recorded in this baseline file.")
@click.option("--write-baseline", "write_baseline_file", type=click.Path(path_type=Path, dir_okay=False), help="Record every current finding in this baseline file and exit 0.")
@click.option("--fix", "fix_mode", is_flag=True, help="Apply the safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply fixes that may change behaviour.")
@click.option("--diff", "diff_mode", is_flag=True, help="Print the fixes as a unified diff instead of applying them; exit 1 if there are any.")
@click.option("--show-fixes", is_flag=True, help="Show each fix's edits under its finding, and with --fix list the fixes applied.")
@click.option("--add-noqa", is_flag=True, help="Write `scalelint: ignore[CODE]` on every flagged line (modifies files), then exit 0.")
@click.option("--select", multiple=True, help="Rules to run: codes, prefixes (SCL2) or names; replaces the configured selection.")
@click.option("--extend-select", multiple=True, help="Rules to run in addition to the selection.")
@click.option("--ignore", multiple=True, help="Rules to skip.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Read settings from this TOML file.")
@click.option("--scope", type=click.Choice(("request", "all")), help="Report on code that runs per request (the default), or on every path: staff pages, start-up, commands, scripts.")
@click.option("--stdin-filename", type=click.Path(path_type=Path), help="With PATH `-`: the file standard input stands for (its kind, its project).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Processes for reading files (default: one per CPU).")
@click.option("--watch", is_flag=True, help="Lint again whenever a file changes, until Ctrl-C.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only: no source lines, fixes or summary.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule, and the total, instead of the findings.")
@click.option("--show-settings", is_flag=True, help="Print the settings the run would use, as a [tool.scalelint] table, and exit.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the cache.")
@click.option("--cache-dir", type=click.Path(path_type=Path), help="Where to keep the cache (default: ~/.cache/scalelint).")
@click.option("--no-color", is_flag=True, help="Never colour the output (also: NO_COLOR=1).")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="CODE|NAME", help="Show a rule's documentation and exit.")
@click.version_option(__version__, "-V", "--version", prog_name="scalelint")
@click.pass_context
def main(ctx: click.Context, **options) -> None:
    """Find what breaks a Python web app at 10x and 100x users (default PATH: .)."""
    # The run's objects (every file's facts, the model) die with the process: a collection at
    # exit would only walk them, about a quarter of a warm run's CPU. (Files are closed explicitly.)
    # Once per process: a host calling main() again and again (the fuzz worker) registers it once.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    if ctx.meta.get("scalelint.server"):
        _serve(options["paths"])
        return
    if options["list_rules"] or options["explain"]:
        _document(options)
        return
    _check_combinations(options)
    from scalelint import registry
    from scalelint.config import ConfigError

    targets, stdin = _targets(options)
    try:
        for target in targets:
            if stdin is None and not target.exists():
                raise ConfigError(f"{target}: no such file or directory")
        settings = _settings(targets, options)
    except (ConfigError, registry.RegistryError) as error:
        _fail(str(error))
        return
    if options["show_settings"]:
        from scalelint import settings_view

        sys.stdout.write(settings_view.render(settings, targets))
        return
    if options["watch"]:
        _watch(targets, settings, options)
        return
    sys.exit(_run(targets, stdin, settings, options))


def _serve(paths: tuple[Path, ...]) -> None:
    if paths:
        _fail("`scalelint server` takes no paths: the editor says which files it opens")
    try:
        from scalelint.lsp.server import serve
    except ImportError as error:
        _fail(f"the language server needs its extra: pip install 'scalelint[lsp]' ({error})")
        return
    serve()


def _document(options: dict) -> None:
    from scalelint import docs, registry

    color = _use_color(options["no_color"])
    try:
        if options["list_rules"]:
            docs.print_rule_table(color=color)
        elif not docs.explain(options["explain"], color=color):
            _fail(f"unknown rule {options['explain']!r} (see `scalelint --list-rules`)")
    except registry.RegistryError as error:
        _fail(str(error))


def _check_combinations(o: dict) -> None:
    if o["baseline_file"] is not None and o["write_baseline_file"] is not None:
        _fail("--baseline and --write-baseline cannot be used together")
    if o["fix_mode"] and o["diff_mode"]:
        _fail("--fix writes the fixes and --diff only shows them: use one")
    if o["unsafe_fixes"] and not (o["fix_mode"] or o["diff_mode"]):
        _fail("--unsafe-fixes needs --fix or --diff")
    if o["output_file"] is not None and o["write_baseline_file"] is not None:
        _fail("--write-baseline writes no report, so --output-file cannot be used with it")
    if o["add_noqa"]:
        for flag, key in (("--fix", "fix_mode"), ("--diff", "diff_mode"), ("--write-baseline", "write_baseline_file"), ("--watch", "watch")):
            if o[key]:
                _fail(f"--add-noqa writes suppressions and reports nothing: it cannot be used with {flag}")
    if o["watch"]:
        for flag, key in (("--fix", "fix_mode"), ("--diff", "diff_mode"), ("--write-baseline", "write_baseline_file"), ("--output-file", "output_file")):
            if o[key]:
                _fail(f"--watch prints a report after every change: it cannot be used with {flag}")
    text = ALIASES.get(o["output_format"], o["output_format"]) in TEXT_FORMATS
    if o["statistics"] and not text:
        _fail(f"--statistics prints a table: use it with a text format, not --output-format {o['output_format']}")
    stdin = Path("-") in o["paths"]
    if stdin and len(o["paths"]) > 1:
        _fail("`-` (standard input) cannot be combined with other paths")
    if (stdin or o["stdin_filename"]) and (o["watch"] or o["add_noqa"] or o["write_baseline_file"]):
        _fail("standard input cannot be watched, suppressed in place or baselined")


def _targets(o: dict) -> tuple[list[Path], dict | None]:
    """The paths to report on, and for standard input `{"path", "display", "text"}`."""
    paths = [p for p in o["paths"] if p != Path("-")]
    if Path("-") not in o["paths"] and not (o["stdin_filename"] and not o["paths"]):
        return paths or [Path(".")], None
    name = o["stdin_filename"]
    path = name if name is not None else Path(STDIN_NAME)
    display = os.path.relpath(os.path.abspath(path)).replace(os.sep, "/") if name is not None else "-"
    return [path], {"path": path, "display": display, "text": sys.stdin.read()}


def _settings(targets: list[Path], o: dict):
    from scalelint import registry
    from scalelint.config import ConfigError, load_settings

    settings = load_settings(targets, o["config_file"])
    overrides: dict = {}
    for key, value in (("select", o["select"]), ("extend_select", o["extend_select"])):
        if value:
            overrides[key] = _split(value)
            if not overrides[key]:
                raise ConfigError(f"--{key.replace('_', '-')}: names no rule (give codes, prefixes, names or ALL)")
    if o["ignore"]:
        overrides["ignore"] = settings.ignore + _split(o["ignore"])
    for key, value in overrides.items():
        for selector in value:
            if not registry.matching(selector):
                raise ConfigError(f"--{key.replace('_', '-')}: unknown rule or prefix {selector!r}")
    if o["scope"] is not None:
        overrides["scope"] = o["scope"]
    settings = replace(settings, **overrides)
    if not settings.enabled_codes():
        raise ConfigError("no rule is selected: `select`/`--select`, `extend-select` and `ignore` leave nothing to run")
    return settings


def _lint(targets: list[Path], settings, o: dict, stdin: dict | None = None, text: str | None = None):
    """One run, with a progress bar on a terminal once it takes more than a second."""
    from scalelint import api, progress

    sources = None
    if stdin is not None:
        sources = {stdin["path"]: stdin["text"] if text is None else text}
    kwargs = dict(cache=not o["no_cache"], cache_dir=o["cache_dir"], jobs=o["jobs"], sources=sources)
    if not progress.wanted():
        report = api.lint(targets, settings, **kwargs)
    else:
        with progress.ProgressBar(color=not (o["no_color"] or os.environ.get("NO_COLOR"))) as bar:
            report = api.lint(targets, settings, progress=bar, **kwargs)
    if stdin is not None and stdin["display"] == "-":
        report.diagnostics = [_renamed(d, STDIN_NAME, "-") for d in report.diagnostics]
    return report


def _renamed(d, old: str, new: str):
    """`d` with the path `old` called `new`, in its location, fix and notes."""
    fix = d.fix
    if fix is not None and fix.edits:
        fix = replace(fix, edits=tuple(replace(e, path=new) if e.path == old else e for e in fix.edits))
    related = tuple(replace(r, path=new) if r.path == old else r for r in d.related)
    return replace(d, path=new if d.path == old else d.path, fix=fix, related=related)


def _run(targets: list[Path], stdin: dict | None, settings, o: dict) -> int:
    from scalelint import baseline as baselines
    from scalelint import registry
    from scalelint.config import ConfigError

    baseline_entries = None
    try:
        if o["baseline_file"] is not None:
            baseline_entries = baselines.load(o["baseline_file"])
        report = _lint(targets, settings, o, stdin)
    except (ConfigError, registry.RegistryError, baselines.BaselineError) as error:
        _fail(str(error))
        return 2
    for message in report.internal_errors:
        _say(f"scalelint: warning: {message} (please report this bug)")
    for message in report.notes:
        _say(f"scalelint: note: {message}")

    if o["add_noqa"]:
        return _add_noqa(report, targets, settings, o)
    if o["diff_mode"]:
        return _diff(report, stdin, o)
    out = sys.stdout
    if o["fix_mode"]:
        if stdin is not None:
            return _fix_stdin(report, targets, settings, stdin, o)
        report = _fix(report, targets, settings, o)

    if o["write_baseline_file"] is not None:
        try:
            count = baselines.write(o["write_baseline_file"], report.diagnostics, report.root)
        except baselines.BaselineError as error:
            _fail(str(error))
        _say(f"scalelint: recorded {count} finding{'s' if count != 1 else ''} in {o['write_baseline_file']}")
        return 0
    if baseline_entries is not None:
        in_scope = baselines.scope(report.root, targets, settings.enabled_codes())
        applied = baselines.apply(baseline_entries, report.diagnostics, report.root, in_scope)
        report.diagnostics = applied.kept
        if applied.stale:
            noun = "entry is" if applied.stale == 1 else "entries are"
            _say(
                f"scalelint: {applied.stale} baseline {noun} stale (recorded in {o['baseline_file']} but no longer found); "
                f"refresh it with --write-baseline {o['baseline_file']}"
            )
    _emit(_render(report, o, stdin, to_file=o["output_file"] is not None), o, out)
    return 1 if report.diagnostics and not o["exit_zero"] else 0


def _render(report, o: dict, stdin: dict | None, *, to_file: bool = False) -> str:
    from scalelint import reporting

    name = o["output_format"]
    render = reporting.get(name)
    if ALIASES.get(name, name) not in TEXT_FORMATS:
        return render(report)
    color = False if to_file else _use_color(o["no_color"])  # never escape codes in a file
    sources = {stdin["display"]: stdin["text"]} if stdin is not None else None
    return render(
        report,
        color=color,
        quiet=o["quiet"],
        statistics=o["statistics"],
        unsafe=o["unsafe_fixes"],
        show_fixes=o["show_fixes"],
        sources=sources,
    )


def _emit(output: str, o: dict, out) -> None:
    if o["output_file"] is None:
        out.write(output)
        out.flush()
        return
    try:
        o["output_file"].write_text(output, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {o['output_file']}: {error.strerror or error}")


def _diff(report, stdin: dict | None, o: dict) -> int:
    from scalelint import fixes

    read = fixes._read
    if stdin is not None:
        def read(path: str) -> str:  # noqa: E306 - the one file standard input stands for
            if path == stdin["display"]:
                return stdin["text"]
            return fixes._read(path)

    text, count = fixes.diff(report.diagnostics, o["unsafe_fixes"], read)
    sys.stdout.write(text if not text or text.endswith("\n") else text + "\n")
    _say(f"scalelint: {count} fix{'es' if count != 1 else ''} would be applied")
    return 1 if count else 0


def _fixed_message(outcome) -> str:
    noun = "finding" if outcome.fixed == 1 else "findings"
    return f"scalelint: fixed {outcome.fixed} {noun} in {len(outcome.files)} file{'s' if len(outcome.files) != 1 else ''}"


def _fix(report, targets: list[Path], settings, o: dict):
    from scalelint import fixes

    before = report.diagnostics
    outcome, report = fixes.fix(lambda: _lint(targets, settings, o), report, o["unsafe_fixes"])
    _say(_fixed_message(outcome))
    if o["show_fixes"] and outcome.fixed:
        remaining = {(d.code, d.path, d.message) for d in report.diagnostics}
        for d in before:
            if fixes.applicable(d, o["unsafe_fixes"]) and (d.code, d.path, d.message) not in remaining:
                _say(f"  - {d.path}:{d.span.line}: {d.code} {d.fix.title} ({d.fix.applicability})")
    for path in outcome.refused:
        _say(f"scalelint: warning: left {path} as it was: the fixed text would not parse (please report this bug)")
    return report


def _fix_stdin(report, targets: list[Path], settings, stdin: dict, o: dict) -> int:
    """ruff's way: the fixed text on stdout, what is left to fix on stderr."""
    from scalelint import fixes

    text, outcome, report = fixes.fix_text(
        stdin["text"], stdin["display"], lambda new: _lint(targets, settings, o, stdin, new), report, o["unsafe_fixes"]
    )
    sys.stdout.write(text)
    sys.stdout.flush()
    _say(_fixed_message(outcome))
    stdin = {**stdin, "text": text}
    sys.stderr.write(_render(report, o, stdin))
    return 1 if report.diagnostics and not o["exit_zero"] else 0


def _add_noqa(report, targets: list[Path], settings, o: dict) -> int:
    from scalelint import noqa

    from scalelint import reading

    texts, outcome = noqa.plan(report.diagnostics, reading.read_text)
    for path, text in texts.items():
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as error:
            _fail(f"cannot write {path}: {error.strerror or error}")
    files = len(outcome.files)
    _say(f"scalelint: added {outcome.added} suppression{'s' if outcome.added != 1 else ''} in {files} file{'s' if files != 1 else ''}")
    for d in outcome.skipped:
        if d.code not in noqa.NOT_SUPPRESSED:
            _say(f"scalelint: warning: {d.path}:{d.span.line}: no place for a `scalelint: ignore[{d.code}]` comment that keeps the file's meaning; left as it was")
    return 0


def _watch(targets: list[Path], settings, o: dict) -> None:
    from scalelint import watch
    from scalelint.config import ConfigError

    state = {"settings": settings}

    def lint_once():
        try:
            state["settings"] = _settings(targets, o)
            report = _lint(targets, state["settings"], o)
        except ConfigError as error:  # a half-typed pyproject.toml: say so and wait for the next save
            _say(f"scalelint: error: {error}")
            return state["settings"]
        _emit(_render(report, o, None), o, sys.stdout)
        return state["settings"]

    watch.run(lint_once, _say, settings=settings)


def _use_color(no_color: bool) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()
