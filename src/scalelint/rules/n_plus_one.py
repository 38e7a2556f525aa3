from scalelint.project.queries import report_costs
from scalelint.rule import Rule


class NPlusOne(Rule):
    code = "SCL101"
    name = "n-plus-one"
    summary = "A lazy relation is read on each row of a query inside a loop: one query per row."
    message = "A relation is loaded with one query per row"
    fix_title = "Eager-load the relation in the query that feeds the loop"
    fixable = True  # Django: `.select_related(...)` / `.prefetch_related(...)` on the loop's queryset

    def check(self, project, report):
        report_costs(project, self.code, report)
