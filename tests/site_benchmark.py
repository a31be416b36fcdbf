"""Benchmark: building the course website, student and teacher editions (target: at most 60 s each).

Run on demand (not part of `pytest`):

    .venv/bin/python -m tests.site_benchmark [--runs 2]

Each run builds the site into a new temporary folder with `helpers.site.build_site`, as
`python -m helpers site` does: the stored lesson outputs are read, nothing is executed. It prints wall and
CPU seconds per run; on a shared machine the CPU time shows the work and the wall time the wait for a core.
"""

from __future__ import annotations

from helpers.site import build_site

import argparse
import platform
import tempfile
import time
from pathlib import Path


def time_build(with_solutions: bool) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole build into a fresh folder."""
    out = Path(tempfile.mkdtemp(prefix="sp-site-")) / "site"
    start, cpu = time.perf_counter(), time.process_time()
    build_site(out, with_solutions=with_solutions)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}; {args.runs} runs each")
    for name, with_solutions in (("student", False), ("teacher", True)):
        times = [time_build(with_solutions) for _ in range(args.runs)]
        walls = ", ".join(f"{w:.1f}" for w, _ in times)
        cpus = ", ".join(f"{c:.1f}" for _, c in times)
        print(f"{name} site: wall {walls} s; CPU {cpus} s")


if __name__ == "__main__":
    main()
