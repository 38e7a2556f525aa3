"""Alembic revisions and Django migrations read into MigrationFacts (scalelint.python.migrations)."""

from __future__ import annotations

import ast
import textwrap

from scalelint.facts import Span
from scalelint.python.extract import extract_python_facts


def read(source: str, dialect: str = "postgres", module: str = "app.migrations.versions.x"):
    source = textwrap.dedent(source)
    facts = extract_python_facts(ast.parse(source), source, module, functions=False, sql_dialect=dialect)
    return facts.migration, source


def brief(op) -> tuple:
    return (op.op, op.table or op.model, op.name, op.new_name)


ALEMBIC = '''
"""posts"""
import sqlalchemy as sa
from alembic import op

revision = "b2"
down_revision = ("a1", "a0")


def _indexes():
    op.create_index("ix_posts_title", "posts", [sa.text("lower(title)")], postgresql_where=sa.text("deleted IS NULL"))


def upgrade():
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("slug", sa.String(), unique=True),
        sa.Column("tag_id", sa.Integer(), index=True),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name="fk_tag"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("author_id", "slug"),
        sa.Index("ix_posts_slug_id", "slug", "id"),
    )
    op.create_index(op.f("ix_posts_author_id"), "posts", ["author_id"], unique=False)
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("post_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_c_post", "posts", ["post_id"], ["id"])
        batch_op.create_index("ix_c", ["post_id"], unique=False)
        batch_op.drop_column("legacy")
    with op.get_context().autocommit_block():
        op.create_index("ix_c2", "comments", ["created_at"], postgresql_concurrently=True, postgresql_using="brin")
    op.execute("CREATE INDEX ix_raw ON comments (body)")
    _indexes()
    op.drop_constraint("comments_user_id_fkey", "comments", type_="foreignkey")
    op.rename_table("old_name", "new_name")
    op.alter_column("comments", "body", new_column_name="text")
    op.drop_index("ix_old", table_name="comments")


def downgrade():
    op.drop_table("posts")
'''


def test_alembic_revision_and_operations_in_order():
    m, _ = read(ALEMBIC)
    assert (m.style, m.revision, m.parents) == ("alembic", "b2", ("a1", "a0"))
    assert [brief(o) for o in m.ops] == [
        ("create_table", "posts", None, None),
        ("create_index", "posts", None, None),
        ("add_column", "comments", None, None),
        ("add_foreign_key", "comments", None, None),
        ("create_index", "comments", None, None),
        ("drop_column", "comments", "legacy", None),
        ("create_index", "comments", None, None),
        ("create_index", "comments", None, None),
        ("create_index", "posts", None, None),  # from the helper upgrade() calls
        ("drop_constraint", "comments", "comments_user_id_fkey", "foreignkey"),
        ("rename_table", "old_name", None, "new_name"),
        ("rename_column", "comments", "body", "text"),
        ("drop_index", "comments", "ix_old", None),
    ]  # nothing from downgrade()


def test_alembic_create_table_columns_keys_and_indexes(span):
    m, source = read(ALEMBIC)
    create = m.ops[0]
    assert [(c.name, c.unique, c.index, c.references) for c in create.columns] == [
        ("id", False, False, None),
        ("author_id", False, False, "users.id"),
        ("slug", True, False, None),
        ("tag_id", False, True, None),
    ]
    assert create.columns[1].span == span(source, '"author_id"')
    assert [(fk.columns, fk.ref_table, fk.ref_columns, fk.name) for fk in create.foreign_keys] == [
        (("author_id",), "users", ("id",), None),
        (("tag_id",), "tags", ("id",), "fk_tag"),
    ]
    assert [(ix.columns, ix.primary, ix.unique, ix.name) for ix in create.indexes] == [
        (("id",), True, True, None),
        (("author_id", "slug"), False, True, None),
        (("slug", "id"), False, False, "ix_posts_slug_id"),
    ]


