"""Is a foreign key used in the direction an index on it serves?

An index on `orders.customer_id` speeds up two things: finding a customer's orders (the
children, by their parent), and deleting or re-keying a customer (the database looks for the
children to cascade to or to refuse). A key the code never reads children by, on a parent the
code never deletes, costs nothing unindexed, however big the table: `created_by`, `invited_by`.
So SCL605 asks here whether the repository shows a lookup by the key:

- a query filters or joins on the column (`filter(Order.customer_id == x)`, `filter_by(customer=c)`,
  a lookup through the relation), wherever it runs, unless the same query also fixes another
  column an index leads with (that index finds the rows);
- the parent's side of a relation that loads the children is read somewhere (`customer.orders`,
  a many-to-many's `user.groups` through its link table), in Python code or a template, and no
  other model has an attribute of that name (reads are known by name only).

A parent's delete also scans the children by the key (the database checks or cascades), but
deletes are not read yet: a key only deletes would use is not reported.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from scalelint.facts import SAttr
from scalelint.project.values import TABLE_PREFIX

if TYPE_CHECKING:
    from scalelint.project import Project
    from scalelint.project.schema import ForeignKey, Table

__all__ = ["KeyUsage"]

class KeyUsage:
    def __init__(self, project: "Project"):
        self.project = project

    def how_used(self, table: "Table", fk: "ForeignKey") -> str | None:
        """How the code uses the key `fk` of `table` (a phrase for the message), or None."""
        column = fk.columns[0]
        if (table.name, column) in self._filtered:
            return f"queries look up `{table.name}` rows by `{column}`"
        accessor = self._children_accessor(table, fk)
        if accessor is not None:
            return f"`{accessor}` loads a `{fk.ref_table}` row's `{table.name}` rows by it"
        return None

    # --- what the code filters on --------------------------------------------------------

    @cached_property
    def _filtered(self) -> frozenset[tuple[str, str]]:
        """(table, column) pairs some query looks rows up by, where no index on another column
        the same query fixes by equality finds them already (a lookup by `(project_id, user_id)`
        on a table indexed on `project_id` needs no index on `user_id`)."""
        from scalelint.project.indexing import narrowed
        from scalelint.project.queries import query_sites

        orm = self.project.orm
        schema = self.project.schema
        out = set()
        for query, _site, _handler in query_sites(self.project):
            by_table: dict[str, set[str]] = {}
            equal: dict[str, set[str]] = {}
            for pred in query.preds:
                if pred.model.startswith(TABLE_PREFIX):  # raw SQL on a table no model maps
                    name = pred.model[len(TABLE_PREFIX) :]
                else:
                    model = orm.models.get(pred.model)
                    if model is None or not model.table:
                        continue
                    name = model.table
                by_table.setdefault(name, set()).add(pred.column)
                if pred.op == "eq":
                    equal.setdefault(name, set()).add(pred.column)
            for name, columns in by_table.items():
                table = schema.table(name)
                for column in columns:
                    if table is not None and narrowed(table, column, equal.get(name, ())):
                        continue
                    out.add((name, column))
        return frozenset(out)

    # --- which relations are read ----------------------------------------------------------

    @cached_property
    def _read_names(self) -> frozenset[str]:
        """Every attribute name production code or a template reads."""
        from scalelint.project import is_non_production_path
        from scalelint.project.callgraph import walk

        names: set[str] = set()
        for path, facts in self.project.files.items():
            if is_non_production_path(path):
                continue
            if facts.python is not None:
                for fn in facts.python.functions:
                    # walk() yields a call's callee too: `user.groups.all()` gives `groups`
                    names.update(sym.name for sym in walk(fn) if type(sym) is SAttr)  # type: ignore[union-attr]
            if facts.template is not None:
                for read in facts.template.reads:
                    names.update(read.chain)
                for loop in facts.template.loops:
                    names.update(loop.iter)
        return frozenset(names)

    def _children_accessor(self, table: "Table", fk: "ForeignKey") -> str | None:
        """The accessor on the parent's model that loads `table`'s rows by `fk`, when the code
        reads it: a one-to-many to `table`'s model, or a many-to-many whose link table is `table`."""
        orm = self.project.orm
        parent_model = orm.models.get(orm.tables.get(fk.ref_table or "", ""))
        if parent_model is None:
            return None
        child_model = table.model
        for rel in parent_model.relations.values():
            if not rel.many or rel.name not in self._read_names or self._ambiguous(rel.name, parent_model):
                continue
            if child_model is not None and rel.target == child_model and rel.kind in ("relationship", "reverse_fk", "reverse_o2o"):
                if self._joins_by(rel, child_model, table, fk):
                    return f"{parent_model.name}.{rel.name}"
                continue
            if rel.kind in ("relationship", "m2m", "reverse_m2m") and self._links_through(parent_model, rel, table):
                return f"{parent_model.name}.{rel.name}"
        return None

    def _ambiguous(self, name: str, model) -> bool:
        """Another model has an attribute of that name (`ProjectModel.runs` beside
        `GatewayModel.runs`): reading `x.runs` does not say which is read."""
        return any(
            other is not model and other.qualname not in model.bases and model.qualname not in other.bases and not other.abstract
            for other in self._attribute_owners.get(name, ())
        )

    @cached_property
    def _attribute_owners(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for m in self.project.orm.models.values():
            for name in {*m.relations, *m.fields}:
                out.setdefault(name, []).append(m)
        return out

    def _joins_by(self, rel, child_model: str, table: "Table", fk: "ForeignKey") -> bool:
        """`rel` loads the children by `fk`, not by another key of theirs to the same parent
        (`User.posts` joins on `posts.user_id`, not on `posts.hidden_by_id`): the opposite
        side names its column; without it, only a child with one key to the parent is sure."""
        back = self.project.orm.relation(child_model, rel.opposite) if rel.opposite else None
        if back is not None and back.attname:
            return back.attname == fk.columns[0]
        return sum(1 for other in table.foreign_keys if other.ref_table == fk.ref_table) == 1

    def _links_through(self, model, rel, table: "Table") -> bool:
        """`rel` is a many-to-many whose link (secondary / through) table is `table`."""
        models = self.project.orm.models
        owner = models.get(rel.owner)
        declared = owner.fields.get(rel.name) if owner is not None else None
        if declared is None and rel.opposite and rel.target in models:
            declared = models[rel.target].fields.get(rel.opposite)  # a backref: the other side declares the link
        link = (declared.secondary or declared.through) if declared is not None else None
        if link is None:
            return False
        linked = self.project.orm.model(link)
        name = linked.table if linked is not None else self._core_tables.get(link, link.rsplit(".", 1)[-1])
        return name == table.name

    @cached_property
    def _core_tables(self) -> dict[str, str]:
        """`favorite_category_table = db.Table("favorite_categories", ...)`: the variable's
        qualified name -> the table it defines (a `secondary=` names the variable)."""
        out: dict[str, str] = {}
        for facts in self.project.files.values():
            for m in facts.python.models if facts.python is not None else ():
                if getattr(m, "kind", None) == "table" and getattr(m, "table", None):
                    out[m.qualname] = m.table
        return out
