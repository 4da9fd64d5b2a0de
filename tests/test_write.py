"""Writing a change set: all or nothing, only over what was read, through links, one run at
a time, and with each file's line endings."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from codemod import changeset, gotool, model, verify, workflow, writer
from codemod.rule import Finding
from tests.test_cli import CODEMOD, git, go, init_repo, run, tree_digest

_MAIN = (
    "package main\n\n"
    'import (\n\t"fmt"\n\t_ "net/http/pprof"\n\t"regexp"\n)\n\n'
    "var word = regexp.MustCompile(`^[a-z]+$`)\n\n"
    'func main() {\n\tfmt.Println(word.MatchString("abc"))\n}\n'
)
_LIB = 'package main\n\nimport "regexp"\n\nvar digits = regexp.MustCompile(`^[0-9]+$`)\n'


def module(root: Path, **files: str) -> Path:
    """A standard-library-only main module with `files` (name -> text)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "go.mod").write_text("module example.com/w\n\ngo 1.22\n")
    for name, text in {"main.go": _MAIN, "lib.go": _LIB, **files}.items():
        (root / name).write_bytes(text.encode())
    return root


def lazy_init_plan(root: Path) -> workflow.Plan:
    result = workflow.scan([root], ["lazy-init"])
    return workflow.plan(result, verify_build=False)


def one_line_error(res: subprocess.CompletedProcess[str], *words: str) -> None:
    assert res.returncode == 2, res.stderr
    assert res.stderr.strip().count("\n") == 0, res.stderr
    assert "Traceback" not in res.stderr
    for word in words:
        assert word in res.stderr, res.stderr


# ---------------------------------------------------------------------------- item 2


