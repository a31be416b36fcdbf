"""Classroom benchmark: N students log in to a JupyterHub on this machine and run a lesson at once.

Run on demand (not part of `pytest`), from the repository root:

    .venv/bin/python -m tests.hub_benchmark [--students 10] [--lesson 00] [--without-startup-cut]

It builds the same hub as tests/test_hub.py (an image made from binder/, hub/jupyterhub_config.py,
configurable-http-proxy), then starts N students together: each logs in (the server starts and
pulls the course), follows the nbgitpuller link and runs every code cell of the lesson in their
own server. A sampler reads every process of the hub twice a second. Reported:
- per student: the server's and the lesson kernel's peak memory (RSS), and the CPU-seconds that the
  whole visit cost (servers, kernels, and the hub and proxy's share);
- the time until every student had finished;
- the capacity this implies: how many students pressing Run All at the same moment a 2-core and an
  8-core server finish within a minute, and the memory they need.
`--without-startup-cut` builds the image without binder/postBuild's start-up .pth file, to show
what it saves. Results go to the "JupyterHub" section of tests/BENCHMARK.md (--no-write: print only).
"""

from __future__ import annotations

from helpers.lesson import lesson_notebooks

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from . import hubclass

OUT = hubclass.ROOT / "tests" / "BENCHMARK.md"
START, END = "<!-- hub-benchmark:start -->", "<!-- hub-benchmark:end -->"
MAX_STUDENTS = 40  # the machine is shared; more than this is not a benchmark but a load test
FOLDER = "soft-power-companion"
SETTLE_SECONDS = 60  # "a class can work": everyone's Run All done within a minute


