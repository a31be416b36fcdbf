"""Benchmark: what the course costs a class, next to the floor it cannot go below.

Run on demand (not part of `pytest`):

    .venv/bin/python tests/benchmark.py [--runs 5]
    .venv/bin/python tests/benchmark.py --suite BEFORE_TREE [AFTER_TREE]

The first prints a table and writes it to tests/BENCHMARK.md. The second runs the whole test
suite (the README's pytest command, with its xdist workers) in each tree (a checkout or
`git archive` export; default AFTER_TREE: this repository), and writes the wall time, each test
file's share and each lesson's size into the "Whole suite" section of tests/BENCHMARK.md. The first measures:
- setup-cell cost in fresh kernels, against a bare `import pandas, altair, ipywidgets`, with and
  without the optional module `rfc3987_syntax` that jsonschema (imported by altair) loads;
- the whole nbval run over the lessons, against the same number of notebooks that only import the packages;
- per-lesson execution time and size on disk;
"""

from __future__ import annotations

from helpers.lesson import lesson_notebooks

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
LESSONS = lesson_notebooks(ROOT / "lessons")
OUT = ROOT / "tests" / "BENCHMARK.md"

FLOOR = "import pandas, altair, ipywidgets"
FLOOR_WITHOUT_RFC = "import sys\nsys.modules['rfc3987_syntax'] = None\nimport pandas, altair, ipywidgets"
SETUP_BEFORE = 'import altair as alt\nimport pandas as pd\n\nimport helpers as h\n\nlesson = h.Lesson("00")'


def setup_cell(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if "setup" in c.metadata.get("tags", []))


def time_in_fresh_kernel(code: str) -> float:
    """Seconds to run ``code`` in a newly started kernel (kernel start itself not counted)."""
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        start = time.perf_counter()
        reply = kc.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
        elapsed = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"benchmark cell failed: {reply['content']}")
        return elapsed
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def summarise(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f}"


def bench_setup(runs: int) -> list[tuple[str, str]]:
    cases = [
        ("floor: bare `import pandas, altair, ipywidgets`", FLOOR),
        ("floor without rfc3987_syntax", FLOOR_WITHOUT_RFC),
        ("setup cell, altair imported first (before)", SETUP_BEFORE),
        ("setup cell as in the lessons, helpers first (after)", setup_cell(LESSONS[0])),
    ]
    return [(name, summarise([time_in_fresh_kernel(code) for _ in range(runs)])) for name, code in cases]


def floor_notebooks(folder: Path, count: int) -> None:
    for i in range(count):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_WITHOUT_RFC)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        NotebookClient(nb, kernel_name="python3", record_timing=False).execute()
        nbformat.write(nb, folder / f"floor_{i:02d}.ipynb")


