"""The CLI contract's exit codes and its one error boundary: whatever goes wrong in the
environment (toolchain, git, file system, Ctrl-C) is one line on stderr, never a traceback."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from codemod import gotool
from tests.test_cli import CODEMOD, git, init_repo, run, tree_digest

LAZY = 'package main\n\nimport "regexp"\n\nvar re = regexp.MustCompile("x+")\n\nfunc main() { println(re.String()) }\n'


def assert_one_line_error(res: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("codemod: ")]
    assert len(errors) == 1 and res.stderr.strip().endswith(errors[0]), res.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]


def make_module(root: Path, name: str, repo: bool = True) -> Path:
    root.mkdir(parents=True)
    (root / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.22\n")
    (root / "main.go").write_text(LAZY)
    if repo:
        init_repo(root)
    return root


def branches(repo: Path) -> list[str]:
    return git("branch", "--format=%(refname:short)", cwd=repo).split()


# ---------------------------------------------------------------- exit codes of apply


def test_apply_exits_0_with_findings_left_and_check_exits_1_when_pending(tmp_path: Path) -> None:
    mod = make_module(tmp_path / "m", "m", repo=False)
    (mod / "debug.go").write_text('package main\n\nimport _ "expvar"\n')  # unsafe: left
    check = run("apply", "--rule", "all", "--check", cwd=mod)
    assert check.returncode == 1 and check.stdout == "", check.stderr
    for flags in (["--dry-run"], ["--diff", str(tmp_path / "x.patch")]):
        res = run("apply", "--rule", "all", *flags, cwd=mod)
        assert res.returncode == 0, (flags, res.stderr)  # as apply would
    res = run("apply", "--rule", "all", cwd=mod)
    assert res.returncode == 0, res.stderr
    assert "1 unsafe fix(es) not applied" in res.stderr
    assert run("apply", "--rule", "all", "--check", cwd=mod).returncode == 0


def test_branch_commit_push_works_under_set_e(tmp_path: Path) -> None:
    mod = make_module(tmp_path / "m", "m")
    (mod / "debug.go").write_text('package main\n\nimport _ "expvar"\n')
    git("add", "-A", cwd=mod)
    git("commit", "-qm", "debug", cwd=mod)
    git("init", "-q", "--bare", str(tmp_path / "remote.git"), cwd=tmp_path)
    git("remote", "add", "origin", str(tmp_path / "remote.git"), cwd=mod)
    script = f"set -e\n{CODEMOD} apply --rule all --branch b --commit --push origin\necho done\n"
    res = subprocess.run(["sh", "-c", script], cwd=mod, capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout == "done\n", res.stderr
    assert "pushed b to origin" in res.stderr


# ---------------------------------------------------------------- --branch and its repository


def test_branch_acts_on_the_repository_holding_the_paths(tmp_path: Path) -> None:
    here = make_module(tmp_path / "here", "here")
    there = make_module(tmp_path / "there", "there")
    res = run("apply", "../there", "--rule", "lazy-init", "--branch", "fast", "--commit", cwd=here)
    assert res.returncode == 0, res.stderr
    assert "committed " in res.stderr
    assert branches(here) == ["main"] and git("status", "--porcelain", cwd=here) == ""
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=there).strip() == "fast"
    assert git("status", "--porcelain", cwd=there) == ""
    assert "sync.OnceValue" in git("show", "fast:main.go", cwd=there)
    assert "sync.OnceValue" not in git("show", "main:main.go", cwd=there)


def test_branch_refuses_paths_in_two_work_trees(tmp_path: Path) -> None:
    one = make_module(tmp_path / "one", "one")
    two = make_module(tmp_path / "two", "two")
    before = tree_digest(tmp_path)
    res = run("apply", "one", "two", "--rule", "lazy-init", "--branch", "x", cwd=tmp_path)
    assert_one_line_error(res, "different git work trees", "one", "two")
    assert tree_digest(tmp_path) == before
    assert branches(one) == branches(two) == ["main"]


def test_branch_outside_a_work_tree_is_refused(tmp_path: Path) -> None:
    mod = make_module(tmp_path / "m", "m", repo=False)
    before = tree_digest(mod)
    res = run("apply", "--rule", "lazy-init", "--branch", "x", cwd=mod)
    assert_one_line_error(res, "not inside a git work tree")
    assert tree_digest(mod) == before


# ---------------------------------------------------------------- the error boundary


def test_go_that_cannot_run_is_one_line(tmp_path: Path) -> None:
    mod = make_module(tmp_path / "m", "m", repo=False)
    env = {**os.environ, "CODEMOD_GO": str(tmp_path / "no-such-go")}
    for args in (
        ["apply", "--rule", "lazy-init"],
        ["bench", "--base", "WORKTREE", "--pkg", ".", "-n", "2"],
    ):
        res = subprocess.run([CODEMOD, *args], cwd=mod, env=env, capture_output=True, text=True)
        assert_one_line_error(res, "CODEMOD_GO=", "no-such-go")
    assert (mod / "main.go").read_text() == LAZY
    (mod / "debug.go").write_text('package main\n\nimport _ "expvar"\n')  # needs go list
    res = subprocess.run([CODEMOD, "scan"], cwd=mod, env=env, capture_output=True, text=True)
    assert_one_line_error(res, "CODEMOD_GO=", "no-such-go")


def test_bench_of_a_library_package_is_one_line(tmp_path: Path) -> None:
    mod = make_module(tmp_path / "m", "m", repo=False)
    (mod / "lib").mkdir()
    (mod / "lib" / "lib.go").write_text("package lib\n\nvar X = 1\n")
    res = run("bench", "--base", "WORKTREE", "--pkg", "./lib", "-n", "2", cwd=mod)
    assert_one_line_error(res, "./lib", "not a main package")


def test_unwritable_diff_path_is_one_line(tmp_path: Path) -> None:
    mod = make_module(tmp_path / "m", "m", repo=False)
    (tmp_path / "afile").write_text("")
    res = run(
        "apply", "--rule", "lazy-init", "--diff", str(tmp_path / "afile" / "x.patch"), cwd=mod
    )
    assert_one_line_error(res, "afile/x.patch")


def test_failing_git_command_is_one_line(tmp_path: Path) -> None:
    mod = make_module(tmp_path / "m", "m")
    hook = mod / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho refused by hook >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    res = run("apply", "--rule", "lazy-init", "--branch", "b", "--commit", cwd=mod)
    assert_one_line_error(res, "git commit", "refused by hook")


def test_read_only_directory_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Root may write anywhere, so the file system's refusal is simulated where the
    writer meets it; what is under test is what the CLI makes of it."""
    from codemod import cli, workflow

    mod = make_module(tmp_path / "m", "m", repo=False)

    def refuse(changes: object) -> None:
        raise PermissionError(13, "Permission denied", str(mod / ".main.go.tmp"))

    monkeypatch.setattr(workflow, "write", refuse)
    monkeypatch.chdir(mod)
    with pytest.raises(SystemExit) as exit_:
        cli.cli.main(["apply", "--rule", "lazy-init", "--no-verify"], prog_name="codemod")
    err = capfd.readouterr().err
    assert exit_.value.code == 2 and "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert line.startswith("codemod: ") and ".main.go.tmp" in line and "Permission denied" in line
    assert "Traceback" not in err


