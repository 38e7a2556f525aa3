from scalelint.rule import Rule


class UnusedSuppression(Rule):
    """Reported by the engine once every other rule has run (see filtering.py): only then is
    it known which suppressions covered a finding."""

    code = "SCL002"
    name = "unused-suppression"
    summary = "A `scalelint: ignore[...]` or `noqa: SCL...` comment that suppresses nothing."
    message = "unused suppression"
    fix_title = "Remove the suppression comment (or the codes in it that no longer apply)"
    severity = "info"

    def check(self, project, report):
        return None
