from scalelint.diagnostics import Related
from scalelint.project import is_non_production_path
from scalelint.project.schema import in_migration_dir
from scalelint.rule import Rule

_LISTED = 20  # other files named beside a grouped finding


class ParseError(Rule):
    code = "SCL001"
    name = "parse-error"
    summary = "A file could not be read or parsed; the rest of the run goes on."
    message = "could not parse this file"
    fix_title = "Fix the syntax or encoding, or exclude the file with `extend-exclude`"
    severity = "error"

    def check(self, project, report):
        newer = []
        narrow = project.settings.scope != "all"
        for path, problem in project.problems():
            if narrow and is_non_production_path(path) and not in_migration_dir(path):
                # a test fixture scalelint cannot read holds no request path (`scope = "all"`
                # shows it); a migration it cannot read hides indexes, so that one is shown
                continue
            if narrow and problem.python2:
                continue  # a Python 2 file serves no request of a Python 3 app: the run's note names it
            if problem.needs_newer_python:
                if narrow:
                    # nothing in the project to change: the run's note on stderr says which
                    # files were skipped and why (engine.newer_python_note)
                    continue
                newer.append((path, problem))
                continue
            report(path, problem.span, _with_consequence(problem.message), severity=problem.severity)
        if newer:
            # one cause (the interpreter running scalelint), one finding: a project written for
            # Python 3.12 would otherwise get one per file
            newer.sort(key=lambda item: item[0])
            path, problem = newer[0]
            message = _with_consequence(problem.message)
            if len(newer) > 1:
                message += f"; so did {len(newer) - 1} other files like it: run scalelint on the Python the project targets to read them"
            related = [Related(p, q.span.line, "needs a newer Python too; skipped") for p, q in newer[1 : 1 + _LISTED]]
            report(path, problem.span, message, severity=problem.severity, related=related)


def _with_consequence(message: str) -> str:
    says_what_happened = any(phrase in message for phrase in _CONSEQUENCES)
    return message if says_what_happened else f"{message}; scalelint skipped this file"


# A problem whose message already says what scalelint did about it gets no "skipped this file".
_CONSEQUENCES = ("skipped", "ignored", "not analysed")
