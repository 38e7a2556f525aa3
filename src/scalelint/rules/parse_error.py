from scalelint.rule import Rule


class ParseError(Rule):
    code = "SCL001"
    name = "parse-error"
    summary = "A file could not be read or parsed; the rest of the run goes on."
    message = "could not parse this file"
    fix_title = "Fix the syntax or encoding, or exclude the file with `extend-exclude`"
    severity = "error"

    def check(self, project, report):
        for path, problem in project.problems():
            message = problem.message if "skipped" in problem.message or problem.message.startswith("not analysed") else f"{problem.message}; scalelint skipped this file"
            report(path, problem.span, message, severity=problem.severity)
