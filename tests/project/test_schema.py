"""The repository's schema (scalelint.project.schema, Project.schema): SQL files, Alembic and
Django migrations replayed in order, and the ORM models, merged into one model."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scalelint.config import Settings
from scalelint.extract import extract_file
from scalelint.facts import FileFacts, MigrationFacts, SchemaOp, Span
from scalelint.project import Project
from scalelint.project.schema import Schema


def schema(files: dict[str, str], dialect: str = "postgres") -> Schema:
    facts = {}
    for path, source in files.items():
        kind = "sql" if path.endswith(".sql") else "python"
        facts[path] = extract_file(path, kind, textwrap.dedent(source).encode(), dialect)
    return Project(Path("."), facts, Settings(sql_dialect=dialect)).schema


def alembic(revision: str, parent: str | None, body: str, imports: str = "") -> str:
    down = repr(parent)
    body = textwrap.indent(textwrap.dedent(body), "    ")
    return f"import sqlalchemy as sa\nfrom alembic import op\n{imports}\nrevision = {revision!r}\ndown_revision = {down}\n\n\ndef upgrade():\n{body}\n"


def indexes(s: Schema, table: str) -> list[tuple]:
    return sorted((ix.columns, ix.unique, ix.primary, ix.where) for ix in s.table(table).indexes)


def fks(s: Schema, table: str) -> list[tuple]:
    return sorted((fk.columns, fk.ref_table) for fk in s.table(table).foreign_keys)


# --- SQL --------------------------------------------------------------------------------------

SHOP_SQL = """
CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE);
CREATE TABLE orders (
    id serial PRIMARY KEY,
    user_id int REFERENCES users (id),
    shop_id int REFERENCES shops (id),
    created_at timestamptz
);
CREATE INDEX orders_created_user ON orders (created_at, user_id);
CREATE INDEX orders_email_lower ON orders (lower(note));
CREATE INDEX orders_live ON orders (shop_id) WHERE deleted_at IS NULL;
"""


def test_sql_tables_keys_and_indexes():
    s = schema({"db/schema.sql": SHOP_SQL})
    orders = s.table("orders")
    assert list(orders.columns) == ["id", "user_id", "shop_id", "created_at"]
    assert orders.primary_key == ("id",)
    assert fks(s, "orders") == [(("shop_id",), "shops"), (("user_id",), "users")]
    assert sorted(s.table("users").unique_sets) == [("email",), ("id",)]
    fk = next(f for f in orders.foreign_keys if f.columns == ("user_id",))
    assert (fk.declared.path, fk.declared.span, fk.declared.style) == ("db/schema.sql", Span(5, 5, 5, 12), "sql")
    assert orders.columns["user_id"].declared.span == Span(5, 5, 5, 12)


def test_index_serving_is_composite_prefix_aware():
    s = schema({"db/schema.sql": SHOP_SQL})
    orders = s.table("orders")
    assert orders.index_serving(("created_at",)).name == "orders_created_user"
    assert orders.index_serving(("created_at", "user_id")).name == "orders_created_user"
    assert orders.index_serving(("user_id", "created_at")).name == "orders_created_user"  # equality on both: order is free
    assert orders.index_serving(("user_id",)) is None  # the second column of (created_at, user_id)
    assert orders.index_serving(("id",)).primary


def test_partial_and_expression_indexes():
    s = schema({"db/schema.sql": SHOP_SQL})
    orders = s.table("orders")
    assert orders.index_serving(("shop_id",)) is None
    partial = orders.index_serving(("shop_id",), partial=True)
    assert partial.partial and partial.where == "deleted_at IS NULL"
    expression = next(ix for ix in orders.indexes if ix.name == "orders_email_lower")
    assert expression.expressions and expression.columns == ("LOWER(note)",)
    assert orders.index_serving(("note",)) is None


def test_index_methods_count_only_when_asked():
    s = schema({"s.sql": "CREATE TABLE t (id int, tags int[]);\nCREATE INDEX t_tags ON t USING gin (tags);\n"})
    assert s.table("t").index_serving(("tags",)) is None
    assert s.table("t").index_serving(("tags",), methods=("btree", "gin")).method == "gin"


def test_unknown_tables_are_not_tables():
    s = schema({"db/schema.sql": SHOP_SQL + "CREATE INDEX audit_at ON audit_log (at);\nALTER TABLE legacy ADD COLUMN x int;\n"})
    assert s.table("shops") is None and s.table("audit_log") is None and s.table("legacy") is None
    assert {"shops", "audit_log", "legacy"} <= s.unknown
    assert s.table("ORDERS") is not None and s.table("public.orders") is not None


def test_sql_files_merge_in_natural_order_with_drops_and_renames():
    s = schema(
        {
            "migrations/10_rename.sql": "ALTER TABLE books RENAME COLUMN writer_id TO author_id;\nALTER TABLE books RENAME TO titles;\n",
            "migrations/2_drop.sql": "ALTER TABLE books DROP COLUMN editor_id;\nDROP INDEX books_isbn;\nALTER TABLE books DROP CONSTRAINT books_shelf_id_fkey;\n",
            "migrations/1_init.sql": (
                "CREATE TABLE authors (id serial PRIMARY KEY);\n"
                "CREATE TABLE books (id serial PRIMARY KEY, writer_id int REFERENCES authors (id), editor_id int REFERENCES authors (id),"
                " shelf_id int REFERENCES shelves (id), isbn text);\n"
                "CREATE INDEX books_isbn ON books (isbn);\n"
                "CREATE INDEX books_writer ON books (writer_id, id);\n"
            ),
        }
    )
    assert [m.path for m in s.migrations] == ["migrations/1_init.sql", "migrations/2_drop.sql", "migrations/10_rename.sql"]
    assert s.table("books") is None
    titles = s.table("titles")
    assert list(titles.columns) == ["id", "author_id", "shelf_id", "isbn"]
    assert fks(s, "titles") == [(("author_id",), "authors")]  # the shelf key dropped by its default name
    assert indexes(s, "titles") == [(("author_id", "id"), False, False, None), (("id",), True, True, None)]
    assert titles.index_serving(("author_id",)).name == "books_writer"


def test_drop_table_and_drop_index_by_name_anywhere():
    s = schema(
        {
            "m/001_a.sql": "CREATE TABLE a (id int PRIMARY KEY, b_id int);\nCREATE INDEX a_b ON a (b_id);\nCREATE TABLE gone (id int);\n",
            "m/002_b.sql": "DROP INDEX a_b;\nDROP TABLE gone;\n",
        }
    )
    assert s.table("gone") is None
    assert indexes(s, "a") == [(("id",), True, True, None)]


def test_unreadable_statements_make_a_table_opaque():
    s = schema({"s.sql": "CREATE TABLE t (id int, u_id int REFERENCES u (id));\nALTER TABLE t ADD CONSTRAINT t_uq UNIQUE USING INDEX t_uq_idx;\n"})
    assert s.table("t").opaque


# --- Alembic ----------------------------------------------------------------------------------


def test_alembic_revisions_replay_in_down_revision_order_whatever_the_file_names():
    s = schema(
        {
            "migrations/versions/aaa_third.py": alembic("c3", "b2", 'op.drop_index("ix_comments_post", table_name="comments")\nop.drop_column("comments", "legacy_id")'),
            "migrations/versions/zzz_first.py": alembic(
                "a1",
                None,
                """
                op.create_table("posts", sa.Column("id", sa.Integer(), primary_key=True))
                op.create_table(
                    "comments",
                    sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("post_id", sa.Integer(), sa.ForeignKey("posts.id")),
                    sa.Column("legacy_id", sa.Integer(), sa.ForeignKey("legacy.id"), index=True),
                )
                """,
            ),
            "migrations/versions/mmm_second.py": alembic("b2", "a1", 'op.create_index("ix_comments_post", "comments", ["post_id"])'),
        }
    )
    assert [m.key for m in s.migrations] == ["a1", "b2", "c3"]
    assert s.table("comments").index_serving(("post_id",)) is None  # created in b2, dropped in c3
    assert fks(s, "comments") == [(("post_id",), "posts")]
    assert s.table("comments").created_in == "a1"
    assert s.index_style == "alembic"


def test_a_primary_key_constraint_marks_its_columns():
    s = schema({"v/1.py": alembic("a1", None, 'op.create_table("t", sa.Column("a", sa.Integer()), sa.Column("b", sa.Integer()), sa.Column("c", sa.Integer()), sa.PrimaryKeyConstraint("a", "b"))')})
    t = s.table("t")
    assert t.primary_key == ("a", "b")
    assert [c.name for c in t.columns.values() if c.primary_key] == ["a", "b"]


def test_alembic_merge_revisions_and_branches():
    s = schema(
        {
            "v/1.py": alembic("root", None, 'op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("a", sa.Integer()))'),
            "v/2.py": alembic("left", "root", 'op.create_index("ix_a", "t", ["a"])'),
            "v/3.py": alembic("right", "root", 'op.add_column("t", sa.Column("b", sa.Integer(), sa.ForeignKey("u.id")))'),
            "v/4.py": alembic("merge", ("left", "right"), 'op.create_index("ix_b", "t", ["b"])'),
        }
    )
    order = [m.key for m in s.migrations]
    assert order[0] == "root" and order[-1] == "merge"
    assert s.table("t").index_serving(("b",)).name == "ix_b"


def test_batch_operations_and_constraint_drops_by_convention_name():
    s = schema(
        {
            "v/1.py": alembic(
                "a1",
                None,
                """
                op.create_table("teams", sa.Column("id", sa.Integer(), primary_key=True))
                op.create_table("members", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("old_team", sa.Integer(), sa.ForeignKey("teams.id")))
                with op.batch_alter_table("members") as batch_op:
                    batch_op.add_column(sa.Column("team_id", sa.Integer()))
                    batch_op.create_foreign_key("fk_members_team_id_teams", "teams", ["team_id"], ["id"])
                    batch_op.create_unique_constraint("uq_members_team", ["team_id", "id"])
                    batch_op.drop_constraint("fk_members_old_team_teams", type_="foreignkey")
                op.add_column("members", sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id")))
                """,
            )
        }
    )
    assert fks(s, "members") == [(("owner_id",), "users"), (("team_id",), "teams")]
    assert s.table("members").index_serving(("team_id",)).unique


def test_separate_alembic_histories_do_not_share_tables():
    sqlite_like = alembic("s1", None, 'op.create_table("flow", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String()))\nop.create_index("ix_flow_name", "flow", ["name"])')
    postgres_like = alembic("p1", None, 'op.create_table("flow", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String()))')
    postgres_next = alembic("p2", "p1", 'op.create_index("ix_flow_name2", "flow", ["name"])')
    s = schema({"env_a/versions/1.py": postgres_like, "env_a/versions/2.py": postgres_next, "env_b/versions/1.py": sqlite_like})
    by_name = {c.index.name: (c.new_table, c.existed) for c in s.index_creations}
    assert by_name == {"ix_flow_name": (True, False), "ix_flow_name2": (False, True)}


def test_migrations_for_another_database_are_left_out():
    files = {
        "versions/postgresql/1.py": alembic("p1", None, 'op.create_table("t", sa.Column("id", sa.Integer(), primary_key=True))'),
        "versions/sqlite/1.py": alembic("s1", None, 'op.create_table("t_sqlite", sa.Column("id", sa.Integer(), primary_key=True))'),
    }
    assert [m.key for m in schema(files).migrations] == ["p1"]
    assert [m.key for m in schema(files, "sqlite").migrations] == ["s1"]


def test_index_creations_know_whether_the_table_existed():
    s = schema(
        {
            "app/models.py": """
                from sqlalchemy import Column, Integer, String
                from sqlalchemy.orm import declarative_base
                Base = declarative_base()
                class Metric(Base):
                    __tablename__ = "metrics"
                    id = Column(Integer, primary_key=True)
                    key = Column(String)
            """,
            "v/1.py": alembic(
                "a1",
                None,
                """
                op.create_table("events", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("kind", sa.String()))
                op.create_index("ix_events_kind", "events", ["kind"])
                op.create_index("ix_metrics_key", "metrics", ["key"])
                op.create_index("ix_nowhere", "nowhere", ["x"])
                """,
            ),
            "v/2.py": alembic("a2", "a1", 'op.create_index("ix_events_id_kind", "events", ["id", "kind"], postgresql_concurrently=True)'),
        }
    )
    got = {c.index.name: (c.migration.key, c.new_table, c.existed, c.created_by and c.created_by.path) for c in s.index_creations}
    assert got == {
        "ix_events_kind": ("a1", True, False, "v/1.py"),
        "ix_metrics_key": ("a1", False, True, None),  # the models define it and no migration creates it
        "ix_nowhere": ("a1", False, False, None),  # unknown
        "ix_events_id_kind": ("a2", False, True, "v/1.py"),
    }
    assert [c.index.concurrently for c in s.index_creations][-1] is True


# --- SQLAlchemy models ------------------------------------------------------------------------

SA_MODELS = """
from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Table
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class AuditMixin:
    created_by_id = Column(Integer, ForeignKey("users.id"))


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)


