"""Scan a copy of the Go toolchain's source tree with codemod and with ast-grep, side by
side, and print codemod's time as a ratio of ast-grep's, cold and warm.

    python benchmarks/scan_goroot.py [--repeat 5] [--rule lazy-init] [--jobs N] [--src DIR]
                                     [--check-prefilter] [--no-bytecode-cache]

Both tools run with the same -j: --jobs, else the CPUs this process may use.

It copies `$(go env GOROOT)/src` into a temporary directory first (a tree nobody else
writes to). Each repeat then runs, back to back so that the machine's load hits all
three alike: ast-grep with one rule equivalent to lazy-init's core (a package-level
`regexp.MustCompile`), `codemod scan` with an empty results cache (cold: every
directory read, prefiltered, parsed where a rule wants it, analysed) and `codemod scan`
again with that cache (warm). Both tools are run as the commands a user types, on the
same files (ast-grep is told to skip testdata/ and vendor/, as codemod does), each
writing JSON to a pipe. The ratios are medians of each repeat's ratio. `codemod
--version` is timed too: the start-up every codemod run pays. codemod runs from cached
bytecode, as an installed tool does: PYTHONDONTWRITEBYTECODE, if set, is unset for it
(`--no-bytecode-cache` keeps it) and one small scan first writes the bytecode.
--check-prefilter also scans the tree in-process with and without the rules' prefilters
and compares findings.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codemod import engine, gotool, workflow

AST_GREP_RULE = """\
id: lazy-regexp
language: go
message: a package-level regexp.MustCompile runs at every start
severity: warning
rule:
  any:
    - kind: call_expression
    - kind: type_conversion_expression
  regex: '^regexp\\.MustCompile'
  inside:
    kind: var_declaration
    stopBy: end
    inside:
      kind: source_file
"""


def _timed(args: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1, 2):  # findings and unparsed files are not failures
        sys.exit(f"{args[0]} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return elapsed


def _tool(name: str) -> str:
    """A console script of this environment, else one on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: pip install -e '.[test]' installs it")
    return found


def _check_prefilter(src: Path, rules: list[str]) -> None:
    def fingerprint(result: workflow.ScanResult) -> list[tuple[object, ...]]:
        return [(f.rule, str(f.path), f.line, f.column, f.message) for f in result.report.findings]

    filtered = workflow.scan([src], rules)
    wants = engine._wants
    engine._wants = lambda rule, options, sources: True  # type: ignore[assignment]
    try:
        everything = workflow.scan([src], rules)
    finally:
        engine._wants = wants
    same = fingerprint(filtered) == fingerprint(everything)
    print(
        f"prefilter check: {len(filtered.report.findings)} findings with prefilters, "
        f"{len(everything.report.findings)} without: {'identical' if same else 'DIFFERENT'}"
    )
    if not same:
        sys.exit(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rule", default="lazy-init", help="codemod rule(s), comma-separated")
    parser.add_argument(
        "--jobs", type=int, default=None, help="-j of both tools (default: the usable CPUs)"
    )
    parser.add_argument("--src", type=Path, help="tree to scan (default: a copy of GOROOT/src)")
    parser.add_argument("--check-prefilter", action="store_true")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE if set: every codemod start compiles its sources",
    )
    args = parser.parse_args()
    codemod, ast_grep = _tool("codemod"), _tool("ast-grep")
    rules = args.rule.split(",")

    with tempfile.TemporaryDirectory(prefix="codemod-bench-") as tmp:
        if args.src is None:
            goroot = gotool.run(["env", "GOROOT"], cwd=Path.cwd()).stdout.strip()
            src = Path(tmp) / "src"
            shutil.copytree(Path(goroot) / "src", src, symlinks=True)
            print(f"source: copy of {goroot}/src")
        else:
            src = args.src.absolute()
        ast_version = subprocess.run([ast_grep, "--version"], capture_output=True, text=True)
        print(f"go: {gotool.version()}  {ast_version.stdout.strip()}  cores: {engine.cores()}")
        rule_file = Path(tmp) / "rule.yml"
        rule_file.write_text(AST_GREP_RULE)
        jobs = str(args.jobs or engine.cores())  # the same parallelism for both
        ast_cmd = [ast_grep, "scan", "-r", str(rule_file), "--json=compact", str(src)]
        ast_cmd += ["--globs", "!**/testdata/**", "--globs", "!**/vendor/**", "-j", jobs]
        scan_cmd = [codemod, "scan", str(src), "--format", "json", "-j", jobs]
        scan_cmd += [item for rule in rules for item in ("--rule", rule)]
        print(f"both tools with -j {jobs}")
        print(f"ast-grep: {' '.join(ast_cmd[1:])}")
        print(f"codemod:  {' '.join(scan_cmd[1:])}")
        times: dict[str, list[float]] = {"ast-grep": [], "cold": [], "warm": [], "version": []}
        base_env = {**os.environ, "GOTOOLCHAIN": "local"}
        if not args.no_bytecode_cache and base_env.pop("PYTHONDONTWRITEBYTECODE", ""):
            print("PYTHONDONTWRITEBYTECODE unset for codemod: it runs from cached bytecode")
        warm_up = {**base_env, "CODEMOD_SCAN_CACHE": str(Path(tmp) / "cache-warm-up")}
        _timed([*scan_cmd[:2], str(src / "errors"), *scan_cmd[3:]], warm_up)  # writes it
        for i in range(args.repeat):
            cache = Path(tmp) / f"cache-{i}"
            env = {**base_env, "CODEMOD_SCAN_CACHE": str(cache)}
            times["ast-grep"].append(_timed(ast_cmd))
            times["cold"].append(_timed(scan_cmd, env))
            times["warm"].append(_timed(scan_cmd, env))
            times["version"].append(_timed([codemod, "--version"], env))
            shutil.rmtree(cache, ignore_errors=True)
            print(
                f"  run {i + 1}: ast-grep {times['ast-grep'][-1]:.2f} s, "
                f"codemod cold {times['cold'][-1]:.2f} s, warm {times['warm'][-1]:.2f} s "
                f"(codemod --version {times['version'][-1]:.2f} s)"
            )
        median = {name: statistics.median(values) for name, values in times.items()}
        ratio = {
            name: statistics.median(
                t / a for t, a in zip(times[name], times["ast-grep"], strict=True)
            )
            for name in ("cold", "warm")
        }
        print(
            f"median: ast-grep {median['ast-grep']:.2f} s, codemod cold {median['cold']:.2f} s, "
            f"warm {median['warm']:.2f} s, --version {median['version']:.2f} s"
        )
        print(
            f"codemod / ast-grep: cold {ratio['cold']:.2f}x (target <= 1.0x), "
            f"warm {ratio['warm']:.2f}x (target <= 0.1x)"
        )
        if args.check_prefilter:
            _check_prefilter(src, rules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
