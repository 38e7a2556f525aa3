"""The one way scalelint reads a file of the user's: never blocks, never reads without bound.

Between the walk and the read a file can become a FIFO (opening it would wait for a writer
forever), a link to `/dev/zero` (reading it never ends) or something huge. So the file is
opened without blocking, the *opened* descriptor is checked to be a regular file (what the path
named a moment ago does not matter), and at most the size cap is read.
"""

from __future__ import annotations

import os
import stat

from scalelint import limits

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)


class NotRegularFile(OSError):
    """A FIFO, socket, device or directory where a file was expected."""


class TooLarge(OSError):
    def __init__(self, size: int, limit: limits.Limit):
        super().__init__(f"{_mib(size)} is above {limit}")
        self.size = size
        self.limit = limit


def _mib(size: int) -> str:
    return f"{size / limits.MIB:.1f} MiB"


def read_bytes(path: str | os.PathLike, limit: limits.Limit | None = None) -> bytes:
    """The bytes of a regular file, at most `limit` (default: the file-size limit).
    Raises OSError: NotRegularFile, TooLarge, or whatever opening and reading raised."""
    limit = limit or limits.FILE_SIZE
    cap = int(limit.value)
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > cap:
            raise TooLarge(info.st_size, limit)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # a regular file: plain reads from here on
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 * limits.MIB, cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:  # it grew while we read
                raise TooLarge(total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike, limit: limits.Limit | None = None, errors: str = "strict") -> str:
    """`read_bytes` decoded as UTF-8 (a leading BOM dropped). UnicodeDecodeError with
    errors="strict"."""
    text = read_bytes(path, limit).decode("utf-8", errors)
    return text[1:] if text.startswith("\ufeff") else text


def read_head(path: str | os.PathLike, size: int) -> bytes:
    """The first `size` bytes of a regular file (b"" for anything else or on any error)."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.read(fd, size)
    except OSError:
        return b""
    finally:
        os.close(fd)


def describe(error: OSError) -> str:
    """An OSError as a short reason for an SCL001 message."""
    if isinstance(error, (NotRegularFile, TooLarge)):
        return str(error)
    return error.strerror or str(error)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "not a file"
