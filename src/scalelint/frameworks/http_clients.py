"""HTTP client libraries: which calls send a request, which objects send them, and how long each
waits for a silent peer when the code gives no timeout.

- requests: no default timeout at all. `timeout=None` (the default) waits forever for the
  connection and for every read; `socket.setdefaulttimeout()` does not change that, because
  urllib3 receives an explicit `None`.
- httpx: 5 seconds by default (connect, read, write and pool). Only an explicit `timeout=None`
  (or `httpx.Timeout(None)`) makes it wait forever.
- urllib.request.urlopen / http.client: the socket default, which is "forever" unless the
  process calls `socket.setdefaulttimeout()`.
- aiohttp: `ClientSession` defaults to `ClientTimeout(total=300)`: five minutes is slow, but it
  is bounded, so it is not reported. `ClientTimeout(total=None)` with no other bound is unbounded.
"""

from __future__ import annotations

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

# requests' module-level functions: each builds a throwaway Session and sends one request
# the modules a file must import (itself, or through a project module) to make these calls
CLIENT_MODULES = ("requests", "httpx", "aiohttp", "urllib.request", "urllib2", "http.client", "httplib", "httplib2", "urllib3")
REQUESTS_FUNCTIONS = frozenset(f"{m}.{v}" for m in ("requests", "requests.api") for v in _VERBS)
REQUESTS_SESSIONS = frozenset({"requests.Session", "requests.session", "requests.sessions.Session", "requests.sessions.session"})
# Session methods that send a request and take `timeout=`
SESSION_METHODS = frozenset({*_VERBS, "send"})
# configuring a session object this way may give it a timeout we cannot see (a mounted adapter
# whose send() sets one, a wrapped request method): such a session is not judged
SESSION_CONFIGURATION = frozenset({"mount", "request", "send"})

HTTPX_DEFAULT_TIMEOUT = 5.0
HTTPX_FUNCTIONS = frozenset(f"httpx.{v}" for v in (*_VERBS, "stream"))
HTTPX_CLIENTS = {"httpx.Client": False, "httpx.AsyncClient": True, "httpx._client.Client": False, "httpx._client.AsyncClient": True}
HTTPX_CLIENT_METHODS = frozenset({*_VERBS, "send", "stream"})
# a streamed response (server-sent events, a node's event feed) is read for as long as it lasts:
# `timeout=None` on it is the design, not an oversight
HTTPX_STREAM_METHODS = frozenset({"stream"})
HTTPX_TIMEOUTS = frozenset({"httpx.Timeout", "httpx._config.Timeout"})

# stdlib: qualified name -> index of the positional `timeout` parameter (None: keyword only)
STDLIB_OPENERS: dict[str, int | None] = {
    "urllib.request.urlopen": 2,  # urlopen(url, data=None, timeout=...)
    "http.client.HTTPConnection": 2,  # HTTPConnection(host, port=None, timeout=...)
    "http.client.HTTPSConnection": None,  # positional timeout only before 3.12, after key_file/cert_file
}
SOCKET_DEFAULT_TIMEOUT = "socket.setdefaulttimeout"

AIOHTTP_DEFAULT_TOTAL = 300  # seconds: aiohttp's ClientSession default ClientTimeout(total=5 * 60)
AIOHTTP_TIMEOUTS = frozenset({"aiohttp.ClientTimeout", "aiohttp.client.ClientTimeout", "aiohttp.helpers.ClientTimeout"})
AIOHTTP_TIMEOUT_FIELDS = ("total", "connect", "sock_read", "sock_connect", "ceil_threshold")

# What SCL503 suggests: a connect timeout a little over a multiple of 3 s (TCP retransmission)
# and a read timeout the handler can afford
REQUESTS_TIMEOUT_FIX = "timeout=(3.05, 10)"
STDLIB_TIMEOUT_FIX = "timeout=10"

# --- JavaScript / TypeScript -------------------------------------------------------------------
# fetch: Node's built-in (undici) waits up to 300 s for the response headers and 300 s between
# body chunks; node-fetch and cross-fetch wait as long as the socket stays open. A `signal`
# (`AbortSignal.timeout(ms)`) bounds them; node-fetch v2 also reads `timeout`.
# qualified callee -> what it waits for without a bound (said in the message)
FETCH_FUNCTIONS: dict[str, str] = {
    "globalThis.fetch": "Node's fetch waits up to 300 s for the headers and as long again between body chunks",
    "node-fetch": "node-fetch has no default timeout",
    "cross-fetch": "cross-fetch has no default timeout",
    "undici.fetch": "undici waits up to 300 s for the headers and as long again between body chunks",
    "undici.request": "undici waits up to 300 s for the headers and as long again between body chunks",
}
FETCH_OPTIONS_POSITION = 1  # fetch(url, { signal })
FETCH_BOUNDS = frozenset({"signal", "timeout", "headersTimeout", "bodyTimeout"})
FETCH_TIMEOUT_FIX = "signal: AbortSignal.timeout(10_000)"
# axios: `timeout` defaults to 0, no timeout at all. The request config's position per method;
# `axios(config)` / `axios(url, config)`; an instance from `axios.create(config)` has the
# create call's defaults
AXIOS = "axios"
AXIOS_CONFIG_POSITION = {"get": 1, "delete": 1, "head": 1, "options": 1, "post": 2, "put": 2, "patch": 2, "request": 0, "postForm": 2, "putForm": 2}
AXIOS_CREATE = "axios.create"
AXIOS_BOUNDS = frozenset({"timeout", "signal"})
AXIOS_TIMEOUT_FIX = "timeout: 10_000"
