"""Parse `GODEBUG=inittrace=1` output: the runtime's own per-package init cost.

runtime/proc.go prints, after a package's init functions ran:

    init <pkg> @<ms since runtime.main> ms, <ms> ms clock, <bytes> bytes, <allocs> allocs

Numbers come from fmtNSAsMS: "0" below 1 µs, two significant digits below 10 ms
("0.092", "1.4"), whole milliseconds from 10 ms on ("12"). Every token is a separate
write(2), so a goroutine that init started can interleave its own output, even within a
line; the parser takes what matches and leaves the rest as the program's own stderr.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

RESOLUTION_MS = 0.001  # the finest step fmtNSAsMS prints
_NUMBER = r"[0-9]+(?:\.[0-9]+)?(?:e[-+]?[0-9]+)?"
_LINE = re.compile(
    rf"init (?P<pkg>\S+) @(?P<at>{_NUMBER}) ms, (?P<clock>{_NUMBER}) ms clock, "
    rf"(?P<bytes>[0-9]+) bytes, (?P<allocs>[0-9]+) allocs"
)


@dataclass(frozen=True)
class InitRecord:
    package: str
    at_ms: float  # since runtime.main started the runtime's inits
    clock_ms: float  # this package's own init functions
    bytes: int
    allocs: int


@dataclass(frozen=True)
class Trace:
    records: tuple[InitRecord, ...]
    other: str  # everything that was not an inittrace line

    @property
    def total_clock_ms(self) -> float:
        return sum(r.clock_ms for r in self.records)

    def by_package(self) -> dict[str, InitRecord]:
        return {r.package: r for r in self.records}


def parse(stderr: str) -> Trace:
    records = []
    other: list[str] = []
    for line in stderr.splitlines(keepends=True):
        pos = 0
        for m in _LINE.finditer(line):
            other.append(line[pos : m.start()])
            records.append(
                InitRecord(
                    _import_path(m["pkg"]),
                    float(m["at"]),
                    float(m["clock"]),
                    int(m["bytes"]),
                    int(m["allocs"]),
                )
            )
            pos = m.end()
        rest = line[pos:]
        if pos and rest.strip() == "":
            continue  # the newline that ended a trace line
        other.append(rest)
    return Trace(tuple(records), "".join(other))


def merge_godebug(user: str | None) -> str:
    """GODEBUG with inittrace=1 added to what the user set (their other settings kept)."""
    settings = [s for s in (user or "").split(",") if s and not s.startswith("inittrace=")]
    return ",".join(["inittrace=1", *settings])


def _import_path(name: str) -> str:
    """The runtime prints a package as the linker names its symbols (objabi.PathToPrefix):
    `%xx` for control characters, space, `%`, `"`, non-ASCII bytes, and the dots of the
    last path element (`gopkg.in/yaml%2ev2`). Undone, it is the import path go list knows."""
    return unquote(name) if "%" in name else name
