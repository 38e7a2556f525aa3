"""File names as text that can be printed, hashed and written to JSON.

A POSIX file name is bytes. Python hands a name that is not UTF-8 over as a str holding lone
surrogates (PEP 383), which opens the file but cannot be encoded: printing it, hashing it or
writing it to a report raises UnicodeEncodeError. scalelint keeps such names as they are for
opening files, and shows them with each undecodable byte written as `\\xNN`.
"""

from __future__ import annotations


def printable(name: str) -> str:
    """`name` with every byte that is not UTF-8 written as `\\xNN` (unchanged when it is UTF-8)."""
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name decoding produced
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