class Order(AuditMixin, Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    customer = Column("customer_id", Integer, ForeignKey("users.id"), index=True)
    ref = Column(Integer, ForeignKey(User.id))
    workspace = Column(String)
    name = Column(String)
    __table_args__ = (
        Index("ix_orders_ref_id", "ref", "id"),
        ForeignKeyConstraint(["workspace", "name"], ["catalogs.workspace", "catalogs.name"]),
    )


order_tags = Table(
    "order_tags",
    Base.metadata,
    Column("order_id", Integer, ForeignKey("orders.id"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id"), primary_key=True),
)
"""


def test_sqlalchemy_models_contribute_their_tables():
    s = schema({"shop/models.py": SA_MODELS})
    orders = s.table("orders")
    assert orders.model == "shop.models.Order" and orders.style == "sqlalchemy"
    assert set(orders.columns) == {"created_by_id", "id", "customer_id", "ref", "workspace", "name"}
    assert orders.columns["customer_id"].field == "customer"
    assert fks(s, "orders") == [(("created_by_id",), "users"), (("customer_id",), "users"), (("ref",), "users"), (("workspace", "name"), "catalogs")]
    assert orders.index_serving(("customer_id",)) is not None and orders.index_serving(("customer",)) is not None  # by attribute too
    assert orders.index_serving(("ref",)).name == "ix_orders_ref_id"
    assert orders.index_serving(("created_by_id",)) is None
    mixin_fk = next(fk for fk in orders.foreign_keys if fk.columns == ("created_by_id",))
    assert (mixin_fk.declared.path, mixin_fk.declared.span.line) == ("shop/models.py", 9)  # where the mixin declares it
    tags = s.table("order_tags")
    assert tags.primary_key == ("order_id", "tag_id")
    assert tags.index_serving(("order_id",)) is not None and tags.index_serving(("tag_id",)) is None
    assert s.index_style == "sqlalchemy"


def test_models_and_migrations_merge_into_one_table():
    s = schema(
        {
            "shop/models.py": SA_MODELS,
            "migrations/versions/1.py": alembic(
                "a1",
                None,
                """
                op.create_table("orders", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id")))
                op.create_index("ix_orders_created_by", "orders", ["created_by_id"])
                """,
            ),
        }
    )
    orders = s.table("orders")
    assert orders.created_in == "a1" and orders.model == "shop.models.Order"
    assert orders.index_serving(("created_by_id",)).name == "ix_orders_created_by"  # the migration's index counts
    fk = next(fk for fk in orders.foreign_keys if fk.columns == ("created_by_id",))
    assert fk.declared.path == "shop/models.py"  # where a user would change it
    assert [o.path for o in fk.origins] == ["migrations/versions/1.py", "shop/models.py"]
    assert [o.style for o in orders.declared] == ["alembic", "sqlalchemy"]


def test_models_copied_into_migrations_are_not_the_schema():
    s = schema(
        {
            "migrations/versions/1.py": alembic("a1", None, "pass", imports="from sqlalchemy.orm import declarative_base\nBase = declarative_base()\nclass Old(Base):\n    __tablename__ = 'old'\n    id = sa.Column(sa.Integer, primary_key=True)\n"),
        }
    )
    assert s.table("old") is None


def test_model_with_an_unknown_base_is_opaque():
    s = schema(
        {
            "app/models.py": """
                from vendor.mixins import Fancy
                from sqlalchemy import Column, ForeignKey, Integer
                class Chart(Fancy):
                    __tablename__ = "charts"
                    id = Column(Integer, primary_key=True)
                    owner_id = Column(Integer, ForeignKey("users.id"))
            """
        }
    )
    assert s.table("charts").opaque  # its base may declare indexes we cannot see


# --- Django -----------------------------------------------------------------------------------

DJ_INITIAL = """
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [("people", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="Venue",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False)), ("name", models.CharField(max_length=100))],
        ),
        migrations.CreateModel(
            name="Event",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("venue", models.ForeignKey(on_delete=models.CASCADE, to="shop.venue")),
                ("host", models.ForeignKey(db_index=False, on_delete=models.CASCADE, to="people.person")),
                ("starts_at", models.DateTimeField()),
            ],
            options={"unique_together": {("starts_at", "host")}},
        ),
    ]
