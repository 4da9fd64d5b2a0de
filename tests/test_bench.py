"""`codemod bench` end to end: real builds, real runs, temporary git worktrees."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from codemod import gitops
from tests.conftest import TESTDATA
from tests.test_cli import CODEMOD, git, run

TOOL = """package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"time"
)

var word = regexp.MustCompile(`^[a-z]+$`)

func init() {
	if os.Getenv("BENCH_PANIC") == "1" {
		panic("boom at start-up")
	}
}

func main() {
	mode := flag.String("mode", "exit", "exit, ready, sleep or fail")
	flag.Parse()
	switch *mode {
	case "ready":
		fmt.Println("server ready")
		time.Sleep(time.Hour)
	case "sleep":
		time.Sleep(time.Hour)
	case "fail":
		fmt.Fprintln(os.Stderr, "cannot start: no config")
		os.Exit(3)
	}
	fmt.Println(word.MatchString("ok"))
}
"""


@pytest.fixture
def tool_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "tool"
    repo.mkdir()
    (repo / "go.mod").write_text("module example.com/tool\n\ngo 1.22\n")
    (repo / "main.go").write_text(TOOL)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "tool", cwd=repo)
    return repo


@pytest.fixture
def demo_repo(tmp_path: Path) -> Path:
    """The demo as committed (HEAD~1), then with lazy-init applied (HEAD)."""
    repo = tmp_path / "demo"
    shutil.copytree(TESTDATA / "demo", repo)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "before", cwd=repo)
    res = run("apply", "--rule", "lazy-init", "--unsafe-fixes", cwd=repo)
    assert "applied 32 fix(es)" in res.stderr, res.stderr
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "lazy-init", cwd=repo)
    return repo


def assert_no_worktrees(repo: Path) -> None:
    assert gitops.worktrees(repo) == [repo.resolve()]
    assert not list(Path(repo / ".git" / "worktrees").glob("*"))


def test_bench_demo_before_and_after_lazy_init(demo_repo: Path) -> None:
    res = run(
        "bench", "--base", "HEAD~1", "--head", "HEAD", "--pkg", "./cmd/shortlinkd",
        "--args", "-version", "-n", "12", "--format", "json", cwd=demo_repo,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    base, head = doc["variants"]
    assert base["commit"] != head["commit"] and len(base["runs"]) == len(head["runs"]) == 12
    packages = {p["package"]: p for p in doc["packages"]}
    validate = packages["example.com/shortlink/internal/validate"]
    assert validate["clock_ms"]["significant"] and validate["clock_ms"]["delta_pct"] < -90
    assert validate["median_allocs"]["base"] > 10_000 > 100 > validate["median_allocs"]["head"]
    total = doc["totals"]["init_total_ms"]
    assert total["significant"] and total["delta_pct"] < -50
    assert_no_worktrees(demo_repo)


def test_markdown_and_text_reports(demo_repo: Path) -> None:
    md = run(
        "bench", "--base", "HEAD~1", "--pkg", "./cmd/shortlinkd", "--args", "-version",
        "-n", "5", "--warmup", "1", "--format", "markdown", cwd=demo_repo,
    )  # fmt: skip
    assert md.returncode == 0, md.stderr
    assert "| package init (sum of clock) |" in md.stdout
    assert "| `example.com/shortlink/internal/validate` |" in md.stdout
    assert "only 5 runs per variant" in md.stdout
    text = run(
        "bench",
        "--base",
        "HEAD~1",
        "--pkg",
        "./cmd/shortlinkd",
        "--args",
        "-version",
        "-n",
        "5",
        cwd=demo_repo,
    )
    assert text.returncode == 0 and "example.com/shortlink/internal/validate" in text.stdout
    assert "wall time, exec to ready" in text.stdout


def test_tcp_readiness_on_the_demo_server(demo_repo: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    res = run(
        "bench", "--base", "HEAD", "--pkg", "./cmd/shortlinkd", "--args", f"-addr 127.0.0.1:{port}",
        "--ready", f"tcp:{port}", "-n", "3", "--warmup", "0", "--format", "json", cwd=demo_repo,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["ready"] == f"tcp:{port}"


def test_stdout_readiness_and_build_flags(tool_repo: Path) -> None:
    res = run(
        "bench", "--pkg", ".", "--args", "-mode ready", "--ready", "stdout:server ready",
        "--head-build-flags", '-ldflags="-s -w"', "-n", "3", "--warmup", "0", "--format", "json",
        cwd=tool_repo,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    base, head = json.loads(res.stdout)["variants"]
    assert head["build_flags"] == ["-ldflags=-s -w"] and base["build_flags"] == []
    assert head["binary_bytes"] < base["binary_bytes"]  # stripped


def test_panic_at_start_up_is_a_clear_error(tool_repo: Path) -> None:
    res = run("bench", "--pkg", ".", "--head-env", "BENCH_PANIC=1", "-n", "3", cwd=tool_repo)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1, res.stderr
    assert "head: . exited with status 2; stderr: panic: boom at start-up" in res.stderr
    assert_no_worktrees(tool_repo)


def test_failing_exit_status_is_reported(tool_repo: Path) -> None:
    res = run("bench", "--pkg", ".", "--args", "-mode fail", "-n", "2", cwd=tool_repo)
    assert res.returncode == 2
    assert "exited with status 3" in res.stderr and "cannot start: no config" in res.stderr


@pytest.mark.parametrize(
    ("ready", "message"),
    [("tcp:1", "port 1 did not accept within 1s"), ("exit", "did not exit within 1s")],
)
def test_never_ready_times_out(tool_repo: Path, ready: str, message: str) -> None:
    res = run(
        "bench",
        "--pkg",
        ".",
        "--args",
        "-mode sleep",
        "--ready",
        ready,
        "--timeout",
        "1",
        "-n",
        "2",
        cwd=tool_repo,
    )
    assert res.returncode == 2 and message in res.stderr, res.stderr
    assert_no_worktrees(tool_repo)
    leftover = subprocess.run(["pgrep", "-f", "-- -mode sleep"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""


def test_build_failure_leaves_no_worktree(tool_repo: Path) -> None:
    res = run("bench", "--pkg", ".", "--base-build-flags", "-nosuchflag", "-n", "2", cwd=tool_repo)
    assert res.returncode == 2 and "base (HEAD): go build . failed" in res.stderr
    assert_no_worktrees(tool_repo)


def test_unknown_ref_and_bad_ready(tool_repo: Path) -> None:
    res = run("bench", "--pkg", ".", "--base", "nosuchref", cwd=tool_repo)
    assert res.returncode == 2 and "nosuchref: not a commit" in res.stderr
    res = run("bench", "--pkg", ".", "--ready", "tcp:http", cwd=tool_repo)
    assert res.returncode == 2 and "expected exit, tcp:PORT or stdout:REGEX" in res.stderr


def test_gates(tool_repo: Path) -> None:
    res = run(
        "bench",
        "--pkg",
        ".",
        "-n",
        "3",
        "--max-binary-bytes",
        "1000",
        "--max-init-ms",
        "10000",
        cwd=tool_repo,
    )
    assert res.returncode == 1
    assert (
        "bench gate failed: the binary has" in res.stderr
        and "more than --max-binary-bytes 1,000" in res.stderr
    )
    assert "--max-init-ms" not in res.stderr
    ok = run("bench", "--pkg", ".", "-n", "3", "--max-binary-bytes", "100000000", cwd=tool_repo)
    assert ok.returncode == 0, ok.stderr


def test_worktree_is_removed_on_interrupt(tool_repo: Path) -> None:
    with pytest.raises(KeyboardInterrupt), gitops.worktree(tool_repo, "HEAD") as tree:
        assert (tree / "main.go").exists()
        raise KeyboardInterrupt
    assert not tree.exists()
    assert_no_worktrees(tool_repo)


def test_apply_with_bench(tool_repo: Path) -> None:
    res = run("apply", "--rule", "lazy-init", "--bench", ".", "--bench-runs", "5", cwd=tool_repo)
    assert res.returncode == 0, res.stderr
    assert "applied 1 fix(es)" in res.stderr
    assert "base: main (" in res.stdout and "head: WORKTREE" in res.stdout
    assert "package init (sum of clock)" in res.stdout
    assert_no_worktrees(tool_repo)


def test_ready_exit_with_a_failing_program_stops_at_the_first_run(tmp_path: Path) -> None:
    """A server that cannot start (or wants to keep running) is not measured 2n times:
    the first non-zero exit ends the run, and the message says how to wait for it."""
    (tmp_path / "go.mod").write_text("module example.com/server\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text(
        'package main\n\nimport "os"\n\nfunc main() {\n'
        '\tf, _ := os.OpenFile(os.Getenv("RUNS_LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)\n'
        '\tf.WriteString("run\\n")\n\tf.Close()\n\tos.Exit(1)\n}\n'
    )
    log = tmp_path / "runs.log"
    res = subprocess.run(
        [CODEMOD, "bench", "--base", "WORKTREE", "--pkg", ".", "-n", "5"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "RUNS_LOG": str(log)},
    )  # fmt: skip
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1, res.stderr
    assert "exited with status 1" in res.stderr and "--ready stdout:REGEX" in res.stderr
    assert log.read_text() == "run\n"
