from scalelint.facts import Const, EnvVar, Unknown


def dbs(pf):
    return {d.alias: d for d in pf.databases}


def test_databases_dict_literal(facts, span):
    pf, src = facts(
        """
        import os
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": os.environ.get("DB_NAME", "app"),
                "CONN_MAX_AGE": 60,
                "CONN_HEALTH_CHECKS": True,
            },
            "replica": {"ENGINE": "django.db.backends.postgresql"},
            "pooled": {
                "ENGINE": "django.db.backends.postgresql",
                "OPTIONS": {"pool": {"min_size": 2, "max_size": 4}},
            },
            "pool_true": {"ENGINE": "x", "OPTIONS": {"pool": True}},
            "pool_off": {"ENGINE": "x", "OPTIONS": {"pool": False, "sslmode": "require"}},
            "opaque": {"ENGINE": "x", "OPTIONS": OPTIONS},
        }
        """
    )
    d = dbs(pf)
    assert list(d) == ["default", "replica", "pooled", "pool_true", "pool_off", "opaque"]
    default = d["default"]
    assert default.engine == Const("django.db.backends.postgresql", span(src, '"django.db.backends.postgresql"'))
    assert default.conn_max_age == Const(60, span(src, "60"))
    assert default.has_pool is False and default.via == "dict"
    assert default.span == span(src, '"default"')
    assert dict(default.extra)["CONN_HEALTH_CHECKS"].value is True
    assert d["replica"].conn_max_age is None
    assert d["pooled"].has_pool is True
    assert {k: v.value for k, v in d["pooled"].extra} == {"min_size": 2, "max_size": 4}
    assert d["pool_true"].has_pool is True
    assert d["pool_off"].has_pool is False
    assert d["opaque"].has_pool is False and isinstance(dict(d["opaque"].extra)["OPTIONS"], Unknown)
    assert pf.databases_mutated is False


def test_dj_database_url_and_environ(facts, span):
    pf, src = facts(
        """
        import dj_database_url
        import environ
        env = environ.Env()
        db_from_env = dj_database_url.config(conn_max_age=500, conn_health_checks=True)
        DATABASES = {
            "default": dj_database_url.config(default="sqlite:///x", conn_max_age=600, ssl_require=True),
            "parsed": dj_database_url.parse(URL),
            "env": env.db(),
            "env_url": env.db_url("OTHER_URL"),
            "named": db_from_env,
            "custom": build_database(),
        }
        """
    )
    d = dbs(pf)
    assert d["default"].via == "dj_database_url"
    assert d["default"].conn_max_age == Const(600, span(src, "600"))
    assert isinstance(d["default"].engine, Unknown)
    assert d["default"].span == span(src, '"default"')
    assert d["parsed"].via == "dj_database_url" and d["parsed"].conn_max_age is None
    assert d["env"].via == "environ" and isinstance(d["env"].conn_max_age, Unknown)
    assert d["env_url"].via == "environ"
    assert d["named"].via == "dj_database_url" and d["named"].conn_max_age.value == 500
    assert dict(d["named"].extra)["CONN_HEALTH_CHECKS"].value is True
    assert d["custom"].via == "unknown"
    assert isinstance(d["custom"].conn_max_age, Unknown) and isinstance(d["custom"].engine, Unknown)


def test_conn_max_age_from_environment(facts):
    pf, _ = facts(
        """
        import os
        DATABASES = {"default": {"ENGINE": "x", "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", 0))}}
        """
    )
    cma = pf.databases[0].conn_max_age
    assert isinstance(cma, EnvVar) and cma.name == "CONN_MAX_AGE" and cma.default.value == 0


def test_simple_mutation_updates_the_alias(facts, span):
    pf, src = facts(
        """
        DATABASES = {"default": {"ENGINE": "x"}}
        DATABASES["default"]["CONN_MAX_AGE"] = 60
        DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
        """
    )
    (d,) = pf.databases
    assert d.conn_max_age == Const(60, span(src, "60"))
    assert d.engine.value == "django.db.backends.postgresql"
    assert pf.databases_mutated is False


