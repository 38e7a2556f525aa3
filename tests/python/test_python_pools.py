from scalelint.facts import Choice, Const, EnvVar, Unknown


def test_create_engine_with_sizes(facts, span):
    pf, src = facts(
        """
        import os
        from sqlalchemy import create_engine
        from sqlalchemy.pool import QueuePool
        URL = os.environ["DATABASE_URL"]
        POOL = 5 if "pooler" in URL else 10
        engine = create_engine(URL, pool_size=POOL, max_overflow=0, poolclass=QueuePool, pool_timeout=30, pool_pre_ping=True)
        """
    )
    (p,) = pf.pools
    assert p.library == "sqlalchemy" and p.is_async is False
    assert isinstance(p.size, Choice) and [o.value for o in p.size.options] == [5, 10]
    assert p.overflow == Const(0, span(src, "0", 1))
    assert p.poolclass == "QueuePool"
    assert p.url == EnvVar("DATABASE_URL", None, span(src, 'os.environ["DATABASE_URL"]'))
    assert p.span == span(src, "create_engine(URL, pool_size=POOL, max_overflow=0, poolclass=QueuePool, pool_timeout=30, pool_pre_ping=True)")
    assert p.size_span == span(src, "pool_size=POOL")
    assert p.function is None
    assert dict(p.extra)["pool_timeout"].value == 30
    assert dict(p.extra)["pool_pre_ping"].value is True


def test_create_engine_defaults_absent(facts):
    pf, _ = facts("import sqlalchemy as sa\nengine = sa.create_engine('postgresql://db/x')\n")
    (p,) = pf.pools
    assert p.size is None and p.overflow is None and p.size_span is None and p.poolclass is None
    assert p.url.value == "postgresql://db/x"
    assert p.extra == ()


def test_size_span_falls_back_to_max_overflow(facts, span):
    pf, src = facts("from sqlalchemy import create_engine\ne = create_engine(url=U, max_overflow=20)\n")
    (p,) = pf.pools
    assert p.size is None and p.overflow.value == 20
    assert p.size_span == span(src, "max_overflow=20")
    assert isinstance(p.url, Unknown) and p.url.text == "U"


def test_async_engine_in_a_method_with_nullpool(facts):
    pf, _ = facts(
        """
        from sqlalchemy.ext.asyncio import create_async_engine
        import sqlalchemy.pool

        class Database:
            def __init__(self, url):
                self.engine = create_async_engine(url, poolclass=sqlalchemy.pool.NullPool)

            async def connect(self):
                def inner():
                    return create_async_engine("x", pool_size=2)
        """
    )
    first, second = pf.pools
    assert first.library == "sqlalchemy" and first.is_async
    assert first.function == "Database.__init__" and first.poolclass == "NullPool"
    assert isinstance(first.url, Unknown) and first.url.text == "url"
    assert second.function == "Database.connect.inner" and second.size.value == 2


def test_kwargs_splats(facts, span):
    pf, src = facts(
        """
        from sqlalchemy import create_engine
        OPTS = {"pool_size": 3, "max_overflow": 1}
        a = create_engine(URL, **OPTS)
        b = create_engine(URL, **options)
        c = create_engine(URL, pool_size=8, **options)
        d = create_engine(*args)
        """
    )
    a, b, c, d = pf.pools
    assert a.size.value == 3 and a.overflow.value == 1
    assert a.size_span == span(src, '"pool_size": 3')
    assert isinstance(b.size, Unknown) and isinstance(b.overflow, Unknown) and b.size_span is None
    assert c.size.value == 8 and isinstance(c.overflow, Unknown)
    assert isinstance(d.url, Unknown) and d.size is None


def test_engine_from_config_size_unknown(facts):
    pf, _ = facts("from sqlalchemy import engine_from_config\nengine = engine_from_config(cfg, prefix='sqlalchemy.')\n")
    (p,) = pf.pools
    assert isinstance(p.size, Unknown) and isinstance(p.overflow, Unknown) and p.url is None


def test_create_engine_needs_sqlalchemy(facts):
    pf, _ = facts("from myapp.db import create_engine\nengine = create_engine(URL, pool_size=1)\ncreate_pool(1)\n")
    assert pf.pools == ()