"""

DJ_SECOND = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddIndex(model_name="event", index=models.Index(fields=["host", "starts_at"], name="event_host_start")),
        migrations.RenameField(model_name="event", old_name="venue", new_name="place"),
        migrations.AlterField(model_name="event", name="place", field=models.ForeignKey(db_index=False, on_delete=models.CASCADE, to="shop.venue")),
        migrations.RenameModel(old_name="Venue", new_name="Location"),
    ]
"""

DJ_PEOPLE = """
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    operations = [migrations.CreateModel(name="Person", fields=[("id", models.AutoField(primary_key=True))], options={"db_table": "persons"})]
"""


def test_django_migrations_in_dependency_order_with_the_apps_label():
    s = schema(
        {
            "src/shop/migrations/0001_initial.py": DJ_INITIAL,
            "src/shop/migrations/0002_more.py": DJ_SECOND,
            "src/people/migrations/0001_initial.py": DJ_PEOPLE,
        }
    )
    assert [m.key for m in s.migrations] == ["people.0001_initial", "shop.0001_initial", "shop.0002_more"]
    event = s.table("shop_event")
    assert event is not None and s.table("shop_location") is not None and s.table("shop_venue") is None
    assert list(event.columns) == ["id", "place_id", "host_id", "starts_at"]
    assert event.fields == {"host": "host_id", "place": "place_id"}
    assert fks(s, "shop_event") == [(("host_id",), "persons"), (("place_id",), "shop_location")]
    assert event.index_serving(("place_id",)) is None  # AlterField took Django's index away
    assert event.index_serving(("host",)).name == "event_host_start"  # field names map to columns
    assert (("starts_at", "host_id"), True, False, None) in indexes(s, "shop_event")
    assert s.index_style == "django"


