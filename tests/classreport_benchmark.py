"""Benchmark: the teacher's class report for 300 students and every lesson (target: at most 5 s).

Run on demand (not part of `pytest`):

    .venv/bin/python -m tests.classreport_benchmark [--students 300] [--runs 3]

Hand-ins are generated as in tests/test_classreport.py (every lesson's quiz, exercises and sorters, some items
skipped) and written as files; each run then times the whole `class-report` command in this process: reading
and checking every file, counting, drawing one chart a lesson to SVG and writing the HTML and the grade-book
CSV. The first run includes the chart renderer's start-up.
"""

from __future__ import annotations

from helpers.__main__ import main as helpers_main
from helpers.material import lesson_numbers

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from .test_classreport import write_class


def run(students: int, runs: int) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of each run: on a shared machine the CPU time shows the work, the wall time the wait."""
    base = Path(tempfile.mkdtemp(prefix="sp-classreport-"))
    write_class(base, students)
    times = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        code = helpers_main(["class-report", str(base), "--out", str(base / "r.html"), "--csv", str(base / "g.csv")])
        times.append((time.perf_counter() - start, time.process_time() - cpu))
        assert code == 0
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = run(args.students, args.runs)
    print(
        f"{args.students} students x {len(lesson_numbers())} lessons, {platform.python_version()}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}: wall {', '.join(f'{w:.2f}' for w, _ in times)} s, "
        f"CPU {', '.join(f'{c:.2f}' for _, c in times)} s; median wall {statistics.median(w for w, _ in times):.2f} s, "
        f"median CPU {statistics.median(c for _, c in times):.2f} s"
    )


if __name__ == "__main__":
    main()
