"""Which migrations production has applied, from the migration graph (scalelint.project.migration_graph):
only heads may be unapplied; a later migration of the chain, an applied dependant, or a much
newer migration of the same database settles the rest."""

from __future__ import annotations

from projects import build_repository


def django(app: str, name: str, deps: list[tuple[str, str]], extra: str = "", header: str = "") -> tuple[str, str]:
    body = f"{header}from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = {deps!r}\n{extra}    operations = []\n"
    return f"{app}/migrations/{name}.py", body


def alembic(revision: str, down, extra: str = "", created: str = "2024-01-01 10:00:00") -> tuple[str, str]:
    body = (
        f'"""x\n\nRevision ID: {revision}\nCreate Date: {created}\n"""\nfrom alembic import op\n\n'
        f"revision = {revision!r}\ndown_revision = {down!r}\n{extra}\n\ndef upgrade():\n    pass\n"
    )
    return f"migrations/versions/{revision}.py", body


def settled(files: list[tuple[str, str]]) -> dict[str, object]:
    project = build_repository(dict(files))
    from scalelint.project.migration_graph import settled_by

    return settled_by(project.schema.migrations)


def judged(files: list[tuple[str, str]], named: tuple[str, ...] = (), scope: str = "all") -> set[str]:
    # scope "all" judges every head, as for migrations not committed yet (test_named_files has
    # the default scope's git check)
    from scalelint.config import Settings

    project = build_repository(dict(files), settings=Settings(scope=scope), named=named)
    return {m.path.rsplit("/", 1)[-1][:-3] for m in project.schema.migrations if project.unapplied.verdict(m).judged}


def test_only_the_head_of_a_django_app_may_be_unapplied():
    s = settled(
        [
            django("shop", "0001_initial", []),
            django("shop", "0002_order_status", [("shop", "0001_initial")]),
            django("shop", "0003_order_total", [("shop", "0002_order_status")]),
        ]
    )
    assert s["shop.0001_initial"].later == "shop.0002_order_status" and s["shop.0001_initial"].how == "depends"
    assert s["shop.0002_order_status"].later == "shop.0003_order_total"
    assert s["shop.0003_order_total"] is None


def test_each_app_has_its_own_head_and_a_new_head_keeps_what_only_it_needs():
    # blog.0002 depends on shop.0002; blog.0002 is blog's head, so shop.0002 (shop's head too)
    # may be as new as it; shop.0001 is settled by shop.0002
    files = [
        django("shop", "0001_initial", []),
        django("shop", "0002_order_status", [("shop", "0001_initial")]),
        django("blog", "0001_initial", []),
        django("blog", "0002_post_order", [("blog", "0001_initial"), ("shop", "0002_order_status")]),
    ]
    assert judged(files) == {"0002_order_status", "0002_post_order"}


def test_an_applied_migration_of_another_app_settles_what_it_depends_on():
    # blog.0002 is applied (blog.0003 follows it) and needed shop.0002: shop.0002 is applied
    # although shop has nothing after it
    files = [
        django("shop", "0001_initial", []),
        django("shop", "0002_order_status", [("shop", "0001_initial")]),
        django("blog", "0001_initial", []),
        django("blog", "0002_post_order", [("blog", "0001_initial"), ("shop", "0002_order_status")]),
        django("blog", "0003_post_title", [("blog", "0002_post_order")]),
    ]
    s = settled(files)
    assert s["shop.0002_order_status"].later == "blog.0002_post_order"
    assert judged(files) == {"0003_post_title"}


def test_a_later_migration_of_the_app_reached_through_another_app_settles_it():
    files = [
        django("shop", "0001_initial", []),
        django("blog", "0001_posts", [("shop", "0001_initial")]),
        django("shop", "0002_order_blog", [("blog", "0001_posts")]),
    ]
    assert settled(files)["shop.0001_initial"].later == "shop.0002_order_blog"
    # blog's head is needed only by shop's head: both may ship in one change
    assert judged(files) == {"0001_posts", "0002_order_blog"}


def test_run_before_makes_the_named_migration_depend_on_this_one():
    files = [
        django("shop", "0001_initial", []),
        django("audit", "0001_initial", [], extra="    run_before = [('shop', '0001_initial')]\n"),
        django("shop", "0002_order_status", [("shop", "0001_initial")]),
    ]
    assert settled(files)["audit.0001_initial"].later == "shop.0001_initial"
    assert judged(files) == {"0002_order_status"}


def test_first_and_latest_dependencies():
    files = [
        django("shop", "0001_initial", []),
        django("shop", "0002_order_status", [("shop", "0001_initial")]),
        django("blog", "0001_initial", [("shop", "__latest__")]),
        django("blog", "0002_post_title", [("blog", "0001_initial")]),
    ]
    assert settled(files)["shop.0002_order_status"].later == "blog.0001_initial"
    assert judged(files) == {"0002_post_title"}