def test_pool_in_nested_expression_and_app_factory(facts):
    pf, _ = facts(
        """
        import sqlalchemy
        from sqlalchemy.orm import sessionmaker

        def create_app():
            Session = sessionmaker(bind=sqlalchemy.create_engine(URL, pool_size=4))
            engines = {k: sqlalchemy.create_engine(v) for k, v in urls.items()}
        """
    )
    assert [(p.function, p.size.value if p.size else None) for p in pf.pools] == [("create_app", 4), ("create_app", None)]


def test_flask_sqlalchemy_engine_options(facts, span):
    pf, src = facts(
        """
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy(engine_options={"pool_size": 3, "max_overflow": 0, "pool_recycle": 300})
        plain = SQLAlchemy()
        """
    )
    p, plain = pf.pools
    assert p.library == "flask-sqlalchemy" and not p.defaults
    # `SQLAlchemy()` with no engine options: the extension's default pool, unless config sizes it
    assert plain.defaults and plain.size is None and plain.overflow is None
    assert p.size.value == 3 and p.overflow.value == 0
    assert p.size_span == span(src, '"pool_size": 3')
    assert dict(p.extra)["pool_recycle"].value == 300
    assert p.span == span(src, 'SQLAlchemy(engine_options={"pool_size": 3, "max_overflow": 0, "pool_recycle": 300})')


def test_flask_sqlalchemy_config_module_level(facts, span):
    pf, src = facts(
        """
        import os
        SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
        SQLALCHEMY_ENGINE_OPTIONS = {
            "pool_size": int(os.environ.get("DB_POOL", "5")),
            "max_overflow": 2,
            "pool_pre_ping": True,
        }
        """
    )
    (p,) = pf.pools
    assert p.library == "flask-sqlalchemy" and p.function is None
    assert p.size.name == "DB_POOL" and p.size.default.value == 5
    assert p.overflow.value == 2
    assert p.url.name == "DATABASE_URL"
    assert p.span == span(src, "SQLALCHEMY_ENGINE_OPTIONS")
    assert p.size_span == span(src, '"pool_size": int(os.environ.get("DB_POOL", "5"))')
    assert dict(p.extra)["pool_pre_ping"].value is True
    # the module-level assignment is also an assignment
    assert "SQLALCHEMY_ENGINE_OPTIONS" in {a.name for a in pf.assignments}


def test_flask_config_classes(facts, span):
    pf, src = facts(
        """
        class Config:
            SQLALCHEMY_DATABASE_URI = "postgresql://db/app"
            POOL = 3
            SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": POOL, "max_overflow": 0}

        class ProductionConfig(Config):
            SQLALCHEMY_ENGINE_OPTIONS = dict(pool_size=20, max_overflow=10)

        class LegacyConfig(Config):
            SQLALCHEMY_POOL_SIZE = 4
            SQLALCHEMY_MAX_OVERFLOW = 1
            SQLALCHEMY_POOL_TIMEOUT = 10

        class Dynamic:
            SQLALCHEMY_ENGINE_OPTIONS = build_options()
        """
    )
    base, prod, legacy, dyn = pf.pools
    assert (base.size.value, base.overflow.value, base.url.value) == (3, 0, "postgresql://db/app")
    assert base.span == span(src, "SQLALCHEMY_ENGINE_OPTIONS")
    assert base.size_span == span(src, '"pool_size": POOL')
    assert base.function is None
    assert (prod.size.value, prod.overflow.value, prod.url) == (20, 10, None)
    assert prod.size_span == span(src, "pool_size=20")
    assert (legacy.size.value, legacy.overflow.value) == (4, 1)
    assert legacy.span == span(src, "SQLALCHEMY_POOL_SIZE")
    assert legacy.size_span == span(src, "SQLALCHEMY_POOL_SIZE = 4")
    assert dict(legacy.extra)["pool_timeout"].value == 10
    assert isinstance(dyn.size, Unknown) and isinstance(dyn.overflow, Unknown)
    assert pf.assignments == ()  # class bodies give pool sites, not assignments


