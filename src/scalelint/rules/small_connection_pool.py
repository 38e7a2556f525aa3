from dataclasses import dataclass

from scalelint.project.pools import built_per_call, demand, serving_processes
from scalelint.project.reach import is_one_off_path
from scalelint.rule import Rule


@dataclass(frozen=True)
class Options:
    min_pool_size: int = 5  # a pool whose capacity is at most this many connections is small


class SmallConnectionPool(Rule):
    code = "SCL301"
    name = "small-connection-pool"
    summary = "A connection pool of at most 5 connections in a process that serves requests concurrently."
    message = "the connection pool is small for a concurrent server"
    fix_title = "Size the pool to the process's concurrency (threads or async tasks), e.g. `pool_size=10, max_overflow=10`"
    Options = Options

    def check(self, project, report):
        if not project.web_frameworks and not project.servers:
            return  # nothing here serves requests: a small pool in a script is fine
        for pool in project.pools:
            if pool.largest is None or pool.largest > self.options.min_pool_size:
                continue
            if is_one_off_path(pool.path) is not None or built_per_call(project, pool):
                continue  # a script's or a test's engine serves no request; one built per call is not shared
            processes = serving_processes(project, pool)
            concurrency = demand(processes)
            if isinstance(concurrency, int):
                continue  # known demand: pool-exhaustion (SCL302) judges it against the number
            if concurrency is None and processes and not pool.site.is_async:
                why = "the server's concurrency per process is not known from the repository"
            elif concurrency == "unbounded" or pool.site.is_async:
                why = "the process serves requests concurrently (async)"
            else:
                why = "no deployment file shows how many requests each process serves at once"
            report(
                pool.path,
                pool.span,
                f"connection pool capacity is {_capacity(pool)} ({pool.describe()}) and {why}: "
                f"concurrent request number {pool.largest + 1} waits for a free connection, then times out",
                confidence="medium",
            )


def _capacity(pool) -> str:
    values = pool.capacities or ()
    return " or ".join(str(v) for v in values)
