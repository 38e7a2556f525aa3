"""Capacity arithmetic from the architecture: requests served at once per process, per
instance and per fleet; connections the pools demand against the database's max_connections;
which limit binds first. Each number is a product of facts the repository states; when one
factor is unknown the product is unknown, and `decided_by` names the setting that would decide
it. Nothing is guessed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scalelint.report.architecture import Architecture, PoolInfo, Process, web_processes

if TYPE_CHECKING:
    from scalelint.config import Settings

UNBOUNDED = "unbounded"

# what decides a factor the repository leaves open, by factor
DECIDERS = {
    "concurrency": "the worker class and threads (`--worker-class`/`-k`, `--threads`, or `worker_class`/`threads` in the gunicorn config)",
    "workers": "the worker count (`--workers`, `workers =` in the server's config file, or WEB_CONCURRENCY where the platform sets it)",
    "instances": "the instance count, which the platform decides (compose `deploy.replicas`, Kubernetes `replicas`, `numInstances`, `heroku ps:scale web=N`)",
    "pool": "the pool size (`pool_size` + `max_overflow`, `maxconn`, `max_size`) where the pool is created",
    "max_connections": "the database's `max_connections` (PostgreSQL's default is 100); tell scalelint with `max-connections` in [tool.scalelint.rules.pool-exhaustion]",
}
GROWTH = (10, 100)


@dataclass(frozen=True)
class Number:
    value: int | str | None  # an int, "unbounded", or None (unknown)
    formula: str = ""  # how it was computed, from the facts: "8 threads x 3 workers"
    decided_by: tuple[str, ...] = ()  # for an unknown: the settings that would decide it

    @property
    def known(self) -> bool:
        return self.value is not None


def _times(*factors: tuple[Number, str]) -> Number:
    """The product of the factors; unbounded absorbs any known factor; unknown beats both."""
    unknown = tuple(d for n, _ in factors if not n.known for d in (n.decided_by or ()))
    if any(not n.known for n, _ in factors):
        return Number(None, decided_by=unknown)
    formula = " x ".join(f"{n.value} {unit}" for n, unit in factors)
    if any(n.value == UNBOUNDED for n, _ in factors):
        return Number(UNBOUNDED, formula)
    product = 1
    for n, _ in factors:
        product *= n.value  # type: ignore[operator]
    return Number(product, formula)


@dataclass
class PoolDemand:
    pool: PoolInfo
    per_process: Number  # connections one process's pool may open
    per_instance: Number
    fleet: Number
    binds: str  # which limit is reached first in one process, in a sentence
    instances_to_max: Number  # instances at which the fleet's pools fill max_connections
    growth: list["Growth"] = field(default_factory=list)


@dataclass(frozen=True)
class Growth:
    """Traffic times `factor`, served by adding instances (`factor` x today's instances, or
    `factor` instances when today's count is not stated): the connections the pools then ask for."""

    factor: int
    instances: Number
    connections: Number
    over_max: bool | None  # above max_connections; None when either side is unknown


@dataclass
class ProcessCapacity:
    process: Process
    per_process: Number  # requests one process serves at once
    workers: Number
    per_instance: Number
    instances: Number
    fleet: Number
    pools: list[PoolDemand] = field(default_factory=list)


@dataclass
class Capacity:
    processes: list[ProcessCapacity]
    max_connections: Number
    growth: tuple[int, ...] = GROWTH


def compute(architecture: Architecture, settings: "Settings") -> Capacity:
    max_connections = _max_connections(settings)
    processes = []
    for process in web_processes(architecture):
        per_process = _known(process.concurrency, "concurrency", _unknown_settings(process))
        workers = _known(process.workers.value, "workers")
        instances = _known(process.instances.value, "instances")
        per_instance = _times((per_process, "at once"), (workers, "workers"))
        fleet = _times((per_instance, "per instance"), (instances, "instances"))
        entry = ProcessCapacity(process, per_process, workers, per_instance, instances, fleet)
        for pool in architecture.pools:
            if any(p is process for p in pool.processes):
                entry.pools.append(_demand(pool, per_process, workers, instances, max_connections))
        processes.append(entry)
    return Capacity(processes, max_connections)


def _known(value: object, factor: str, specific: tuple[str, ...] = ()) -> Number:
    if isinstance(value, int) and not isinstance(value, bool):
        return Number(value)
    if value == UNBOUNDED:
        return Number(UNBOUNDED)
    return Number(None, decided_by=specific or (DECIDERS[factor],))


def _unknown_settings(process: Process) -> tuple[str, ...]:
    """The settings a process's concurrency waits on, where the repository leaves them open:
    `threads (config file, gunicorn.conf.py:9: not a value the repository states)`."""
    found = []
    for name, setting in (("worker_class", process.worker_class), ("threads", process.threads)):
        if setting is not None and not setting.known:
            where = ", ".join(part for part in (setting.source, setting.where) if part)
            found.append(f"`{name}` ({where}: not a value the repository states)" if where else f"`{name}`")
    return tuple(found)


def _max_connections(settings: "Settings") -> Number:
    for code, options in settings.rule_options:
        if code == "SCL302":  # the pool-exhaustion rule's option is the one place the user states it
            return Number(options.max_connections, "[tool.scalelint.rules.pool-exhaustion] max-connections")
    return Number(None, decided_by=(DECIDERS["max_connections"],))


def _demand(pool: PoolInfo, per_process: Number, workers: Number, instances: Number, max_connections: Number) -> PoolDemand:
    connections = Number(pool.capacity, pool.what) if pool.capacity is not None else Number(None, decided_by=(DECIDERS["pool"],))
    per_instance = _times((connections, "connections"), (workers, "workers"))
    fleet = _times((per_instance, "per instance"), (instances, "instances"))
    demand = PoolDemand(pool, connections, per_instance, fleet, _binds(connections, per_process), _instances_to_max(per_instance, max_connections))
    for factor in GROWTH:
        if instances.known:
            scaled = Number(factor * instances.value, f"{factor * instances.value} instances ({factor} x {instances.value})")  # type: ignore[operator]
        else:
            scaled = Number(factor, f"{factor} instances (today's count is not stated)")
        total = _times((per_instance, "per instance"), (scaled, "instances"))
        over = None
        if isinstance(total.value, int) and isinstance(max_connections.value, int):
            over = total.value > max_connections.value
        demand.growth.append(Growth(factor, scaled, total, over))
    return demand


def _binds(connections: Number, per_process: Number) -> str:
    if not connections.known or not per_process.known:
        return "unknown: the pool or the requests served at once is not stated"
    if per_process.value == UNBOUNDED:
        return f"the pool: an async process takes requests without limit, and each waits for one of {connections.value} connections"
    if connections.value < per_process.value:  # type: ignore[operator]
        waiting = per_process.value - connections.value  # type: ignore[operator]
        return f"the pool: {per_process.value} requests at once share {connections.value} connections, so {waiting} wait for one"
    served = f"{per_process.value} request{'s' if per_process.value != 1 else ''} at once"
    return f"the workers: {served}, and the pool's {connections.value} connections cover {'them' if per_process.value != 1 else 'it'}"


def _instances_to_max(per_instance: Number, max_connections: Number) -> Number:
    if not per_instance.known or not max_connections.known or not isinstance(per_instance.value, int) or per_instance.value <= 0:
        decided = per_instance.decided_by + max_connections.decided_by
        return Number(None, decided_by=decided)
    count = max_connections.value // per_instance.value  # type: ignore[operator]
    return Number(count, f"{max_connections.value} max_connections // {per_instance.value} per instance")
