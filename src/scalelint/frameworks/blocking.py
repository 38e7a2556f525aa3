"""Calls that block the thread that makes them, and what an event loop should run instead.

An `async def` request handler shares its thread with every other request its worker serves:
while a blocking call waits, none of them make progress. Sync handlers are not at risk: FastAPI
and Starlette run `def` endpoints in a thread pool, Django runs sync views in threads.

`BLOCKING_CALLS`: qualified callee -> (what it waits for, the async replacement).
HTTP clients (`requests`, sync `httpx.Client`) are in `http_clients`; sync database sessions are
recognised by how they are built or used (see `project.clients`).
"""

from __future__ import annotations

_SLEEP = ("sleeps", "`await asyncio.sleep(...)`")
_HTTP = ("waits for an HTTP response", "an async client (`httpx.AsyncClient`, aiohttp), or `await asyncio.to_thread(...)`")
_PROCESS = ("waits for a child process", "`await asyncio.create_subprocess_exec(...)`")
_DB = ("waits for the database", "an async driver (asyncpg, psycopg's AsyncConnection, aiosqlite, aiomysql), or `await asyncio.to_thread(...)`")
_SMTP = ("waits for the mail server", "aiosmtplib, or a background task")
_FILE = ("waits for the disk", "`await asyncio.to_thread(...)` or aiofiles / anyio's async files")

BLOCKING_CALLS: dict[str, tuple[str, str]] = {
    "time.sleep": _SLEEP,
    "urllib.request.urlopen": _HTTP,
    "subprocess.run": _PROCESS,
    "subprocess.call": _PROCESS,
    "subprocess.check_call": _PROCESS,
    "subprocess.check_output": _PROCESS,
    "subprocess.getoutput": _PROCESS,
    "subprocess.getstatusoutput": _PROCESS,
    "os.system": _PROCESS,
    "os.popen": _PROCESS,
    "psycopg2.connect": _DB,
    "psycopg.connect": _DB,
    "pymysql.connect": _DB,
    "MySQLdb.connect": _DB,
    "mysql.connector.connect": _DB,
    "sqlite3.connect": _DB,
    "smtplib.SMTP": _SMTP,
    "smtplib.SMTP_SSL": _SMTP,
}
HTTP_WAIT = _HTTP
DB_WAIT = _DB
FILE_WAIT = _FILE

# Files: opening one is quick; reading or writing it on the loop is what waits for the disk
# (`await asyncio.to_thread(f.write, chunk)` passes the method, it does not call it here)
FILE_OPENERS = frozenset({"builtins.open", "io.open", "codecs.open"})
FILE_IO_METHODS = frozenset({"read", "readline", "readlines", "write", "writelines"})
PATHS = frozenset({"pathlib.Path", "pathlib.PosixPath"})
PATH_IO_METHODS = frozenset({"read_text", "read_bytes", "write_text", "write_bytes"})

# SQLAlchemy `Session` methods that talk to the database (an AsyncSession's are awaited; `query`
# exists on sync sessions only)
SYNC_SESSION_METHODS = frozenset({"execute", "scalars", "scalar", "get", "get_one", "commit", "flush", "refresh", "query", "exec", "merge"})
# on a parameter named `db` / `session` (FastAPI's `db: Session = Depends(get_db)`), the methods
# that only a database session has: `get`, `merge`... are common to other clients' sessions too
SESSION_PARAM_METHODS = frozenset({"query", "execute", "scalars", "scalar", "commit", "flush", "refresh", "exec"})
SYNC_SESSION_CLASSES = frozenset({"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session", "sqlmodel.orm.session.Session"})
SESSION_FACTORIES = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker", "sqlalchemy.orm.scoped_session"})
ASYNC_SESSION_MARKERS = ("AsyncSession", "async_sessionmaker", "async_scoped_session")

# Decorators that make a sync function run in a worker thread when an async caller awaits it
# (`@sync_to_async def save_order(...)`): what it does no longer blocks the loop
THREAD_DECORATORS = frozenset({"sync_to_async", "database_sync_to_async", "asyncify", "run_in_threadpool", "to_thread"})