def test_flask_app_config_forms(facts, span):
    pf, src = facts(
        """
        from flask import Flask

        def create_app():
            app = Flask(__name__)
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 2}
            app.config.update(SQLALCHEMY_POOL_SIZE=9, SQLALCHEMY_MAX_OVERFLOW=0)
            return app

        app = Flask(__name__)
        app.config.update({"SQLALCHEMY_ENGINE_OPTIONS": {"max_overflow": 1}})
        """
    )
    opts, legacy, mod = pf.pools
    assert mod.function is None and mod.size is None and mod.overflow.value == 1
    assert mod.span == span(src, '"SQLALCHEMY_ENGINE_OPTIONS"', 1)
    assert mod.size_span == span(src, '"max_overflow": 1')
    assert opts.function == "create_app" and opts.size.value == 2
    assert opts.span == span(src, '"SQLALCHEMY_ENGINE_OPTIONS"', 0)
    assert opts.size_span == span(src, '"pool_size": 2')
    assert legacy.function == "create_app" and (legacy.size.value, legacy.overflow.value) == (9, 0)
    assert legacy.span == span(src, "SQLALCHEMY_POOL_SIZE")
    assert legacy.size_span == span(src, "SQLALCHEMY_POOL_SIZE=9")


def test_psycopg2_pools(facts, span):
    pf, src = facts(
        """
        import psycopg2.pool
        from psycopg2 import pool
        from psycopg2.pool import SimpleConnectionPool
        a = psycopg2.pool.ThreadedConnectionPool(1, 20, DSN)
        b = pool.SimpleConnectionPool(minconn=2, maxconn=4, dsn="dbname=x")
        c = SimpleConnectionPool(1, *rest)
        d = psycopg2.pool.PersistentConnectionPool(1, 5, host="db")
        """
    )
    a, b, c, d = pf.pools
    assert all(p.library == "psycopg2" and not p.is_async and p.overflow is None for p in pf.pools)
    assert a.size == Const(20, span(src, "20")) and a.size_span == span(src, "20")
    assert isinstance(a.url, Unknown) and dict(a.extra)["minconn"].value == 1
    assert b.size.value == 4 and b.size_span == span(src, "maxconn=4") and b.url.value == "dbname=x"
    assert isinstance(c.size, Unknown) and c.size_span is None
    assert d.size.value == 5 and d.url is None


def test_psycopg_pool(facts, span):
    pf, src = facts(
        """
        from psycopg_pool import ConnectionPool, AsyncConnectionPool, NullConnectionPool
        a = ConnectionPool(DSN)
        b = ConnectionPool(DSN, min_size=2)
        c = AsyncConnectionPool(conninfo=DSN, min_size=2, max_size=8, open=False)
        d = NullConnectionPool(DSN, max_size=3)
        """
    )
    a, b, c, d = pf.pools
    assert all(p.library == "psycopg" for p in pf.pools)
    assert a.size is None and a.size_span is None and a.extra == () and not a.is_async
    assert b.size is None and dict(b.extra)["min_size"].value == 2
    assert b.size_span == span(src, "min_size=2")
    assert c.is_async and c.size.value == 8 and c.size_span == span(src, "max_size=8")
    assert isinstance(c.url, Unknown) and c.url.text == "DSN"
    assert d.poolclass == "NullConnectionPool" and d.size.value == 3


def test_asyncpg_pool(facts, span):
    pf, src = facts(
        """
        import asyncpg

        async def startup(app):
            app.state.pool = await asyncpg.create_pool(dsn=URL, min_size=1, max_size=3)
            other = await asyncpg.create_pool(URL)
        """
    )
    a, b = pf.pools
    assert a.library == "asyncpg" and a.is_async and a.function == "startup"
    assert a.size.value == 3 and a.size_span == span(src, "max_size=3")
    assert dict(a.extra)["min_size"].value == 1
    assert b.size is None and b.size_span is None and isinstance(b.url, Unknown)


def test_django_pool_option_is_not_a_pool_site(facts):
    pf, _ = facts('DATABASES = {"default": {"ENGINE": "x", "OPTIONS": {"pool": {"max_size": 4}}}}\n')
    assert pf.pools == ()
    assert pf.databases[0].has_pool