# ---------------------------------------------------------------- Ctrl-C


def fake_go(tmp_path: Path, hang_on: str) -> dict[str, str]:
    """A `go` that runs the real one, except that `go HANG_ON ...` waits to be interrupted."""
    real = gotool.go_binary()
    assert real is not None
    marker = tmp_path / "hanging"
    script = tmp_path / "go"
    script.write_text(
        f'#!/bin/sh\nif [ "$1" = "{hang_on}" ]; then touch "{marker}"; exec sleep 60; fi\n'
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    return {**os.environ, "CODEMOD_GO": str(script), "MARKER": str(marker)}


def interrupt_when_hanging(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    proc = subprocess.Popen(
        [CODEMOD, *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    marker = Path(env["MARKER"])
    deadline = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def test_ctrl_c_before_writing_says_nothing_was_written(tmp_path: Path) -> None:
    mod = make_module(tmp_path / "m", "m", repo=False)
    env = fake_go(tmp_path, hang_on="build")  # the build gate, before anything is written
    code, err = interrupt_when_hanging(["apply", "--rule", "lazy-init"], mod, env)
    assert code == 130, err
    assert err.strip().splitlines()[-1] == "codemod: interrupted: nothing was written"
    assert "Traceback" not in err and (mod / "main.go").read_text() == LAZY


def test_ctrl_c_after_writing_says_what_was_written(tmp_path: Path) -> None:
    mod = make_module(tmp_path / "m", "m")
    env = fake_go(tmp_path, hang_on="build")  # --bench builds only after writing
    args = ["apply", "--rule", "lazy-init", "--no-verify", "--bench", ".", "--bench-runs", "2"]
    code, err = interrupt_when_hanging(args, mod, env)
    assert code == 130, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("codemod: interrupted: 2 file(s) were written (")
    assert "main.go" in last and "Traceback" not in err


# ---------------------------------------------------------------- suppression comments


@pytest.mark.parametrize("directive", ["//codemod:ignore", "// codemod:ignore -- too slow"])
def test_ignore_without_a_rule_id_is_an_error(tmp_path: Path, directive: str) -> None:
    mod = make_module(tmp_path / "m", "m", repo=False)
    source = LAZY.replace("var re", f"{directive}\nvar re")
    (mod / "main.go").write_text(source)
    scan = run("scan", cwd=mod)
    assert scan.returncode == 2, scan.stdout + scan.stderr
    assert "codemod: main.go:5:1: //codemod:ignore without a rule id" in scan.stderr
    res = run("apply", "--rule", "lazy-init", cwd=mod)
    assert res.returncode == 2 and "main.go:5:1" in res.stderr
    assert (mod / "main.go").read_text() == source  # the line it meant to protect is kept


def test_branch_refuses_a_change_that_reaches_outside_the_work_tree(tmp_path: Path) -> None:
    """PATH is a nested repository, but the fix also rewrites its importer in the outer
    one: one branch cannot hold that change, so nothing is written or branched."""
    outer = make_module(tmp_path / "outer", "outer", repo=False)
    (outer / "main.go").write_text(
        'package main\n\nimport "example.com/outer/lib"\n\n'
        "func main() { println(lib.Pattern.String()) }\n"
    )
    (outer / "lib").mkdir()
    (outer / "lib" / "lib.go").write_text(
        'package lib\n\nimport "regexp"\n\n// Pattern matches x.\nvar Pattern = regexp.MustCompile("x+")\n'
    )
    init_repo(outer / "lib")
    init_repo(outer)
    before = tree_digest(outer)
    res = run("apply", "lib", "--rule", "lazy-init", "--unsafe-fixes", "--branch", "x", cwd=outer)
    assert_one_line_error(res, "main.go", "not in the git work tree")
    assert tree_digest(outer) == before
    assert branches(outer / "lib") == ["main"]


def workers(pid: int) -> list[str]:
    """Forked copies of the codemod process (git and go children have other command
    lines once they exec)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    out = []
    for child in children:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"codemod" in cmdline:
            out.append(child)
    return out


def test_ctrl_c_during_a_parallel_scan_is_one_line(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group, worker processes included."""
    mod = make_module(tmp_path / "m", "m", repo=False)
    for i in range(1500):  # enough files for the process pool, and a few seconds of work
        (mod / f"p{i}").mkdir()
        (mod / f"p{i}" / "a.go").write_text(f"package p{i}\n\n" + LAZY.split("\n\n", 1)[1])
    proc = subprocess.Popen(
        [CODEMOD, "scan", "--rule", "lazy-init"], cwd=mod, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    seen: set[str] = set()
    while proc.poll() is None:  # wait for the pool: the same worker seen twice, 50 ms apart
        now = set(workers(proc.pid))
        if now & seen:
            break
        seen = now
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines() == [
        "codemod: interrupted: nothing was written"
    ]


def test_branch_with_a_missing_path_names_it(tmp_path: Path) -> None:
    mod = make_module(tmp_path / "m", "m")
    missing = str(tmp_path / "nosuch" / "pkg")  # outside any work tree, too
    res = run("apply", missing, "--rule", "lazy-init", "--branch", "x", cwd=mod)
    assert_one_line_error(res, f"{missing}: no such file or directory")