def test_a_squashed_migration_is_never_judged_and_stands_for_what_it_replaces():
    files = [
        django("shop", "0001_squashed_0004", [], extra="    replaces = [('shop', '0001_initial'), ('shop', '0004_total')]\n"),
        django("shop", "0005_order_note", [("shop", "0004_total")]),
    ]
    assert settled(files)["shop.0001_squashed_0004"].later == "shop.0005_order_note"
    alone = [django("shop", "0001_squashed_0004", [], extra="    replaces = [('shop', '0001_initial'), ('shop', '0004_total')]\n")]
    assert judged(alone) == set()
    assert "squashed" in build_repository(dict(alone)).unapplied.verdict(build_repository(dict(alone)).schema.migrations[0]).why


def test_alembic_heads_with_a_merge_and_depends_on():
    files = [
        alembic("a1", None),
        alembic("b1", "a1"),
        alembic("b2", "a1"),
        alembic("m1", ("b1", "b2")),
        alembic("x1", None, "branch_labels = ('extra',)\n"),
        alembic("c1", "m1", "depends_on = 'extra'\n"),
    ]
    s = settled(files)
    assert s["b2"].later == "m1" and s["b1"].later == "m1"
    assert s["x1"].later == "c1"
    assert s["c1"] is None
    assert judged(files) == {"c1"}


def test_two_alembic_branches_each_keep_their_head():
    files = [alembic("a1", None), alembic("a2", "a1"), alembic("z1", None, "branch_labels = ('plugin',)\n")]
    assert judged(files) == {"a2", "z1"}


def test_sql_migrations_the_last_of_each_directory():
    files = [
        ("db/migrations/001_init.sql", "CREATE TABLE a (id int PRIMARY KEY);"),
        ("db/migrations/002_b.sql", "CREATE TABLE b (id int PRIMARY KEY);"),
        ("db/migrations/010_c.sql", "CREATE TABLE c (id int PRIMARY KEY);"),
        ("db/changes/2024-01-01-init/up.sql", "CREATE TABLE d (id int PRIMARY KEY);"),
        ("db/changes/2024-02-01-e/up.sql", "CREATE TABLE e (id int PRIMARY KEY);"),
    ]
    s = settled(files)
    assert s["db/migrations/002_b.sql"].later == "db/migrations/010_c.sql"
    assert s["db/migrations/010_c.sql"] is None
    assert s["db/changes/2024-01-01-init/up.sql"].later == "db/changes/2024-02-01-e/up.sql"
    assert s["db/changes/2024-02-01-e/up.sql"] is None


def test_a_head_generated_long_before_the_newest_migration_went_out_with_it():
    old = "# Generated by Django 3.1 on 2020-12-01 07:12\n"
    new = "# Generated by Django 5.0 on 2024-06-03 10:00\n"
    recent = "# Generated by Django 5.0 on 2024-05-20 10:00\n"
    files = [
        django("actions", "0003_action_index", [], header=old),
        django("shop", "0001_initial", [], header=recent),
        django("users", "0009_user_flag", [], header=new),
    ]
    s = settled(files)
    assert s["actions.0003_action_index"].how == "newer" and s["actions.0003_action_index"].later == "users.0009_user_flag"
    assert s["shop.0001_initial"] is None  # two weeks older: may ship in the same change
    assert judged(files) == {"0001_initial", "0009_user_flag"}


def test_dates_from_auto_names_and_alembic_create_date():
    files = [
        django("actions", "0003_auto_20201201_0712", []),
        django("users", "0009_auto_20240603_1000", []),
        alembic("a1", None, created="2019-01-01 10:00:00"),
        alembic("z1", None, "branch_labels = ('p',)\n", created="2023-01-01 10:00:00"),
    ]
    s = settled(files)
    assert s["actions.0003_auto_20201201_0712"].how == "newer"
    assert s["a1"].later == "z1" and s["a1"].how == "newer"
    assert s["users.0009_auto_20240603_1000"] is None and s["z1"] is None


def test_a_file_named_on_the_command_line_is_judged_even_when_settled():
    files = [django("shop", "0001_initial", []), django("shop", "0002_order_status", [("shop", "0001_initial")])]
    assert judged(files) == {"0002_order_status"}
    assert judged(files, named=("shop/migrations/0001_initial.py",)) == {"0001_initial", "0002_order_status"}
    # the default scope takes a head git does not show as new for deployed: only the named file
    assert judged(files, named=("shop/migrations/0001_initial.py",), scope="request") == {"0001_initial"}


def test_a_cycle_does_not_hang():
    files = [django("a", "0001_x", [("b", "0001_y")]), django("b", "0001_y", [("a", "0001_x")])]
    s = settled(files)
    assert set(s) == {"a.0001_x", "b.0001_y"}
