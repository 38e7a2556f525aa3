from scalelint.diagnostics import Related
from scalelint.facts import Const
from scalelint.project.environment import as_int_value, eval_expr
from scalelint.rule import Rule


class NoPersistentConnections(Rule):
    code = "SCL304"
    name = "no-persistent-connections"
    summary = "Django opens a new database connection per request (CONN_MAX_AGE 0 or unset) under WSGI."
    message = "Django connects to the database on every request"
    fix_title = 'Set `"CONN_MAX_AGE": 60` and `"CONN_HEALTH_CHECKS": True` on the database'

    def check(self, project, report):
        django = project.django
        if django.asgi_served:
            return  # under ASGI Django advises CONN_MAX_AGE = 0
        for settings in django.production_settings:
            if not settings.databases_known or settings.databases_path is None:
                continue
            for database in settings.databases:
                if database.has_pool or not self._closes_each_request(database, django.wsgi_servers):
                    continue
                if isinstance(database.engine, Const) and "sqlite" in str(database.engine.value):
                    continue
                related = [Related(s.path, s.span.line, "a WSGI server runs Django here") for s in django.wsgi_servers[:1]]
                value = "not set (Django's default is 0)" if database.conn_max_age is None else "0"
                report(
                    settings.databases_path,
                    database.span,
                    f"CONN_MAX_AGE for the `{database.alias}` database is {value} in `{settings.name}` ({settings.chosen_because}): "
                    "every request opens and closes a database connection, adding a TCP and auth round trip",
                    related=related,
                    fix_title=self._fix(database),
                )

    @staticmethod
    def _closes_each_request(database, servers) -> bool:
        age = database.conn_max_age
        if age is None:
            return database.via in ("dict", "dj_database_url")
        # An explicit 0 on a secondary database (a read-only replica used now and then) is a
        # choice someone made; on `default` it is the per-request connection this rule is about.
        if database.alias != "default":
            return False
        if isinstance(age, Const):
            return _is_zero(age.value)
        # `conn_max_age=env.int("CONN_MAX_AGE", default=0)`: the default holds where every
        # server's environment is known and does not set the variable
        return bool(servers) and all(_is_zero(eval_expr(age, s.env)) for s in servers)

    def _fix(self, database):
        if database.via == "dj_database_url":
            return "Pass `conn_max_age=60, conn_health_checks=True` to dj_database_url"
        return self.fix_title


def _is_zero(value) -> bool:
    return not isinstance(value, bool) and as_int_value(value) == 0