class Sampler(threading.Thread):
    """Peak RSS and last CPU time of every process under the hub, sampled every ``interval`` seconds."""

    def __init__(self, hub_pid: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.hub = psutil.Process(hub_pid)
        self.interval = interval
        self.peak_rss: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.kind: dict[int, str] = {}
        self.owner: dict[int, str] = {}
        self.stop_event = threading.Event()

    def sample(self) -> None:
        try:
            processes = [self.hub, *self.hub.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for proc in processes:
            try:
                with proc.oneshot():
                    rss, times = proc.memory_info().rss, proc.cpu_times()
                    if proc.pid not in self.kind:
                        self.kind[proc.pid], self.owner[proc.pid] = self.classify(proc)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            self.peak_rss[proc.pid] = max(rss, self.peak_rss.get(proc.pid, 0))
            self.cpu[proc.pid] = times.user + times.system

    def classify(self, proc: psutil.Process) -> tuple[str, str]:
        cmdline = " ".join(proc.cmdline())
        if "jupyterhub.singleuser" in cmdline:
            return "server", proc.environ().get("JUPYTERHUB_USER", "?")
        if "ipykernel_launcher" in cmdline:
            return "kernel", proc.parent().environ().get("JUPYTERHUB_USER", "?")
        if proc.pid == self.hub.pid:
            return "hub", ""
        if "configurable-http-proxy" in cmdline:
            return "proxy", ""
        return "other", ""

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.sample()
            time.sleep(self.interval)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=10)
        self.sample()

    def per_student(self, kind: str) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for pid, what in self.kind.items():
            if what == kind:
                found.setdefault(self.owner[pid], []).append(pid)
        return found


# What a lesson kernel holds, step by step, in the image's Python: the start of a kernel, the
# libraries `import helpers` brings in, and the JavaScript engine vl-convert starts for the first chart.
BREAKDOWN = """
import json, time, psutil
proc, steps, last = psutil.Process(), [], time.process_time()
def step(name):
    global last
    now = time.process_time()
    steps.append((name, proc.memory_info().rss / 1e6, now - last))
    last = now
step("Python")
import ipykernel.ipkernel
step("ipykernel (any kernel)")
import numpy, pandas
step("pandas and numpy")
import altair
step("altair (with narwhals, jsonschema)")
import helpers
step("ipywidgets and the rest of helpers")
import vl_convert
polls = helpers.load("polls")
vl_convert.vegalite_to_svg(altair.Chart(polls).mark_bar().encode(x="year:O", y="mean(percent)").to_dict())
step("first chart: vl-convert's JavaScript engine")
print(json.dumps(steps))
"""


def kernel_breakdown(image_python: Path) -> list[tuple[str, float, float]]:
    """(step, RSS after it in MB, CPU-seconds it took) for the image's Python."""
    import json
    import subprocess

    out = subprocess.run(
        [str(image_python), "-c", BREAKDOWN], capture_output=True, text=True, timeout=300, cwd=image_python.parent
    )
    if out.returncode:
        raise RuntimeError(out.stderr)
    return [tuple(step) for step in json.loads(out.stdout)]


def visit(hub: hubclass.Hub, name: str, lesson: str, barrier: threading.Barrier) -> dict:
    """One student's visit; the times in seconds from the common start."""
    student = hubclass.Student(hub, name)
    barrier.wait()
    start = time.monotonic()
    landing = student.log_in(timeout=600)
    logged_in = time.monotonic() - start
    events, _ = student.follow_link(hubclass.link_query(hub, FOLDER, lesson), timeout=600)
    pulled = time.monotonic() - start
    failures, channel, session_id = hubclass.run_notebook(student, f"{FOLDER}/{lesson}")
    finished = time.monotonic() - start
    channel.close()
    return {
        "name": name,
        "student": student,
        "session": session_id,
        "landing": landing,
        "pull": events[-1].get("phase"),
        "failures": failures,
        "logged_in": logged_in,
        "pulled": pulled,
        "finished": finished,
    }


def mb(n: float) -> float:
    return n / 1e6


def measure(students: int, lesson: str, startup_cut: bool) -> dict:
    proxy = hubclass.check_parts()
    with tempfile.TemporaryDirectory(prefix="hub-benchmark-") as tmp:
        base = Path(tmp)
        image_python = hubclass.build_image(base)
        if not startup_cut:
            for pth in base.glob("image-env/lib/python*/site-packages/soft_power_companion_startup.pth"):
                pth.unlink()
        breakdown = kernel_breakdown(image_python)
        bare, _ = hubclass.make_upstream(base)
        hub = hubclass.start_hub(base / "state", image_python, bare, proxy)
        sampler = Sampler(hub.process.pid)
        try:
            sampler.start()
            sampler.sample()
            baseline = dict(sampler.cpu)  # the hub's own start-up is not the class's cost
            load_before = os.getloadavg()
            used_before = psutil.virtual_memory().used
            barrier = threading.Barrier(students)
            names = [f"student{i:02d}" for i in range(1, students + 1)]
            with ThreadPoolExecutor(students) as pool:
                visits = list(pool.map(lambda n: visit(hub, n, lesson, barrier), names))
            sampler.sample()
            used_after = psutil.virtual_memory().used
            load_after = os.getloadavg()
            for v in visits:
                v.pop("student").close_session(v.pop("session"))
        finally:
            sampler.stop()
            hubclass.stop_hub(hub)
    result = summarise(
        visits, sampler, baseline, students, lesson, startup_cut, used_after - used_before, load_before, load_after
    )
    result["breakdown"] = breakdown
    return result


def summarise(visits, sampler, baseline, students, lesson, startup_cut, used_delta, load_before, load_after) -> dict:
    servers, kernels = sampler.per_student("server"), sampler.per_student("kernel")
    server_rss = [mb(max(sampler.peak_rss[p] for p in pids)) for pids in servers.values()]
    kernel_rss = [mb(max(sampler.peak_rss[p] for p in pids)) for pids in kernels.values()]
    server_cpu = [sum(sampler.cpu[p] for p in pids) for pids in servers.values()]
    kernel_cpu = [sum(sampler.cpu[p] for p in pids) for pids in kernels.values()]
    shared_cpu = sum(
        sampler.cpu[p] - baseline.get(p, 0.0) for p, k in sampler.kind.items() if k in ("hub", "proxy", "other")
    )
    cpu_per_student = (sum(server_cpu) + sum(kernel_cpu) + shared_cpu) / students
    memory_per_student = statistics.mean(server_rss) + statistics.mean(kernel_rss)
    capacity = {cores: int(cores * SETTLE_SECONDS // cpu_per_student) for cores in (2, 8)}
    return {
        "students": students,
        "lesson": lesson,
        "startup_cut": startup_cut,
        "errors": [f"{v['name']}: {v['failures']}" for v in visits if v["failures"] or v["pull"] != "finished"],
        "logged_in": max(v["logged_in"] for v in visits),
        "pulled": max(v["pulled"] for v in visits),
        "finished": max(v["finished"] for v in visits),
        "server_rss": server_rss,
        "kernel_rss": kernel_rss,
        "server_cpu": statistics.mean(server_cpu),
        "kernel_cpu": statistics.mean(kernel_cpu),
        "shared_cpu": shared_cpu / students,
        "cpu_per_student": cpu_per_student,
        "memory_per_student": memory_per_student,
        "capacity": capacity,
        "used_delta": mb(used_delta),
        "load": (load_before[0], load_after[0]),
    }


def memory_gb(r: dict, cores: int) -> float:
    return r["capacity"][cores] * r["memory_per_student"] / 1000


def row(r: dict) -> str:
    def spread(values):
        return f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f})"

    return (
        f"| {r['students']} | {'yes' if r['startup_cut'] else 'no'} | {r['logged_in']:.1f} | {r['finished']:.1f} "
        f"| {spread(r['server_rss'])} | {spread(r['kernel_rss'])} | {r['server_cpu']:.1f} | {r['kernel_cpu']:.1f} "
        f"| {r['cpu_per_student']:.1f} | {r['capacity'][2]} / {r['capacity'][8]} "
        f"| {memory_gb(r, 2):.1f} / {memory_gb(r, 8):.1f} "
        f"| {r['load'][0]:.1f} / {r['load'][1]:.1f} |"
    )


HEADER = (
    "| students | start-up cut | all logged in (s) | all finished (s) | server RSS, MB median (range) "
    "| lesson kernel RSS, MB median (range) | CPU-s per server | CPU-s per kernel | CPU-s per student, all in "
    "| students per 2 / 8 cores | their memory, GB, 2 / 8 cores | load average before / after |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def breakdown_table(steps: list) -> list[str]:
    lines = ["| step | RSS after it (MB) | CPU-s it took |", "|---|---|---|"]
    lines += [f"| {name} | {rss:.0f} | {cpu:.2f} |" for name, rss, cpu in steps]
    return lines


def write_section(rows: list[str], command: str, steps: list) -> None:
    text = OUT.read_text(encoding="utf-8") if OUT.exists() else "# Benchmark\n"
    section = "\n".join(
        [
            START,
            "## JupyterHub: a class at once",
            "",
            f"Measured {time.strftime('%Y-%m-%d')} on {psutil.cpu_count()} cores ({platform.machine()}), "
            f"Python {platform.python_version()}, with `{command}` (see its docstring). The machine was shared "
            "with other work: wall times and the load average show it; CPU-seconds and memory are per process "
            "and hardly depend on it.",
            "",
            HEADER,
            *rows,
            "",
            "Each student logs in (the server starts and pulls the course), follows the nbgitpuller link and runs "
            "every code cell of the lesson in their own server, all starting together. *CPU-s per student, all "
            "in* adds the student's server and kernel to their share of the hub and proxy. *Students per "
            f"2 / 8 cores* is how many can do this at the same moment and all finish within {SETTLE_SECONDS} s "
            "(cores x 60 / CPU-s per student); their memory is that many times a server plus a lesson kernel.",
            "",
            "What a lesson kernel holds, measured step by step in the image's Python (start-up cut in place):",
            "",
            *breakdown_table(steps),
            END,
        ]
    )
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    OUT.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10, help=f"1-{MAX_STUDENTS} (default 10)")
    parser.add_argument("--lesson", default="00", help="lesson number (default 00)")
    parser.add_argument("--without-startup-cut", action="store_true", help="build the image without it")
    parser.add_argument("--also-without-cut", action="store_true", help="measure both, without the cut first")
    parser.add_argument("--no-write", action="store_true", help="print only; leave tests/BENCHMARK.md alone")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= MAX_STUDENTS:
        parser.error(f"--students must be between 1 and {MAX_STUDENTS}, not {args.students}")
    matches = sorted((hubclass.ROOT / "lessons").glob(f"{args.lesson}_*.ipynb"))
    if len(matches) != 1:
        valid = ", ".join(p.name[:2] for p in lesson_notebooks(hubclass.ROOT / "lessons"))
        parser.error(f"--lesson {args.lesson!r} names no single lesson; valid: {valid}")
    lesson = f"lessons/{matches[0].name}"
    cuts = [False, True] if args.also_without_cut else [not args.without_startup_cut]
    rows = []
    print(HEADER)
    for cut in cuts:
        result = measure(args.students, lesson, cut)
        if result["errors"]:
            print("errors:", *result["errors"], sep="\n  ", file=sys.stderr)
            return 1
        rows.append(row(result))
        print(rows[-1], flush=True)
    if not args.no_write:
        command = ".venv/bin/python -m tests.hub_benchmark " + " ".join(argv if argv is not None else sys.argv[1:])
        write_section(rows, command.strip(), result["breakdown"])
        print(f"written to {OUT.relative_to(hubclass.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