def test_django_labels_come_from_the_dependencies_not_the_directory():
    s = schema(
        {
            "wagtail/migrations/0001_initial.py": DJ_PEOPLE.replace("Person", "Page").replace('options={"db_table": "persons"}', "options={}"),
            "wagtail/migrations/0002_index.py": DJ_SECOND.replace('("shop", "0001_initial")', '("wagtailcore", "0001_initial")').split("        migrations.AddIndex")[0] + "    ]\n",
        }
    )
    assert s.table("wagtailcore_page") is not None


def test_squashed_django_migrations_count_once():
    squashed = DJ_PEOPLE.replace("initial = True", 'initial = True\n    replaces = [("people", "0001_initial")]')
    s = schema({"people/migrations/0001_initial.py": DJ_PEOPLE, "people/migrations/0001_squashed_0002.py": squashed})
    assert [m.key for m in s.migrations] == ["people.0001_initial"]
    alone = schema({"people/migrations/0001_squashed_0002.py": squashed})
    assert [m.key for m in alone.migrations] == ["people.0001_squashed_0002"]


DJ_MODELS = """
from django.db import models


class Venue(models.Model):
    name = models.CharField(max_length=100)


class Event(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE)
    host = models.ForeignKey(Venue, on_delete=models.CASCADE, db_index=False, related_name="+")
    slug = models.SlugField()

    class Meta:
        indexes = [models.Index(fields=["slug", "host"], name="slug_host")]
"""


