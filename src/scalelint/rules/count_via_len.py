from scalelint.project.queries import report_costs
from scalelint.rule import Rule


class CountViaLen(Rule):
    code = "SCL104"
    name = "count-via-len"
    summary = "Rows fetched only to be counted (`len(queryset)`), or counted only to test that one exists (`.count() > 0`)."
    message = "Rows are loaded or counted where the database could answer with one number or one row"
    fix_title = "Count in the database with `.count()`; test existence with `.exists()`"

    def check(self, project, report):
        report_costs(project, self.code, report)