def test_file_edited_between_plan_and_write_is_refused(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    plan = lazy_init_plan(root)
    assert {p.name for p in plan.changes.changes} >= {"main.go", "lib.go"}
    (root / "main.go").write_text(_MAIN + "\n// someone else's edit\n")
    before = tree_digest(root)
    with pytest.raises(writer.WriteError, match=r"main\.go: changed since codemod read it"):
        workflow.write(plan.changes)
    assert tree_digest(root) == before  # lib.go was not written either
    assert not list(root.glob(".*codemod-tmp"))


def test_file_created_by_someone_else_meanwhile_is_refused(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    plan = lazy_init_plan(root)
    (root / "codemod_lazyinit_test.go").write_text("package main\n")
    before = tree_digest(root)
    with pytest.raises(writer.WriteError, match=r"codemod_lazyinit_test\.go: created by someone"):
        workflow.write(plan.changes)
    assert tree_digest(root) == before


def test_file_edited_between_scan_and_plan_is_refused(tmp_path: Path) -> None:
    """The fixes' offsets are into the scanned text: they must not land in a newer one."""
    root = module(tmp_path / "m")
    result = workflow.scan([root], ["lazy-init"])
    (root / "main.go").write_text("// moved down a line\n" + _MAIN)
    with pytest.raises(model.InputError, match=r"main\.go: changed while codemod was scanning"):
        workflow.plan(result, verify_build=False)


def test_rebuilds_during_verification_edit_the_bytes_first_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild after a failed build must not apply the scan's offsets to a newer text."""
    root = module(tmp_path / "m")
    original = (root / "main.go").read_bytes()

    def edit_then_rebuild(
        changes: changeset.ChangeSet,
        rebuild: Callable[[list[Finding]], changeset.ChangeSet],
        **options: object,
    ) -> tuple[changeset.ChangeSet, verify.Report]:
        (root / "main.go").write_text("// moved\n" + _MAIN)
        return rebuild(changes.applied), verify.Report("go", ("build",))

    monkeypatch.setattr(verify, "verify", edit_then_rebuild)
    plan = workflow.plan(workflow.scan([root], ["lazy-init"]))
    assert plan.changes.changes[root / "main.go"].before == original
    with pytest.raises(writer.WriteError, match=r"main\.go: changed since codemod read it"):
        workflow.write(plan.changes)


def test_a_second_apply_is_refused_while_the_tree_is_locked(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    init_repo(root)
    before = tree_digest(root)
    with workflow.lock([root / "main.go"]):
        assert git("status", "--porcelain", "--ignored", cwd=root) == ""
        res = run("apply", "--rule", "lazy-init", "--no-verify", cwd=root)
        dry = run("apply", "--rule", "lazy-init", "--dry-run", "--no-verify", cwd=root)
    one_line_error(res, str(root.resolve()), "another codemod apply", f"pid {os.getpid()}")
    assert tree_digest(root) == before
    assert dry.returncode == 0, dry.stderr  # reading needs no lock
    again = run("apply", "--rule", "lazy-init", "--no-verify", cwd=root)
    assert again.returncode == 0, again.stderr


def test_lock_is_skipped_where_the_file_system_cannot_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on NFS: the run goes on (the content check still guards); other errors stop it."""

    def fails_with(code: int) -> Callable[..., None]:
        def fail(*args: object) -> None:
            raise OSError(code, os.strerror(code))

        return fail

    monkeypatch.setattr(writer.fcntl, "flock", fails_with(errno.ENOLCK))
    with workflow.lock([tmp_path]):
        pass
    monkeypatch.setattr(writer.fcntl, "flock", fails_with(errno.EIO))
    refused = pytest.raises(writer.WriteError, match="cannot lock: Input/output error")
    with refused, workflow.lock([tmp_path]):
        pass


def test_two_concurrent_applies_keep_both_results_or_refuse_one(tmp_path: Path) -> None:
    args = {
        "lazy": ["apply", "--rule", "lazy-init"],
        "debug": ["apply", "--rule", "debug-imports", "--unsafe-fixes"],
    }
    expected = {}
    for order in (("lazy", "debug"), ("debug", "lazy"), ("lazy",), ("debug",)):
        root = module(tmp_path / "-".join(order))
        for name in order:
            assert run(*args[name], cwd=root).returncode == 0
        expected[order] = tree_digest(root)
    root = module(tmp_path / "both")
    procs = {
        name: subprocess.Popen(
            [CODEMOD, *argv], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name, argv in args.items()
    }
    errors = {name: p.communicate(timeout=300)[1] for name, p in procs.items()}
    results = {name: (p.returncode, errors[name]) for name, p in procs.items()}
    refused = [name for name, (code, _) in results.items() if code == 2]
    for name in refused:
        assert "another codemod apply is running" in results[name][1]
    assert all(code == 0 for name, (code, _) in results.items() if name not in refused), results
    if refused:
        (kept,) = set(args) - set(refused)
        assert tree_digest(root) == expected[(kept,)]
    else:
        assert tree_digest(root) in {expected[("lazy", "debug")], expected[("debug", "lazy")]}
    go("build", "-o", os.devnull, "./...", cwd=root)


# ---------------------------------------------------------------------------- also: errors


def test_read_only_file_is_refused(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    os.chmod(root / "lib.go", 0o444)
    before = tree_digest(root)
    res = run("apply", "--rule", "lazy-init", "--no-verify", cwd=root)
    one_line_error(res, "lib.go: read-only (mode 0444)")
    assert tree_digest(root) == before


def test_read_only_directory_is_refused(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    os.chmod(root, 0o555)
    try:
        before = tree_digest(root)
        res = run("apply", "--rule", "lazy-init", "--no-verify", cwd=root)
        one_line_error(res, "is read-only", "nothing written")
        assert tree_digest(root) == before
    finally:
        os.chmod(root, 0o755)


def test_any_os_error_while_writing_is_one_line_and_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while staging, or a rename that fails half way: nothing stays written."""
    root = module(tmp_path / "m")
    plan = lazy_init_plan(root)
    before = tree_digest(root)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(writer.os, "fsync", full)
        with pytest.raises(writer.WriteError, match="No space left on device"):
            workflow.write(plan.changes)
    assert tree_digest(root) == before and not list(root.glob(".*codemod-tmp"))

    real_replace, calls = os.replace, []

    def second_fails(src: str, dst: Path) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(1, "Operation not permitted")
        real_replace(src, dst)

    with monkeypatch.context() as patch:
        patch.setattr(writer.os, "replace", second_fails)
        with pytest.raises(writer.WriteError, match="Operation not permitted; nothing written"):
            workflow.write(plan.changes)
    assert tree_digest(root) == before and not list(root.glob(".*codemod-tmp"))


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_written_file_keeps_its_owner(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    os.chown(root / "lib.go", 1234, 5678)
    res = run("apply", "--rule", "lazy-init", "--no-verify", cwd=root)
    assert res.returncode == 0, res.stderr
    st = (root / "lib.go").stat()
    assert (st.st_uid, st.st_gid) == (1234, 5678)
    assert "sync.OnceValue" in (root / "lib.go").read_text()


@pytest.mark.parametrize("option", ["--diff", "--pr-body"])
def test_unwritable_diff_or_pr_body_file_is_one_line(tmp_path: Path, option: str) -> None:
    root = module(tmp_path / "m")
    target = tmp_path / "no" / "such" / "dir" / "out.txt"
    res = run("apply", "--rule", "lazy-init", "--no-verify", option, str(target), cwd=root)
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert (
        res.stderr.splitlines()[-1] == f"codemod: {target}: cannot write: No such file or directory"
    )
    if option == "--diff":
        one_line_error(res)


# ---------------------------------------------------------------------------- item 8


def test_symlinked_file_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    (root / "shared").mkdir()
    (root / "lib.go").rename(root / "shared" / "lib.go.txt")
    (root / "lib.go").symlink_to(Path("shared") / "lib.go.txt")
    res = run("apply", "--rule", "lazy-init", cwd=root)
    assert res.returncode == 0, res.stderr
    assert (root / "lib.go").is_symlink()
    assert os.readlink(root / "lib.go") == str(Path("shared") / "lib.go.txt")
    assert "sync.OnceValue" in (root / "shared" / "lib.go.txt").read_text()
    assert not list(root.rglob(".*codemod-tmp"))
    go("build", "-o", os.devnull, "./...", cwd=root)


def test_symlink_to_a_file_outside_the_paths_given_is_not_rewritten(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    (root / "a").mkdir()
    (root / "b").mkdir()
    (root / "b" / "lib.go").write_text(_LIB.replace("package main", "package b"))
    (root / "a" / "lib.go").symlink_to(Path("..") / "b" / "lib.go")
    res = run("scan", "--format", "json", "a", cwd=root)
    (finding,) = json.loads(res.stdout)["findings"]
    real = (root / "b" / "lib.go").resolve()
    assert (
        f"(no fix: a/lib.go in module example.com/w is a link to {real}, outside the PATHs given)"
        in finding["message"]
    )
    res = run("scan", "--format", "json", "a", "b", cwd=root)
    assert all(f["fix"] for f in json.loads(res.stdout)["findings"])


@pytest.mark.parametrize("preview", [["--dry-run"], ["--check"], ["--diff", "out.diff"]])
def test_preview_refuses_a_link_to_a_file_also_fixed_as_apply_does(
    tmp_path: Path, preview: list[str]
) -> None:
    """`apply` refuses two changes to one file through a link; a preview that promised
    them (and a --diff that `git apply` cannot apply) would mislead the user."""
    root = module(tmp_path / "m")
    (root / "a").mkdir()
    (root / "b").mkdir()
    (root / "b" / "lib.go").write_text(_LIB.replace("package main", "package b"))
    (root / "a" / "lib.go").symlink_to(Path("..") / "b" / "lib.go")
    args = ("--rule", "lazy-init", "--no-verify", "a", "b")
    applied = run("apply", *args, cwd=root)
    one_line_error(applied, "the same file as", "(a link); not rewritten")
    previewed = run("apply", *args, *preview, cwd=root)
    assert previewed.returncode == 2, previewed.stderr
    assert applied.stderr.strip().splitlines()[-1] in previewed.stderr
    assert not (root / "out.diff").exists()


def test_symlink_into_testdata_is_not_rewritten(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    (root / "testdata").mkdir()
    (root / "lib.go").rename(root / "testdata" / "lib.go")
    (root / "lib.go").symlink_to(Path("testdata") / "lib.go")
    scan = json.loads(run("scan", "--format", "json", cwd=root).stdout)
    (finding,) = [f for f in scan["findings"] if f["path"] == "lib.go"]
    assert (
        "(no fix: lib.go in module example.com/w is a link into testdata/, which codemod never rewrites)"
        in finding["message"]
    )


def test_dangling_symlink_in_the_way_of_a_new_file_is_refused(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    (root / "debug_pprof.go").symlink_to(tmp_path / "gone.go")
    before = tree_digest(root)
    res = run("apply", "--rule", "debug-imports", "--unsafe-fixes", "--no-verify", cwd=root)
    one_line_error(res, "debug_pprof.go: a dangling symlink; not replaced")
    assert tree_digest(root) == before
    assert (root / "debug_pprof.go").is_symlink() and not (tmp_path / "gone.go").exists()


def test_symlink_to_a_file_outside_the_module_is_not_rewritten(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "lib.go"
    outside.parent.mkdir()
    outside.write_text(_LIB)
    root = module(tmp_path / "m")
    (root / "lib.go").unlink()
    (root / "lib.go").symlink_to(outside)
    scan = json.loads(run("scan", "--format", "json", cwd=root).stdout)
    (finding,) = [f for f in scan["findings"] if f["path"] == "lib.go"]
    assert finding["fix"] is None
    assert (
        f"(no fix: lib.go in module example.com/w is a link to {outside.resolve()}, outside the module)"
        in finding["message"]
    )
    res = run("apply", "--rule", "lazy-init", "--no-verify", cwd=root)
    assert res.returncode == 0, res.stderr  # the other fixes apply; this one is reported
    assert "1 finding(s) have no fix" in res.stderr
    assert outside.read_text() == _LIB and (root / "lib.go").is_symlink()
    assert "sync.OnceValue" in (root / "main.go").read_text()


def test_symlinked_directory(tmp_path: Path) -> None:
    """Not followed when walking the tree (as `./...`); named, its real files are written."""
    root = module(tmp_path / "m")
    real = module(root / "pkg", **{"main.go": _LIB.replace("main", "pkg"), "lib.go": ""})
    (real / "go.mod").unlink()
    (real / "lib.go").unlink()
    (root / "alias").symlink_to("pkg")
    res = run("apply", "--rule", "lazy-init", "--no-verify", "--dry-run", cwd=root)
    assert "alias/" not in res.stdout and "pkg/main.go" in res.stdout
    res = run("apply", "--rule", "lazy-init", "--no-verify", "alias", cwd=root)
    assert res.returncode == 0, res.stderr
    assert (root / "alias").is_symlink() and os.readlink(root / "alias") == "pkg"
    assert "sync.OnceValue" in (real / "main.go").read_text()
    assert not (real / "main.go").is_symlink()
    go("build", "-o", os.devnull, "./...", cwd=root)


def test_hard_linked_file_is_refused(tmp_path: Path) -> None:
    root = module(tmp_path / "m")
    os.link(root / "lib.go", tmp_path / "backup.go")
    before = tree_digest(root)
    res = run("apply", "--rule", "lazy-init", "--no-verify", cwd=root)
    one_line_error(res, "lib.go: has 2 hard links")
    assert tree_digest(root) == before


# ---------------------------------------------------------------------------- item 9


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def test_crlf_package_stays_crlf(tmp_path: Path) -> None:
    root = module(tmp_path / "m", **{"main.go": crlf(_MAIN), "lib.go": crlf(_LIB)})
    init_repo(root)
    patch = tmp_path / "fix.patch"
    res = run("apply", "--rule", "all", "--unsafe-fixes", "--diff", str(patch), cwd=root)
    assert res.returncode == 0, res.stderr
    dry = subprocess.run(
        [CODEMOD, "apply", "--rule", "all", "--unsafe-fixes", "--dry-run"],
        cwd=root,
        capture_output=True,
        timeout=300,
    )
    assert dry.stdout == patch.read_bytes() and b"\r\n" in dry.stdout  # the same, CRs kept
    res = run("apply", "--rule", "all", "--unsafe-fixes", cwd=root)
    assert res.returncode == 0, res.stderr
    for name in ("main.go", "lib.go", "codemod_lazyinit_test.go", "debug_pprof.go"):
        data = (root / name).read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n"), f"{name}: {data!r}"
    assert b"sync.OnceValue" in (root / "lib.go").read_bytes()
    assert b'"sync"\r\n' in (root / "main.go").read_bytes()  # an added import line
    assert b"net/http/pprof" not in (root / "main.go").read_bytes()  # a removed one
    go("build", "-o", os.devnull, "./...", cwd=root)
    go("vet", "./...", cwd=root)
    go("test", "-count=1", "./...", cwd=root)
    written = tree_digest(root)
    again = run("apply", "--rule", "all", "--unsafe-fixes", "--allow-dirty", cwd=root)
    assert again.returncode == 0 and "applied 0 fix(es) to 0 file(s)" in again.stderr
    assert tree_digest(root) == written
    git("stash", "-u", "-q", cwd=root)
    git("apply", str(patch), cwd=root)
    assert tree_digest(root) == written


def test_crlf_file_that_is_otherwise_gofmt_clean_is_formatted(tmp_path: Path) -> None:
    """The longer line re-aligns its neighbour's comment, as in the LF file."""
    lib = (
        'package main\n\nimport "regexp"\n\nvar (\n'
        "\tx      = 1                              // one\n"
        "\tdigits = regexp.MustCompile(`^[0-9]+$`) // digits\n)\n"
    )
    lf_root = module(tmp_path / "lf", **{"lib.go": lib})
    crlf_root = module(tmp_path / "crlf", **{"lib.go": crlf(lib)})
    lf_after = lazy_init_plan(lf_root).changes.changes[lf_root / "lib.go"].after
    crlf_after = lazy_init_plan(crlf_root).changes.changes[crlf_root / "lib.go"].after
    one, digits = (line for line in lf_after.splitlines() if b"//" in line)
    assert one.index(b"// one") == digits.index(b"// digits")  # gofmt re-aligned them
    assert crlf_after.replace(b"\r\n", b"\n") == lf_after
    assert crlf_after.count(b"\n") == crlf_after.count(b"\r\n")


def test_a_new_package_gets_its_directories_and_a_failed_write_takes_them_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fix may create a package (init-hooks vendors internal/lazyinit): its missing
    directories are made; if the write fails, the ones made are removed again."""
    new = tmp_path / "internal" / "lazyinit" / "lazyinit.go"
    change = changeset.FileChange(new, None, b"package lazyinit\n")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(writer.os, "fsync", full)
        with pytest.raises(writer.WriteError, match="No space left on device"):
            writer.write_all([change])
    assert list(tmp_path.iterdir()) == []
    writer.write_all([change])
    assert new.read_bytes() == b"package lazyinit\n"


def test_a_new_package_is_vetted_through_the_overlay_and_leaves_no_directory(
    tmp_path: Path,
) -> None:
    """go vet runs in each package's directory, which an overlay cannot create: the check
    makes it, empty, and removes it again."""
    (tmp_path / "go.mod").write_text("module example.com/m\n\ngo 1.22\n")
    new = tmp_path / "internal" / "x" / "x.go"
    with gotool.Overlay({new: b"package x\n\n// F does nothing.\nfunc F() {}\n"}) as overlay:
        for step in ("build", "vet"):
            res = gotool.check(step, tmp_path, ["./internal/x"], overlay)  # type: ignore[arg-type]
            assert res.ok, res.stderr
    assert not (tmp_path / "internal").exists()
