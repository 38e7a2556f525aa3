from scalelint.project.queries import report_costs
from scalelint.rule import Rule


class OffsetPagination(Rule):
    code = "SCL604"
    name = "offset-pagination"
    summary = "A request handler pages through rows with an OFFSET it computes (`.offset(n)`, `qs[start:end]`)."
    message = "Rows are paged with a request-controlled OFFSET"
    fix_title = "Page with a keyset (cursor): `WHERE id > last_id ORDER BY id LIMIT n`"

    def check(self, project, report):
        report_costs(project, self.code, report)