def test_django_models_contribute_their_tables():
    s = schema({"shop/models.py": DJ_MODELS})
    event = s.table("shop_event")
    assert event.model == "shop.models.Event" and event.style == "django"
    assert event.index_serving(("venue_id",)) is not None  # a ForeignKey's own index
    assert event.index_serving(("host_id",)) is None
    assert event.index_serving(("slug",)) is not None  # SlugField: db_index by default
    assert fks(s, "shop_event") == [(("host_id",), "shop_venue"), (("venue_id",), "shop_venue")]


def test_django_keys_without_a_database_constraint_are_not_foreign_keys():
    # pghistory's event models: `ForeignKey(db_constraint=False, db_index=False, related_name="+")`
    model = DJ_MODELS.replace('db_index=False, related_name="+"', 'db_constraint=False, db_index=False, related_name="+"')
    assert fks(schema({"shop/models.py": model}), "shop_event") == [(("venue_id",), "shop_venue")]
    migration = DJ_INITIAL.replace('("host", models.ForeignKey(db_index=False,', '("host", models.ForeignKey(db_constraint=False, db_index=False,')
    s = schema({"src/shop/migrations/0001_initial.py": migration, "src/people/migrations/0001_initial.py": DJ_PEOPLE})
    assert fks(s, "shop_event") == [(("venue_id",), "shop_venue")]
    assert "host_id" in s.table("shop_event").columns


