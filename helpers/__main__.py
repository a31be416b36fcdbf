"""Command line: ``python -m helpers execute [LESSON ...]`` re-runs lessons and stores their outputs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

LESSONS = Path(__file__).resolve().parent.parent / "lessons"


def lesson_paths(names: list[str]) -> list[Path]:
    """The lesson notebooks named (all of them when none is named); unknown names are an error."""
    if not names:
        return sorted(LESSONS.glob("[0-9][0-9]_*.ipynb"))
    paths = [Path(n) for n in names]
    missing = [str(p) for p in paths if not p.is_file() or p.suffix != ".ipynb"]
    if missing:
        raise SystemExit(
            f"not a notebook: {', '.join(missing)}. Lessons: {', '.join(p.name for p in lesson_paths([]))}"
        )
    return paths


def execute(path: Path, timeout: int = 300) -> float:
    """Run a notebook top to bottom in a fresh kernel and save it with its outputs; return seconds taken."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    # record_timing=False keeps per-cell timestamps out of the committed file.
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="re-run lessons in place so their stored outputs are current")
    run.add_argument("lessons", nargs="*", help="notebook paths (default: every lesson)")
    args = parser.parse_args(argv)
    if args.command == "execute":
        for path in lesson_paths(args.lessons):
            print(f"{path.name}: {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