def test_alembic_create_index_arguments(span):
    m, source = read(ALEMBIC)
    author, batch, brin, raw, helper = (o for o in m.ops if o.op == "create_index")
    assert (author.indexes[0].name, author.indexes[0].columns, author.via) == ("ix_posts_author_id", ("author_id",), "op.create_index")
    assert author.span == span(source, "op.create_index", 1)
    assert (batch.table, batch.via, batch.indexes[0].columns) == ("comments", "batch_op.create_index", ("post_id",))
    assert (brin.autocommit, brin.indexes[0].concurrently, brin.indexes[0].method) == (True, True, "brin")
    assert (raw.via, raw.indexes[0].name, raw.indexes[0].concurrently) == ("op.execute", "ix_raw", False)
    assert raw.span == span(source, "CREATE INDEX")  # inside the string literal
    assert helper.indexes[0].expressions and helper.indexes[0].columns == ("lower(title)",)
    assert helper.indexes[0].where == "deleted IS NULL"


def test_alembic_dialect_branches_loops_and_helper_arguments():
    m, _ = read(
        """
        from alembic import op
        import sqlalchemy as sa

        revision = "c3"
        down_revision = None
        TABLES = ["package", "package_revision"]
        INDEX = "ix_state"

        def _drop(table, column="state_id"):
            op.drop_column(table, column)

        def upgrade():
            bind = op.get_bind()
            if bind.dialect.name == "sqlite":
                op.create_index("only_sqlite", "t", ["a"])
            elif bind.dialect.name in ("mysql", "mariadb"):
                op.create_index("only_mysql", "t", ["a"])
            else:
                op.create_index("elsewhere", "t", ["a"])
            if bind.dialect.name != "postgresql":
                op.create_index("not_postgres", "t", ["a"])
            if some_flag:
                op.create_index("either_way", "t", ["a"])
            for table_name in TABLES:
                op.add_column(table_name, sa.Column("state", sa.Text))
                _drop(table_name)
            for table, column in [("a", "x"), ("b", "y")]:
                op.create_index(INDEX + "_" + column, table, [column])
        """
    )
    got = [(o.op, o.table, o.name or (o.indexes[0].name if o.indexes else None)) for o in m.ops]
    assert got == [
        ("create_index", "t", "elsewhere"),
        ("create_index", "t", "either_way"),
        ("add_column", "package", None),
        ("drop_column", "package", "state_id"),
        ("add_column", "package_revision", None),
        ("drop_column", "package_revision", "state_id"),
        ("create_index", "a", None),  # a computed name is left unknown
        ("create_index", "b", None),
    ]
    sqlite, _ = read(
        """
        from alembic import op
        revision = "c3"
        down_revision = None
        def upgrade():
            if op.get_bind().dialect.name == "sqlite":
                op.create_index("only_sqlite", "t", ["a"])
        """,
        dialect="sqlite",
    )
    assert [o.indexes[0].name for o in sqlite.ops] == ["only_sqlite"]


def test_alembic_unknown_helpers_and_options_are_not_guessed():
    m, _ = read(
        """
        from alembic import op
        from app.utils import create_index, add_columns, create_table

        revision = "d4"
        down_revision = None
        OPTIONS = {"postgresql_concurrently": True}

        def upgrade():
            create_table("widgets", sa.Column("id", sa.Integer))
            create_index("widgets", "ix_widgets_name", ["name"])
            add_columns("widgets", sa.Column("size", sa.Integer))
            op.create_index("ix_opts", "gadgets", ["a"], **OPTIONS)
            op.execute(f"CREATE INDEX ix_{suffix} ON gadgets (b)")
            op.execute(some_sql)
        """
    )
    got = [(o.op, o.names, o.via) for o in m.ops]
    assert got[0] == ("opaque", ("widgets",), "create_table")
    assert got[1] == ("opaque", ("widgets", "ix_widgets_name"), "create_index")
    assert got[2][0] == "create_index" and m.ops[2].indexes[0].concurrently  # `**OPTIONS` may say so: assumed
    assert got[3] == ("opaque", ("gadgets",), "op.execute")
    assert len(got) == 4  # add_columns: not about keys or indexes; a SQL name: nothing to read


def test_index_columns_we_cannot_read_make_the_table_opaque():
    m, _ = read(
        """
        from alembic import op
        revision = "f6"
        down_revision = None
        INDEXES = [("t", "ix_t_a", ("a", "b"))]
        def upgrade():
            for table, name, columns in INDEXES:
                op.create_index(name, table, list(columns))
            op.create_index("ix_t_c", "t", some_columns())
        """
    )
    assert [(o.op, o.table or o.names) for o in m.ops] == [("create_index", "t"), ("opaque", ("t",)), ("create_index", "t")]
    assert m.ops[0].indexes[0].columns == ("a", "b") and m.ops[0].indexes[0].name == "ix_t_a"
    assert m.ops[2].indexes[0].columns == ("?",) and m.ops[2].indexes[0].expressions


