"""Writing a file in one step, so that a failed write never leaves half a file or a stray temporary one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomically(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` in one step and return the path.

    The text goes into a temporary file beside ``path``, which then replaces it in one rename: a reader
    sees the old file or the new one, never a part. On failure the OSError is raised, the old file (if
    any) is as it was, and no temporary file is left behind.
    """
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(temporary, 0o644)  # mkstemp makes the file private; the course writes ordinary files
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path
