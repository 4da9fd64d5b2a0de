"""The inittrace parser, on every number format fmtNSAsMS prints."""

from __future__ import annotations

import pytest

from codemod import inittrace


@pytest.mark.parametrize(
    ("line", "at", "clock", "nbytes", "allocs"),
    [
        ("init internal/bytealg @0 ms, 0 ms clock, 0 bytes, 0 allocs", 0.0, 0.0, 0, 0),
        ("init runtime @0.092 ms, 0.13 ms clock, 0 bytes, 0 allocs", 0.092, 0.13, 0, 0),
        ("init iter @0.49 ms, 0.058 ms clock, 16 bytes, 1 allocs", 0.49, 0.058, 16, 1),
        (
            "init example.com/x/y @1.4 ms, 2.5 ms clock, 2659952 bytes, 13501 allocs",
            1.4,
            2.5,
            2659952,
            13501,
        ),
        ("init big/pkg @12 ms, 31 ms clock, 1024 bytes, 3 allocs", 12.0, 31.0, 1024, 3),
        ("init gopkg.in/yaml.v3 @150 ms, 0.001 ms clock, 8 bytes, 1 allocs", 150.0, 0.001, 8, 1),
    ],
)
def test_number_formats(line: str, at: float, clock: float, nbytes: int, allocs: int) -> None:
    (record,) = inittrace.parse(line + "\n").records
    assert (record.at_ms, record.clock_ms, record.bytes, record.allocs) == (
        at,
        clock,
        nbytes,
        allocs,
    )


def test_escaped_package_paths_are_import_paths() -> None:
    """As notary's binary printed them: the last element's dots are escaped."""
    trace = inittrace.parse(
        "init gopkg.in/yaml%2ev2 @1 ms, 0.2 ms clock, 8 bytes, 1 allocs\n"
        "init gopkg.in/rethinkdb/rethinkdb-go%2ev6 @2 ms, 0.2 ms clock, 8 bytes, 1 allocs\n"
    )
    assert [r.package for r in trace.records] == [
        "gopkg.in/yaml.v2",
        "gopkg.in/rethinkdb/rethinkdb-go.v6",
    ]


def test_unknown_lines_and_interleaved_stderr_are_kept_apart() -> None:
    stderr = (
        "starting up\n"
        "init runtime @0.092 ms, 0.13 ms clock, 0 bytes, 0 allocs\n"
        # A goroutine started by init wrote without a newline, then the runtime went on.
        "worker: readyinit os @0.65 ms, 0.010 ms clock, 416 bytes, 9 allocs\n"
        "init future/format @1 ms, whatever\n"
        "panic: boom\n"
    )
    trace = inittrace.parse(stderr)
    assert [r.package for r in trace.records] == ["runtime", "os"]
    assert (
        trace.other == "starting up\nworker: readyinit future/format @1 ms, whatever\npanic: boom\n"
    )
    assert trace.total_clock_ms == pytest.approx(0.14)
    assert trace.by_package()["os"].allocs == 9


def test_merge_godebug_keeps_user_settings() -> None:
    assert inittrace.merge_godebug(None) == "inittrace=1"
    assert inittrace.merge_godebug("http2client=0,inittrace=0") == "inittrace=1,http2client=0"