def test_alias_replacement(facts):
    pf, _ = facts(
        """
        import dj_database_url
        DATABASES = {"default": {"ENGINE": "sqlite"}}
        DATABASES["default"] = dj_database_url.config(conn_max_age=60)
        """
    )
    (d,) = pf.databases
    assert d.via == "dj_database_url" and d.conn_max_age.value == 60
    assert pf.databases_mutated is False


def test_update_from_a_parsed_url(facts):
    """The Heroku template: the parsed URL's CONN_MAX_AGE (0 unless given) replaces the alias's."""
    for stmt, age in (
        ('DATABASES["default"].update(dj_database_url.config(conn_max_age=500))', 500),
        ('db_from_env = dj_database_url.config()\nDATABASES["default"].update(db_from_env)', 0),
    ):
        pf, _ = facts('DATABASES = {"default": {"ENGINE": "x", "CONN_MAX_AGE": 60}}\n' + stmt + "\n")
        assert pf.databases_mutated is False, stmt
        (d,) = pf.databases
        assert d.via == "dj_database_url" and d.conn_max_age.value == age, stmt


def test_keys_the_rules_do_not_read(facts):
    pf, _ = facts('DATABASES = {"default": {"ENGINE": "x"}}\nDATABASES["default"]["ATOMIC_REQUESTS"] = True\n')
    assert pf.databases_mutated is False and pf.databases[0].conn_max_age is None


def test_settings_helper_of_the_module(facts):
    pf, _ = facts(
        """
        import dj_database_url

        def database_config():
            \"\"\"Read DATABASE_URL.\"\"\"
            url = "postgres://localhost/shop"
            return dj_database_url.config(default=url, conn_max_age=600)

        DATABASES = {"default": database_config()}
        """
    )
    (d,) = pf.databases
    assert d.via == "dj_database_url" and d.conn_max_age.value == 600


def test_uninterpretable_mutations(facts):
    for stmt in (
        'DATABASES["default"].update(other)',
        'DATABASES["default"]["OPTIONS"]["pool"] = True',
        "DATABASES.update(other)",
        'DATABASES["missing"]["CONN_MAX_AGE"] = 1',
        'del DATABASES["default"]["CONN_MAX_AGE"]',
        'DATABASES["default"] |= extra',
        "DATABASES[alias]['CONN_MAX_AGE'] = 5",
    ):
        pf, _ = facts('DATABASES = {"default": {"ENGINE": "x", "CONN_MAX_AGE": 0}}\n' + stmt + "\n")
        assert pf.databases_mutated is True, stmt
        assert pf.databases[0].conn_max_age.value == 0, stmt


def test_mutation_without_a_literal_here(facts):
    pf, _ = facts('from .base import *\nDATABASES["default"]["CONN_MAX_AGE"] = 60\n', module="proj.settings.prod")
    assert pf.databases == () and pf.databases_mutated is True
    assert pf.star_imports == ("proj.settings.base",)


def test_later_literal_resets(facts):
    pf, _ = facts(
        """
        DATABASES = {"default": {"ENGINE": "a"}}
        DATABASES["default"].update(x)
        if PROD:
            DATABASES = {"default": {"ENGINE": "b", "CONN_MAX_AGE": None}}
        """
    )
    (d,) = pf.databases
    assert d.engine.value == "b" and d.conn_max_age == Const(None, d.conn_max_age.span)
    assert pf.databases_mutated is False


def test_non_literal_databases(facts, span):
    pf, src = facts("DATABASES = load_databases()\n")
    (d,) = pf.databases
    assert d.alias == "default" and d.via == "unknown" and d.span == span(src, "DATABASES")
    assert isinstance(d.conn_max_age, Unknown)
