"""Scan a copy of the Go toolchain's source tree with every rule and report files/s.

    python benchmarks/scan_goroot.py [--repeat 3] [--workers N] [--src DIR]

It copies `$(go env GOROOT)/src` into a temporary directory first (so the run reads a
tree nobody else writes to, and page-cache state is the same for each repeat), then
times `workflow.scan` end to end: discovery, reading, parsing, every rule, suppression.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from codemod import gotool, registry, workflow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    parser.add_argument("--src", type=Path, help="tree to scan (default: a copy of GOROOT/src)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="codemod-bench-") as tmp:
        if args.src is None:
            goroot = gotool.run(["env", "GOROOT"], cwd=Path.cwd()).stdout.strip()
            src = Path(tmp) / "src"
            shutil.copytree(Path(goroot) / "src", src, symlinks=True)
            print(f"go: {gotool.version()}  source: copy of {goroot}/src")
        else:
            src = args.src
        rules = list(registry.all_rules())
        print(f"rules: {', '.join(rules)}  workers: {args.workers or os.cpu_count()}")
        times = []
        result = None
        for i in range(args.repeat):
            start = time.perf_counter()
            result = workflow.scan([src], rules, workers=args.workers)
            times.append(time.perf_counter() - start)
            print(f"  run {i + 1}: {times[-1]:.2f} s")
        assert result is not None
        report = result.report
        best, median = min(times), statistics.median(times)
        print(
            f"{report.files} files, {report.packages} packages, {len(report.findings)} findings, "
            f"{len(report.errors)} files not parsed"
        )
        print(
            f"median {median:.2f} s = {report.files / median:,.0f} files/s (best {report.files / best:,.0f} files/s)"
        )
        for error in report.errors:
            print(
                f"  not parsed: {os.path.relpath(error.path, src)}:{error.line}:{error.column}: {error.message}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
