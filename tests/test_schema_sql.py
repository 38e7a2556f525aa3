"""The DDL a `.sql` file (or a SQL string a migration runs) declares: scalelint.schema_sql."""

from __future__ import annotations

import pytest

from scalelint.extract import extract_file
from scalelint.facts import Span
from scalelint.schema_sql import read_sql_file


def ops(text: str, dialect: str = "postgres"):
    facts = read_sql_file(text, dialect)
    return list(facts.ops) if facts is not None else []


def test_create_table_columns_keys_and_spans():
    sql = (
        "CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE NOT NULL);\n"
        "CREATE TABLE posts (\n"
        "    id bigint,\n"
        "    author_id int NOT NULL REFERENCES users (id),\n"
        "    tag_id int,\n"
        "    CONSTRAINT posts_pk PRIMARY KEY (id),\n"
        "    CONSTRAINT posts_tag FOREIGN KEY (tag_id) REFERENCES tags,\n"
        "    UNIQUE (tag_id, author_id)\n"
        ");\n"
    )
    users, posts = ops(sql)
    assert (users.op, users.table) == ("create_table", "users")
    assert [(c.name, c.primary_key, c.unique, c.nullable) for c in users.columns] == [("id", True, False, False), ("email", False, True, False)]
    assert posts.span == Span(2, 14, 2, 19)  # the table name
    author = posts.columns[1]
    assert (author.name, author.span) == ("author_id", Span(4, 5, 4, 14))
    assert [(fk.columns, fk.ref_table, fk.ref_columns, fk.name) for fk in posts.foreign_keys] == [
        (("author_id",), "users", ("id",), None),
        (("tag_id",), "tags", (), "posts_tag"),
    ]
    assert posts.foreign_keys[1].span.line == 7
    assert [(ix.columns, ix.primary, ix.unique, ix.name) for ix in posts.indexes] == [
        (("id",), True, True, "posts_pk"),
        (("tag_id", "author_id"), False, True, None),
    ]


def test_create_index_expressions_method_partial_and_concurrently():
    sql = (
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_lower_email ON public.users USING btree (lower(email)) WHERE deleted_at IS NULL;\n"
        "CREATE INDEX posts_tags ON posts USING gin (tags);\n"
        "  CREATE INDEX ON posts (author_id DESC, id);\n"
    )
    lower, gin, unnamed = ops(sql)
    ix = lower.indexes[0]
    assert (lower.op, lower.table, ix.name, ix.unique, ix.concurrently, ix.method) == ("create_index", "users", "users_lower_email", True, True, "btree")
    assert ix.expressions and ix.columns == ("LOWER(email)",)
    assert ix.where == "deleted_at IS NULL"
    assert ix.span == Span(1, 1, 1, 20)  # `CREATE UNIQUE INDEX`: what a report points at
    assert (gin.indexes[0].method, gin.indexes[0].concurrently) == ("gin", False)
    assert unnamed.indexes[0].columns == ("author_id", "id") and unnamed.indexes[0].name is None
    assert unnamed.span == Span(3, 3, 3, 15)


def test_alter_table_actions():
    sql = (
        "ALTER TABLE posts ADD COLUMN editor_id int REFERENCES users(id);\n"
        "ALTER TABLE ONLY posts ADD CONSTRAINT fk_e FOREIGN KEY (editor_id) REFERENCES users(id) NOT VALID;\n"
        "ALTER TABLE posts VALIDATE CONSTRAINT fk_e;\n"
        "ALTER TABLE posts ADD CONSTRAINT posts_uq UNIQUE (slug, id);\n"
        "ALTER TABLE posts DROP COLUMN tag_id;\n"
        "ALTER TABLE posts DROP CONSTRAINT fk_e;\n"
        "ALTER TABLE posts RENAME COLUMN editor_id TO reviewer_id;\n"
        "ALTER TABLE posts RENAME TO articles;\n"
        "DROP INDEX CONCURRENTLY IF EXISTS posts_tags;\n"
        "ALTER INDEX posts_tags2 RENAME TO articles_tags;\n"
        "DROP TABLE IF EXISTS tags, labels CASCADE;\n"
    )
    got = [(o.op, o.table, o.name, o.new_name) for o in ops(sql)]
    assert got == [
        ("add_column", "posts", None, None),
        ("add_foreign_key", "posts", None, None),
        ("add_constraint", "posts", None, None),
        ("drop_column", "posts", "tag_id", None),
        ("drop_constraint", "posts", "fk_e", None),
        ("rename_column", "posts", "editor_id", "reviewer_id"),
        ("rename_table", "posts", None, "articles"),
        ("drop_index", None, "posts_tags", None),
        ("rename_index", None, "posts_tags2", "articles_tags"),
        ("drop_table", "tags", None, None),
        ("drop_table", "labels", None, None),
    ]
    add_column, add_fk = ops(sql)[:2]
    assert add_column.foreign_keys[0].ref_table == "users" and add_column.columns[0].name == "editor_id"
    assert add_fk.foreign_keys[0].name == "fk_e"


def test_rename_without_the_column_keyword_renames_a_column():
    # PostgreSQL accepts `ALTER TABLE t RENAME old TO new` for a column
    found = ops("ALTER TABLE events RENAME has_organizer_info TO has_owner_info;\nALTER TABLE events RENAME TO happenings;\n")
    assert [(o.op, o.table, o.name, o.new_name) for o in found] == [
        ("rename_column", "events", "has_organizer_info", "has_owner_info"),
        ("rename_table", "events", None, "happenings"),
    ]