def test_not_a_migration():
    assert read("def upgrade():\n    pass\n")[0] is None
    assert read("revision = 'x'\n")[0] is None
    assert read("class Migration:\n    operations = []\n")[0] is None


DJANGO = """
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    atomic = False
    replaces = [("shop", "0002_a"), ("shop", "0003_b")]
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("shop", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Event",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=100, db_index=True)),
                ("organizer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                ("venue", models.ForeignKey(db_index=False, on_delete=models.CASCADE, to="shop.venue", db_column="place")),
                ("ticket", models.OneToOneField(on_delete=models.CASCADE, to="shop.ticket")),
                ("tags", models.ManyToManyField(to="shop.Tag")),
            ],
            options={"db_table": "events", "indexes": [models.Index(fields=["venue", "-name"], name="ev_venue")], "unique_together": {("name", "organizer")}},
        ),
        migrations.AddIndex(model_name="order", index=models.Index(fields=["created"], name="order_created")),
        AddIndexConcurrently(model_name="order", index=models.Index(fields=["status"], name="order_status")),
        migrations.AddField(model_name="order", name="event", field=models.ForeignKey(null=True, on_delete=models.SET_NULL, to="shop.event")),
        migrations.AlterField(model_name="order", name="code", field=models.CharField(max_length=10, unique=True)),
        migrations.RunSQL(["CREATE INDEX CONCURRENTLY order_x ON shop_order (x);", ("CREATE INDEX order_y ON shop_order (y)", [])], reverse_sql="DROP INDEX order_x;"),
        migrations.AlterUniqueTogether(name="order", unique_together={("event", "code")}),
        migrations.AlterIndexTogether(name="order", index_together=set()),
        migrations.AlterIndexTogether(name="ticket", index_together=set([("event", "code")])),
        migrations.RemoveIndex(model_name="order", name="order_created"),
        migrations.RenameField(model_name="order", old_name="code", new_name="number"),
        migrations.RemoveField(model_name="order", name="legacy"),
        migrations.RenameModel(old_name="Ticket", new_name="Pass"),
        migrations.AlterModelTable(name="pass", table="passes"),
        migrations.DeleteModel(name="Tag"),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL("ALTER TABLE shop_order ADD COLUMN note text")],
            state_operations=[migrations.AddField(model_name="order", name="note", field=models.TextField())],
        ),
        migrations.RunPython(migrations.RunPython.noop),
        CreateCustomIndexThing(model_name="order"),
    ]
"""


def test_django_migration_header(span):
    m, source = read(DJANGO, module="shop.migrations.0004_stuff")
    assert (m.style, m.atomic) == ("django", False)
    assert m.parents == ("shop.0001_initial",)  # the swappable dependency names no migration
    assert m.replaces == ("shop.0002_a", "shop.0003_b")
    assert m.span.line == span(source, "class Migration").line


def test_django_operations_in_order():
    m, _ = read(DJANGO, module="shop.migrations.0004_stuff")
    assert [(o.op, o.model, o.table, o.name, o.new_name, o.via) for o in m.ops] == [
        ("create_table", "event", None, "events", None, "CreateModel"),
        ("create_index", "order", None, None, None, "AddIndex"),
        ("create_index", "order", None, None, None, "AddIndexConcurrently"),
        ("add_column", "order", None, "event", None, "AddField"),
        ("alter_column", "order", None, "code", None, "AlterField"),
        ("create_index", None, "shop_order", None, None, "RunSQL"),
        ("create_index", None, "shop_order", None, None, "RunSQL"),
        ("set_unique_together", "order", None, None, None, "AlterUniqueTogether"),
        ("set_index_together", "order", None, None, None, "AlterIndexTogether"),
        ("set_index_together", "ticket", None, None, None, "AlterIndexTogether"),
        ("drop_index", "order", None, "order_created", None, "RemoveIndex"),
        ("rename_column", "order", None, "code", "number", "RenameField"),
        ("drop_column", "order", None, "legacy", None, "RemoveField"),
        ("rename_table", "ticket", None, None, "pass", "RenameModel"),
        ("set_db_table", "pass", None, None, "passes", "AlterModelTable"),
        ("drop_table", "tag", None, None, None, "DeleteModel"),
        ("add_column", None, "shop_order", None, None, "RunSQL"),
        ("opaque", "order", None, None, None, "CreateCustomIndexThing"),
    ]
    assert [o.indexes for o in m.ops if o.op == "set_index_together"][0] == ()
    assert [ix.columns for o in m.ops if o.op == "set_index_together" for ix in o.indexes] == [("event", "code")]
    concurrently = [o.indexes[0].concurrently for o in m.ops if o.op == "create_index"]
    assert concurrently == [False, True, True, False]


