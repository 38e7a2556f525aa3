from dataclasses import dataclass

from scalelint.project.queries import report_costs
from scalelint.rule import Rule


@dataclass(frozen=True)
class Options:
    small_tables: tuple[str, ...] = ()  # models listed whole on purpose: names ("Country") or qualified names


class UnboundedQuery(Rule):
    code = "SCL103"
    name = "unbounded-query"
    summary = "A request handler loops over, returns or serialises every row of a growing table."
    message = "A request handler answers with every row of a table"
    fix_title = "Paginate: a keyset (cursor) page of a fixed size"
    Options = Options

    def check(self, project, report):
        small = frozenset(self.options.small_tables)
        report_costs(project, self.code, report, skip=lambda cost: cost.subject in small or cost.subject.rsplit(".", 1)[-1] in small)
