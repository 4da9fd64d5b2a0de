"""Time a codemod command's start, as a user runs it: the console script, stdout piped.

    python benchmarks/start_time.py [-n 20] [--base-src DIR] [--cached] [-- ARGS...]

ARGS default to `rules`. Prints the median and the minimum of n runs in milliseconds.
With --base-src (a directory holding another version's `codemod` and `rules` packages,
e.g. `git archive main codemod rules | tar -x -C DIR`), that version runs too, put first
on the import path, each run of one followed by a run of the other so that the machine's
load hits both alike. --cached keeps the bytecode (in a temporary PYTHONPYCACHEPREFIX) as
an installed package has it; without it PYTHONDONTWRITEBYTECODE, if set, applies.
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


def _timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("-n", type=int, default=20, help="runs of each version")
    parser.add_argument("--base-src", type=Path, help="another version's source to compare")
    parser.add_argument("--cached", action="store_true", help="keep the bytecode")
    parser.add_argument("args", nargs="*", default=["rules"], help="the command's arguments")
    opts = parser.parse_args()
    here = Path(sys.executable).parent / "codemod"
    codemod = str(here) if here.exists() else shutil.which("codemod")
    if not codemod:
        sys.exit("codemod not found: pip install -e . installs it")
    with tempfile.TemporaryDirectory(prefix="codemod-start-") as cache:
        env = dict(os.environ)
        if opts.cached:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
        versions = {"this": env}
        if opts.base_src:
            versions = {"base": {**env, "PYTHONPATH": str(opts.base_src.resolve())}, **versions}
        command = [codemod, *opts.args]
        times: dict[str, list[float]] = {name: [] for name in versions}
        for version_env in versions.values():  # warm the disk (and the bytecode cache)
            _timed(command, version_env)
        for _ in range(opts.n):
            for name, version_env in versions.items():
                times[name].append(_timed(command, version_env))
    for name, ms in times.items():
        print(
            f"{name}: codemod {' '.join(opts.args)}: median {statistics.median(ms):.0f} ms, "
            f"min {min(ms):.0f} ms ({opts.n} runs{', bytecode cached' if opts.cached else ''})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
