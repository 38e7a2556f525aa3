"""A small Language Server Protocol client for the tests: JSON-RPC over a subprocess's
stdin/stdout with `Content-Length` framing, written from the specification rather than with
pygls, so the server is checked against the protocol and not against its own library."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path


class LspError(AssertionError):
    pass


class Client:
    def __init__(self, cwd: Path, env: dict | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "scalelint", "server"],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        self.messages: "queue.Queue[dict]" = queue.Queue()
        self.notifications: list[dict] = []
        self.log: list[tuple[str, dict]] = []  # (direction, message), for a readable transcript
        self._next = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def _send(self, message: dict) -> None:
        self.log.append(("->", message))
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.proc.stdin.flush()

    def _take(self, timeout: float) -> dict:
        try:
            message = self.messages.get(timeout=timeout)
        except queue.Empty:
            raise LspError(f"no message from the server in {timeout} s; stderr:\n{self.stderr()}") from None
        self.log.append(("<-", message))
        if "method" in message and "id" in message:  # a request from the server: answer it
            self._send({"id": message["id"], "result": None})
        elif "method" in message:
            self.notifications.append(message)
        return message

    def request(self, method: str, params: dict, timeout: float = 60) -> object:
        self._next += 1
        ident = self._next
        self._send({"id": ident, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self._take(max(deadline - time.monotonic(), 0.01))
            if message.get("id") == ident and "method" not in message:
                if "error" in message:
                    raise LspError(f"{method} failed: {message['error']}")
                return message.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def wait_for(self, method: str, predicate=lambda params: True, timeout: float = 60) -> dict:
        """The first notification `method` (already received or coming) whose params match."""
        for index, message in enumerate(self.notifications):
            if message["method"] == method and predicate(message["params"]):
                del self.notifications[index]
                return message["params"]
        deadline = time.monotonic() + timeout
        while True:
            message = self._take(max(deadline - time.monotonic(), 0.01))
            if message.get("method") == method and "id" not in message and predicate(message["params"]):
                self.notifications.remove(message)
                return message["params"]

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stderr.read().decode("utf-8", "replace")

    def close(self) -> int:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream.close()
        return self.proc.returncode