def test_django_fields_carry_their_columns_indexes_and_keys(span):
    m, source = read(DJANGO, module="shop.migrations.0004_stuff")
    create = m.ops[0]
    cols = {c.name: c for c in create.columns}
    assert sorted(cols) == ["id", "name", "organizer_id", "place", "ticket_id"]  # no column for the M2M
    assert cols["id"].primary_key and not cols["id"].index
    assert cols["name"].index and cols["name"].field is None
    assert (cols["organizer_id"].index, cols["organizer_id"].references, cols["organizer_id"].field) == (True, "settings.AUTH_USER_MODEL", "organizer")
    assert (cols["place"].index, cols["place"].references, cols["place"].field) == (False, "shop.venue", "venue")
    assert cols["ticket_id"].unique  # a OneToOneField is unique
    assert cols["organizer_id"].span == span(source, '"organizer"')
    assert [(ix.columns, ix.unique, ix.name) for ix in create.indexes] == [
        (("venue", "name"), False, "ev_venue"),  # field names: the schema maps them to columns
        (("name", "organizer"), True, None),
    ]
    add_field = m.ops[3]
    assert add_field.columns[0].name == "event_id" and add_field.columns[0].index


def test_django_migration_without_operations_list():
    m, _ = read("from django.db import migrations\nclass Migration(migrations.Migration):\n    operations = OPS\n")
    assert m.ops == () and m.style == "django"


def test_composite_foreign_keys_of_models_and_tables():
    source = textwrap.dedent(
        """
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()

        class Version(Base):
            __tablename__ = "versions"
            name = sa.Column(sa.String, primary_key=True)
            version = sa.Column(sa.Integer, primary_key=True)
            server = sa.Column(sa.String)
            __table_args__ = (
                sa.ForeignKeyConstraint(["server", "name"], ["servers.workspace", "servers.name"]),
                sa.ForeignKeyConstraint(["name"], ["names.id"]),
            )

        links = sa.Table("links", Base.metadata, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
                         sa.ForeignKeyConstraint(["a", "b"], ["pairs.a", "pairs.b"]))
        """
    )
    facts = extract_python_facts(ast.parse(source), source, "app.models")
    got = [(owner, fk.columns, fk.ref_table, fk.ref_columns) for owner, fk in facts.composite_keys]
    assert got == [
        ("app.models.Version", ("server", "name"), "servers", ("workspace", "name")),
        ("table:links", ("a", "b"), "pairs", ("a", "b")),
    ]


def test_odd_migrations_do_not_raise():
    for text in (
        "revision = 'x'\ndown_revision = 5\ndef upgrade():\n    op.create_index()\n    op.create_table()\n    op.add_column('t')\n    op.execute()\n",
        "revision = 'x'\ndef upgrade():\n    op.create_index('i', 't', [1, None, lambda: 0], unique=maybe)\n    op.create_foreign_key(None, 't', None, None, None)\n",
        "revision = 'x'\ndef upgrade():\n    upgrade()\n",
        "class Migration(migrations.Migration):\n    dependencies = [('a',), 'b', None]\n    operations = [migrations.AddIndex(), migrations.CreateModel(), 5, migrations.RunSQL(None)]\n",
    ):
        m, _ = read(text)
        assert m is not None


def test_span_inside_a_multiline_sql_string(span):
    m, source = read(
        '''
        from alembic import op
        revision = "e5"
        down_revision = None
        def upgrade():
            op.execute(
                """
                SELECT 1;
                CREATE INDEX ix_multi ON things (a);
                """
            )
        '''
    )
    (op,) = m.ops
    assert op.span == span(source, "CREATE INDEX")
    assert op.span == Span(op.span.line, op.span.column, op.span.line, op.span.column + len("CREATE INDEX"))