DJ_O2O = """
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]
    operations = [
        migrations.CreateModel(name="Place", fields=[("id", models.AutoField(primary_key=True, serialize=False))]),
        migrations.CreateModel(
            name="Profile",
            fields=[("user", models.OneToOneField(on_delete=models.CASCADE, primary_key=True, serialize=False, db_index=False, to=settings.AUTH_USER_MODEL))],
        ),
        migrations.CreateModel(
            name="Restaurant",
            fields=[("place_ptr", models.OneToOneField(auto_created=True, on_delete=models.CASCADE, parent_link=True, primary_key=True, serialize=False, to="shop.place"))],
            bases=("shop.place",),
        ),
        migrations.AddField(model_name="place", name="owner", field=models.OneToOneField(null=True, db_index=False, on_delete=models.SET_NULL, to="shop.profile")),
    ]
"""


def test_a_one_to_one_primary_key_is_its_own_index():
    s = schema({"shop/migrations/0001_initial.py": DJ_O2O})
    profile, restaurant, place = s.table("shop_profile"), s.table("shop_restaurant"), s.table("shop_place")
    assert profile.primary_key == ("user_id",) and profile.index_serving(("user_id",)) is not None
    assert restaurant.primary_key == ("place_ptr_id",) and restaurant.index_serving(("place_ptr_id",)) is not None
    assert place.index_serving(("owner_id",)).unique  # a OneToOneField is unique, db_index or not
    model = """
        from django.conf import settings
        from django.db import models
        class Profile(models.Model):
            user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, db_index=False)
    """
    assert schema({"shop/models.py": model}).table("shop_profile").index_serving(("user_id",)).primary


