"""Progress of long computations, for a person watching a terminal.

One status line on standard error, redrawn in place (``\\r``) at most every
``INTERVAL`` seconds, e.g. ``design: solving the LP (704 rows × 3,584 variables) · exact
simplex: phase 1, 1793 pivots · 9 s``.  It is shown only while a :func:`reporting` block is active and its stream is a terminal (or the
block is forced on, ``--progress``); ``--no-progress`` turns it off.  Progress never
writes to standard output and never changes a file, so every answer is byte-identical
with and without it.

A computation says where it is with :func:`step` (a named task, how far, of how many)
and :func:`finish` when the task is over; nested tasks share the line (outer first).
Outside a :func:`reporting` block both are a context-variable lookup and nothing else.
A line of text meant to stay (``certificate written to …``) goes through :func:`note`,
which clears the status line first so the two never mix.

>>> import io
>>> class Tty(io.StringIO):
...     def isatty(self): return True
>>> out = Tty()
>>> with reporting(None, out, interval=0):
...     step("claims", 1, 2)
...     step("claims", 2, 2)
>>> "claims: 2/2" in out.getvalue()
True
>>> quiet = io.StringIO()  # not a terminal: nothing is written
>>> with reporting(None, quiet):
...     step("claims", 1, 2)
>>> quiet.getvalue()
''
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO

__all__ = ["INTERVAL", "Reporter", "reporting", "step", "finish", "note", "wanted", "active"]

#: seconds between two redraws of the status line (wall clock, never a decision)
INTERVAL = 0.2  # float-ok: wall clock

# None: no command decided (a library call); False: progress off; a Reporter: progress on
_current: ContextVar["Reporter | bool | None"] = ContextVar("exactmd_progress", default=None)


def _isatty(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (OSError, ValueError):  # a closed or detached stream
        return False


def _columns(stream: IO[str]) -> int:
    """The width of the terminal behind ``stream`` (else ``$COLUMNS``, else 80)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, OSError, ValueError):  # not a real terminal (io.UnsupportedOperation is both)
        return shutil.get_terminal_size((80, 24)).columns or 80


class Reporter:
    """The status line on ``stream``: tasks by name (in the order they started), redrawn
    at most every ``interval`` seconds, cut to the terminal's width, cleared by :meth:`clear`."""

    def __init__(self, stream: IO[str], interval: float = INTERVAL) -> None:  # float-ok: wall clock
        self.stream = stream
        self.interval = interval
        self.tasks: dict[str, str] = {}
        self._start = time.monotonic()
        self._last: float | None = None  # float-ok: wall clock; None: draw at the next update
        self._width = 0
        self.columns = _columns(stream)

    def line(self) -> str:
        return " · ".join([*(f"{k}: {v}" if v else k for k, v in self.tasks.items()), f"{time.monotonic() - self._start:.0f} s"])

    def update(self, what: str, done: int | None = None, total: int | None = None, detail: str = "", *,
               force: bool = False) -> None:
        count = "" if done is None else f"{done}/{total}" if total is not None else f"{done}"
        self.tasks[what] = f"{count} {detail}".strip()
        now = time.monotonic()
        if force or self._last is None or now - self._last >= self.interval:
            self._draw(now)

    def finish(self, what: str) -> None:
        self.tasks.pop(what, None)

    def _draw(self, now: float) -> None:  # float-ok: wall clock
        text = self.line()
        if len(text) >= self.columns:  # one row of the terminal: a wrapped line could not be redrawn in place
            text = text[: max(1, self.columns - 2)] + "…"
        pad = max(0, self._width - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._width = len(text)
        self._last = now

    def clear(self) -> None:
        """Erase the status line (the next update draws it again)."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
            self._last = None  # redraw at the next update


def wanted(flag: bool | None = None, stream: IO[str] | None = None) -> bool:
    """Whether to show progress: ``flag`` when given; else the :func:`reporting` block's
    decision when one is active; else whether ``stream`` (default standard error) is a terminal."""
    if flag is not None:
        return flag
    cur = _current.get()
    if cur is not None:
        return cur is not False
    return _isatty(sys.stderr if stream is None else stream)


def active() -> Reporter | None:
    """The reporter of the active :func:`reporting` block, if it shows progress."""
    cur = _current.get()
    return cur if isinstance(cur, Reporter) else None


@contextmanager
def reporting(flag: bool | None = None, stream: IO[str] | None = None, *,
              interval: float = INTERVAL) -> Iterator[Reporter | None]:  # float-ok: wall clock
    """Show progress on ``stream`` (default standard error) within the block: always
    (``flag=True``), never (``False``) or when the stream is a terminal (``None``)."""
    out = sys.stderr if stream is None else stream
    on = _isatty(out) if flag is None else flag
    rep = Reporter(out, interval) if on else None
    token = _current.set(rep if rep is not None else False)
    try:
        yield rep
    finally:
        _current.reset(token)
        if rep is not None:
            rep.clear()


def step(what: str, done: int | None = None, total: int | None = None, detail: str = "") -> None:
    """Task ``what`` is at ``done`` (of ``total``; ``detail``: e.g. the item's name); drawn when progress is shown."""
    cur = _current.get()
    if isinstance(cur, Reporter):
        cur.update(what, done, total, detail)


def finish(what: str) -> None:
    """Task ``what`` is over (it leaves the status line)."""
    cur = _current.get()
    if isinstance(cur, Reporter):
        cur.finish(what)


def note(text: str, stream: IO[str] | None = None) -> None:
    """Write a line of text that stays, to ``stream`` (default standard error), clearing the status line first."""
    cur = _current.get()
    if isinstance(cur, Reporter):
        cur.clear()
    out = sys.stderr if stream is None else stream
    out.write(text + "\n")
    out.flush()
