"""Error messages that name what was wrong and what is valid."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: object, valid: Iterable[str]) -> str | None:
    """Return the valid name closest to ``name`` (for "did you mean"), or None."""
    matches = difflib.get_close_matches(str(name), list(valid), n=1, cutoff=0.6)
    if not matches:
        lowered = {v.lower(): v for v in valid}
        return lowered.get(str(name).lower())
    return matches[0]


def unknown(what: str, name: object, valid: Iterable[str]) -> str:
    """Message for an unknown ``what`` called ``name``, listing the valid ones."""
    valid = sorted(valid)
    message = f"unknown {what} {name!r}."
    guess = closest(name, valid)
    if guess is not None and guess != name:
        message += f" Did you mean {guess!r}?"
    shown = ", ".join(repr(v) for v in valid[:40])
    more = f" (and {len(valid) - 40} more)" if len(valid) > 40 else ""
    return f"{message} Valid {what}s: {shown}{more}."


class UnknownNameError(LookupError):
    """A name (table, source, lesson, question, column, ...) that does not exist."""

    def __init__(self, what: str, name: object, valid: Iterable[str]) -> None:
        valid = list(valid)
        super().__init__(unknown(what, name, valid))
        self.name = name
        self.valid = valid
        self.suggestion = closest(name, valid)

    def __str__(self) -> str:  # KeyError-style quoting would hide the message
        return str(self.args[0])