def nbval_seconds(paths: list[Path], workers: int) -> float:
    args = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-o",
        "addopts=",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        f"--nbval-sanitize-with={ROOT / 'lessons' / 'sanitize.cfg'}",
    ]
    if workers > 1:
        args += ["-n", str(workers), "--dist", "loadfile"]
    start = time.perf_counter()
    result = subprocess.run(args + [str(p) for p in paths], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbval failed:\n{result.stdout[-2000:]}")
    return time.perf_counter() - start


def bench_suite() -> list[tuple[str, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        floor_notebooks(Path(tmp), len(LESSONS))
        floors = sorted(Path(tmp).glob("*.ipynb"))
        for workers in (1, 2):
            lessons = nbval_seconds(LESSONS, workers)
            floor = nbval_seconds(floors, workers)
            label = "serial" if workers == 1 else "-n 2 --dist loadfile"
            rows.append(
                (f"nbval, {len(LESSONS)} notebooks, {label}", f"{lessons:.1f} | {floor:.1f} | {lessons / floor:.2f}")
            )
    return rows


def run_lesson(path: Path) -> float:
    """Seconds to execute a lesson in a fresh kernel."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return time.perf_counter() - start


def suite_run(tree: Path) -> tuple[float, dict[str, float], str]:
    """Wall time of the whole suite in one tree, summed test time per file, and pytest's last line."""
    import os
    import xml.etree.ElementTree as ET

    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        env = {**os.environ, "PYTHONPATH": str(tree), "IPYTHONDIR": "", "SOFT_POWER_NETWORK_LOG": ""}
        env = {k: v for k, v in env.items() if v != ""}  # each tree's conftest sets its own
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
        command += ["-o", "junit_family=xunit1"]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        per_file: dict[str, float] = {}
        for case in ET.parse(report).iter("testcase"):
            name = case.get("file") or case.get("classname", "?")
            per_file[name] = per_file.get(name, 0.0) + float(case.get("time", 0))
    return wall, per_file, done.stdout.strip().splitlines()[-1]


def bench_whole_suite(trees: list[Path]) -> list[str]:
    runs = [suite_run(tree) for tree in trees]
    labels = ["before", "after"][: len(trees)]
    lines = [
        "## Whole suite (seconds)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `python tests/benchmark.py --suite BEFORE AFTER`:",
        "the README's test command (`pytest`, two xdist workers) on this machine, browser test included.",
        "A file's share is its summed test time over all files' summed time (the workers run in parallel).",
        "",
        "| | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
        "| wall time | " + " | ".join(f"{wall:.0f}" for wall, _, _ in runs) + " |",
        "| result | " + " | ".join(last for _, _, last in runs) + " |",
        "",
        "| test file | " + " | ".join(f"{label} s (share)" for label in labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    files = sorted({f for _, per_file, _ in runs for f in per_file})
    for f in files:
        cells = []
        for _, per_file, _ in runs:
            total = sum(per_file.values()) or 1
            cells.append(f"{per_file[f]:.1f} ({100 * per_file[f] / total:.0f} %)" if f in per_file else "-")
        lines.append(f"| {f} | " + " | ".join(cells) + " |")
    lines += ["", "| lesson | " + " | ".join(f"{label} size (KB)" for label in labels) + " |"]
    lines.append("|---|" + "---|" * len(labels))
    for lesson in sorted({p.name for tree in trees for p in lesson_notebooks(tree / "lessons")}):
        sizes = [tree / "lessons" / lesson for tree in trees]
        cells = [f"{p.stat().st_size / 1024:.0f}" if p.is_file() else "-" for p in sizes]
        lines.append(f"| {Path(lesson).stem} | " + " | ".join(cells) + " |")
    return lines


def write_section(lines: list[str]) -> None:
    """Put the whole-suite section into BENCHMARK.md, replacing an earlier one, keeping the rest."""
    text = OUT.read_text(encoding="utf-8") if OUT.is_file() else "# Benchmark\n"
    head, marker, tail = text.partition("## Whole suite")
    rest = tail[tail.find("\n## ") + 1 :] if marker and "\n## " in tail else ""
    OUT.write_text(head.rstrip() + "\n\n" + "\n".join(lines) + "\n" + ("\n" + rest if rest else ""), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh kernels per setup-cell case")
    parser.add_argument("--suite", nargs="+", type=Path, metavar="TREE", help="time the whole suite: BEFORE [AFTER]")
    args = parser.parse_args()
    if args.suite:
        trees = [t.resolve() for t in args.suite] + ([ROOT] if len(args.suite) == 1 else [])
        lines = bench_whole_suite(trees)
        write_section(lines)
        print("\n".join(lines))
        return
    lines = [
        "# Benchmark",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {_machine()} with `python tests/benchmark.py`.",
        "",
    ]

    lines += [
        "## Setup-cell cost in a fresh kernel (seconds)",
        "",
        "| case | median | min | max |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {values} |" for name, values in bench_setup(args.runs)]

    lines += [
        "",
        "## Whole nbval run over the lessons (seconds)",
        "",
        "Floor: the same number of notebooks that only import pandas, altair and ipywidgets.",
        "",
        "| run | lessons | floor | ratio |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {values} |" for name, values in bench_suite()]

    lines += [
        "",
        "## Per lesson",
        "",
        "How fast each explorer, the index builder and the rubric answer a change: the Explorers section below",
        "(`tests/explorer_benchmark.py`).",
        "",
        "| lesson | execution (s) | size on disk (KB) |",
        "|---|---|---|",
    ]
    for path in LESSONS:
        lines.append(f"| {path.stem} | {run_lesson(path):.1f} | {path.stat().st_size / 1024:.0f} |")
        gc.collect()

    # These sections open the file; the later ones (whole suite, hub, explorers) are kept as they are.
    text = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
    rest = text[text.index("## Whole suite") :] if "## Whole suite" in text else ""
    OUT.write_text("\n".join(lines) + "\n\n" + rest, encoding="utf-8")
    print("\n".join(lines))


def _machine() -> str:
    import os
    import platform

    return f"{os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
