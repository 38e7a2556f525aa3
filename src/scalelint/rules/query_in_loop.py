from scalelint.project.queries import report_costs
from scalelint.rule import Rule


class QueryInLoop(Rule):
    code = "SCL102"
    name = "query-in-loop"
    summary = "A query runs on every iteration of a loop over query rows."
    message = "A query runs once per row of a loop"
    fix_title = "Batch it: one query for all the rows before the loop, or a bulk write after it"

    def check(self, project, report):
        report_costs(project, self.code, report)
