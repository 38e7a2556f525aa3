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
            says_what_happened = any(phrase in problem.message for phrase in _CONSEQUENCES)
            message = problem.message if says_what_happened else f"{problem.message}; scalelint skipped this file"
            report(path, problem.span, message, severity=problem.severity)


# A problem whose message already says what scalelint did about it gets no "skipped this file".
_CONSEQUENCES = ("skipped", "ignored", "not analysed")