def test_a_tie_with_another_apps_migration_name_keeps_the_directorys_label():
    other = DJ_PEOPLE.replace("Person", "Post").replace('options={"db_table": "persons"}', "options={}")
    second = DJ_SECOND.replace('("shop", "0001_initial")', '("shop", "0001_initial"), ("blog", "0001_initial")').split("        migrations.AddIndex")[0] + "    ]\n"
    s = schema({"shop/migrations/0001_initial.py": DJ_PEOPLE, "shop/migrations/0002_x.py": second, "blog/migrations/0001_initial.py": other})
    assert sorted(m.key for m in s.migrations) == ["blog.0001_initial", "shop.0001_initial", "shop.0002_x"]


def test_django_proxy_and_unmanaged_models_have_no_table():
    migration = DJ_PEOPLE.replace(
        'options={"db_table": "persons"})]',
        'options={"db_table": "persons", "managed": False}),\n'
        '        migrations.AddIndex(model_name="person", index=models.Index(fields=["id"], name="person_id")),\n'
        '        migrations.CreateModel(name="Staff", fields=[], options={"proxy": True})]',
    )
    s = schema(
        {
            "people/migrations/0001_initial.py": migration,
            "people/models.py": """
                from django.db import models
                class Person(models.Model):
                    boss = models.ForeignKey("self", on_delete=models.CASCADE, db_index=False)
                    class Meta:
                        db_table = "persons"
                        managed = False
            """,
        }
    )
    assert s.table("persons") is None and s.table("people_staff") is None
    assert s.index_creations == []


# --- the API beyond lookups -------------------------------------------------------------------


def test_index_fix_in_the_repositorys_style():
    sql = schema({"db/schema.sql": SHOP_SQL})
    orders = sql.table("orders")
    assert sql.index_fix(orders, ("user_id",)) == "`CREATE INDEX CONCURRENTLY ix_orders_user_id ON orders (user_id);`"
    sa_schema = schema({"shop/models.py": SA_MODELS})
    assert sa_schema.index_fix(sa_schema.table("orders"), ("customer_id",)) == "Add `index=True` to the `customer` column"
    assert "op.create_index(\"ix_orders_user_id\", \"orders\", [\"user_id\"], postgresql_concurrently=True)" in sql.index_fix(orders, ("user_id",), "alembic")
    dj = schema({"shop/models.py": DJ_MODELS})
    assert dj.index_fix(dj.table("shop_event"), ("host_id",)).startswith('Add `models.Index(fields=["host"]')
    mysql = schema({"db/schema.sql": SHOP_SQL}, "mysql")
    assert mysql.index_fix(mysql.table("orders"), ("user_id",)) == "`CREATE INDEX ix_orders_user_id ON orders (user_id);`"


def test_odd_facts_never_break_the_schema():
    facts = {
        "a.sql": FileFacts("a.sql", "sql", schema=MigrationFacts("sql", (SchemaOp("create_index", Span(1, 1, 1, 2)), SchemaOp("drop_column", Span(1, 1, 1, 2), table="t"), SchemaOp("rename_table", Span(1, 1, 1, 2), table="x")))),
        "b.sql": FileFacts("b.sql", "sql", schema=MigrationFacts("sql", (SchemaOp("create_table", Span(1, 1, 1, 2), table="t"), SchemaOp("weird", Span(1, 1, 1, 2), table="t")))),
    }
    s = Project(Path("."), facts, Settings()).schema
    assert s.table("t") is not None


@pytest.mark.parametrize("cycle", [True, False])
def test_revision_cycles_and_duplicate_ids_still_order_everything(cycle):
    files = {
        "v/1.py": alembic("a", "b" if cycle else None, 'op.create_table("t", sa.Column("id", sa.Integer()))'),
        "v/2.py": alembic("b", "a", 'op.create_index("ix", "t", ["id"])'),
        "w/2.py": alembic("b", "a", 'op.create_index("ix2", "t", ["id"])'),
    }
    s = schema(files)
    assert sorted(m.path for m in s.migrations) == ["v/1.py", "v/2.py", "w/2.py"]