def test_mysql_keys_and_quoted_names():
    sql = (
        "CREATE TABLE `posts` (\n"
        "  `id` int NOT NULL AUTO_INCREMENT,\n"
        "  `author_id` int NOT NULL,\n"
        "  PRIMARY KEY (`id`),\n"
        "  KEY `posts_author` (`author_id`),\n"
        "  CONSTRAINT `fk_a` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`)\n"
        ") ENGINE=InnoDB;\n"
        "ALTER TABLE posts ADD INDEX ix_t (tag_id);\n"
        "DROP INDEX ix_t ON posts;\n"
        "CREATE INDEX ix2 ON posts (tag_id) USING BTREE;\n"
    )
    create, add_index, drop, command = ops(sql, "mysql")
    assert [(ix.columns, ix.name, ix.primary) for ix in create.indexes] == [(("id",), None, True), (("author_id",), "posts_author", False)]
    assert create.foreign_keys[0].ref_table == "users"
    assert (add_index.op, add_index.indexes[0].columns) == ("create_index", ("tag_id",))
    assert (drop.op, drop.table, drop.name) == ("drop_index", "posts", "ix_t")
    # sqlglot leaves `... USING BTREE` after the columns as a Command; read it anyway
    assert (command.op, command.table, command.indexes[0].columns) == ("create_index", "posts", ("tag_id",))


def test_sqlite_schema():
    sql = (
        'CREATE TABLE IF NOT EXISTS "posts" (id INTEGER PRIMARY KEY AUTOINCREMENT, '
        "author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE);\n"
        "CREATE INDEX IF NOT EXISTS ix ON posts(author_id) WHERE author_id > 0;\n"
    )
    create, index = ops(sql, "sqlite")
    assert create.table == "posts" and create.foreign_keys[0].columns == ("author_id",)
    assert index.indexes[0].where == "author_id > 0"


def test_unquoted_names_fold_to_lower_case_and_quoted_keep_theirs():
    (upper, quoted) = ops('CREATE TABLE Orders (ID int);\nCREATE TABLE "Order Lines" ("Qty" int);\n')
    assert (upper.table, upper.columns[0].name) == ("orders", "id")
    assert (quoted.table, quoted.columns[0].name) == ("Order Lines", "Qty")


def test_unreadable_ddl_is_opaque_and_harmless_ddl_is_not():
    sql = (
        "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;\n"
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n"
        "ALTER TABLE orders ADD CONSTRAINT orders_uq UNIQUE USING INDEX orders_uq_idx;\n"
        "CREATE TABLE copy_of AS SELECT * FROM orders;\n"
    )
    got = [(o.op, o.table, o.names) for o in ops(sql)]
    assert got == [("opaque", None, ("orders",)), ("create_table", "copy_of", ()), ("opaque", None, ("copy_of",))]


def test_dump_data_and_down_sections_are_skipped():
    sql = (
        "CREATE TABLE t (id int);\n"
        "COPY t (id) FROM stdin;\n"
        "1\n"
        "2\n"
        "\\.\n"
        "\\connect other\n"
        "CREATE INDEX t_id ON t (id);\n"
        "-- migrate:down\n"
        "DROP TABLE t;\n"
    )
    assert [(o.op, o.span.line) for o in ops(sql)] == [("create_table", 1), ("create_index", 7)]


@pytest.mark.parametrize(
    "text",
    [
        "CREATE TABLE (",
        "CREATE INDEX ON ;",
        "ALTER TABLE",
        "SELECT 1; CREATE TABLE ok (id int); CREATE TABLE broken (id int",
        "\x00\x01 CREATE",
        "{{ config(materialized='table') }} CREATE TABLE x (id int)",
    ],
)
def test_broken_sql_never_raises(text):
    ops(text)  # no exception; what parses is kept
    facts = extract_file("db/schema.sql", "sql", text.encode())
    assert all(p.severity in ("error", "info") for p in facts.problems)


def test_broken_statement_keeps_the_others():
    got = ops("CREATE TABLE ok (id int);\nCREATE TABLE broken (id int;\nCREATE INDEX ok_id ON ok (id);\n")
    assert [(o.op, o.table) for o in got if o.op != "opaque"] == [("create_table", "ok"), ("create_index", "ok")]


def test_sql_files_get_schema_facts_with_the_configured_dialect():
    text = b"CREATE TABLE `t` (`id` int, KEY `t_id` (`id`));\n"
    assert extract_file("schema.sql", "sql", text, "mysql").schema.ops[0].indexes[0].name == "t_id"
    assert extract_file("notes.sql", "sql", b"SELECT 1;\n").schema is None


def test_crlf_and_comments_keep_positions():
    sql = "-- the users\r\nBEGIN;\r\nCREATE TABLE users (\r\n  id int PRIMARY KEY,\r\n  org_id int REFERENCES orgs (id)\r\n);\r\n/* later */ CREATE INDEX users_org ON users (org_id);\r\nCOMMIT;\r\n"
    create, index = ops(sql)
    assert create.span == Span(3, 14, 3, 19)
    assert create.foreign_keys[0].span == Span(5, 3, 5, 9)
    assert index.span == Span(7, 13, 7, 25)
