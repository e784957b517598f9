"""Writing output files without losing anything: the ``-o`` rules of the command line.

Two functions, used by every command that writes a file:

:func:`check_output_path` (called *before* any work)
    refuses an output path that is one of the command's own inputs (same resolved path,
    or the same file through a link: :func:`os.path.samefile`), a directory, or a path
    whose folder does not exist; and, unless ``force``, an existing file that is not an
    *exactmd output*.  A device or pipe (``/dev/null``, ``/dev/stdout``) is accepted and
    written in place.
:func:`write_text_atomic` / :func:`atomic_path`
    write to a temporary file in the destination's folder, flush and ``fsync`` it, then
    :func:`os.replace` it onto the destination: a reader (or an interrupted run) sees
    either the old file or the new one, never a truncated mix.

An existing file is an *exactmd output* (and may be replaced without ``--force``) when

* it is a JSON object whose first key is ``"format"`` with a value starting with
  ``"exactmd-"`` (every certificate and report exactmd writes begins so);
* it is a table exactmd writes (``exactmd table``, ``exactmd sweep``): CSV or Markdown
  beginning with the header line of one of its tables (:func:`exactmd.tables.registered_specs`),
  or with a header line a registered pattern matches (a sweep's:
  :func:`exactmd.tables.register_header`); LaTeX beginning with the comment
  ``% exactmd table:`` every exactmd table starts with; or a JSON list whose first row
  starts with the first column of one of its tables (``"claim"``, ``"K"``, ``"point"``);
  the tables of earlier versions (Markdown headed by the keys, LaTeX with ``\\hline``) too;
* it is a proof ``exactmd explain`` wrote: text, Markdown or LaTeX whose first line
  starts ``exactmd proof:``, ``<!-- exactmd proof:`` or ``% exactmd proof:``;
* it is a picture exactmd drew (``.png``, ``.pdf``, ``.svg``) carrying exactmd's
  creator tag, which :data:`IMAGE_METADATA` puts in every picture.

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> out = os.path.join(d, "cert.json")
>>> check_output_path(out, [os.path.join(d, "env.toml")]).name
'cert.json'
>>> write_text_atomic(out, '{"format": "exactmd-lp-certificate/1"}\\n')
>>> is_exactmd_output(out)
True
>>> check_output_path(out, [out])
Traceback (most recent call last):
...
exactmd.errors.ExactMDError: -o ... is an input of this command; choose another output file
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import ExactMDError
from .table import Table
from .tables import header_patterns, registered_columns, registered_specs

__all__ = ["check_output_path", "write_text_atomic", "atomic_path", "is_exactmd_output", "IMAGE_METADATA",
           "IMAGE_EXTENSIONS"]

#: Picture formats exactmd writes, and the metadata (per format) that marks them as its own.
IMAGE_EXTENSIONS = (".png", ".pdf", ".svg")
IMAGE_METADATA = {".png": {"Software": "exactmd"}, ".pdf": {"Creator": "exactmd"}, ".svg": {"Creator": "exactmd"}}

_HEAD = 8192  # bytes read to recognise an exactmd output
_JSON_DOC = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"format"\s*:\s*"exactmd-')
_JSON_TABLE = re.compile(rb'\A\s*\[\s*(?:\]|\{\s*"([^"\\]{1,64})"\s*:)')


_LATEX_TABLE = b"% exactmd table: "
_PROOF_HEADS = (b"exactmd proof: ", b"<!-- exactmd proof: ", b"% exactmd proof: ")  # exactmd explain


def _table_headers() -> list[bytes]:
    heads = []
    for spec in registered_specs():
        for style in ("csv", "markdown"):
            heads.append((Table(spec, []).render(style).splitlines()[0] + "\n").encode("utf-8"))
        keys = [c.key for c in spec]  # the tables of exactmd 0.1 before Table: keys as headers, \hline
        heads.append(("| " + " | ".join(keys) + " |\n").encode("utf-8"))
        heads.append(("\\begin{tabular}{" + "l" * len(keys) + "}\n\\hline\n" + " & ".join(k.replace("_", r"\_") for k in keys)
                      + " \\\\\n").encode("utf-8"))
    return heads


def _pattern_header(head: bytes) -> bool:
    first, sep, _ = head.partition(b"\n")
    if not sep:
        return False
    line = first.decode("utf-8", "replace").rstrip("\r")
    return any(p.fullmatch(line) for p in header_patterns())


def is_exactmd_output(path: str | os.PathLike[str]) -> bool:
    """Whether the existing file ``path`` is one exactmd writes (the rule in the module docstring)."""
    p = Path(path)
    try:
        with open(p, "rb") as f:
            head = f.read(_HEAD)
    except OSError:
        return False
    if _JSON_DOC.match(head):
        return True
    table = _JSON_TABLE.match(head)
    if table and (table.group(1) is None or table.group(1).decode("utf-8", "replace") in {c[0] for c in registered_columns() if c}):
        return True
    if head.startswith(_PROOF_HEADS) or head.startswith(_LATEX_TABLE) or any(head.startswith(h) for h in _table_headers()) or _pattern_header(head):
        return True
    ext = p.suffix.lower()
    if ext in IMAGE_EXTENSIONS:
        tag = {".png": b"Software\x00exactmd", ".pdf": b"exactmd", ".svg": b"exactmd"}[ext]
        magic = {".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}[ext]
        if head.startswith(magic):
            if tag in head:
                return True
            try:  # a PDF keeps its /Creator near the end
                with open(p, "rb") as f:
                    f.seek(max(0, p.stat().st_size - 4 * _HEAD))
                    return tag in f.read()
            except OSError:
                return False
    return False


def _same(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def check_output_path(
    out: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str] | None] = (),
    *,
    force: bool = False,
    option: str = "-o",
) -> Path:
    """Refuse an output path that would lose data; return it as a :class:`Path`.

    Refused (with an :class:`~exactmd.errors.ExactMDError` naming the path): one of
    ``inputs`` (always, even with ``force``); a directory; a path in a folder that does
    not exist; an existing file that is not an exactmd output (:func:`is_exactmd_output`),
    unless ``force``.  Call it before any work, so that a refusal costs nothing.
    """
    p = Path(out)
    if str(out) == "":
        raise ExactMDError(f"{option} must name a file")
    for i in inputs:
        if i is not None and _same(p, Path(i)):
            raise ExactMDError(f"{option} {str(p)!r} is an input of this command; choose another output file")
    if p.is_dir():
        raise ExactMDError(f"{option} {str(p)!r} is a directory; give a file name")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ExactMDError(f"{option} {str(p)!r}: the folder {str(parent)!r} does not exist")
    if _special(p):  # /dev/null, /dev/stdout, a named pipe: written in place, nothing to lose
        return p
    if (p.exists() or p.is_symlink()) and not force and not is_exactmd_output(p):
        raise ExactMDError(
            f"{option} {str(p)!r} exists and is not an exactmd output; give --force to overwrite it"
        )
    return p


def _special(p: Path) -> bool:
    """An existing file that is not a regular file (a device, a pipe): never replaced."""
    try:
        return not stat.S_ISREG(os.stat(p).st_mode) and not stat.S_ISDIR(os.stat(p).st_mode)
    except OSError:
        return False


def _target(path: str | os.PathLike[str]) -> Path:
    """Where to write: through a symbolic link to the file it names (the link stays)."""
    p = Path(path)
    return Path(os.path.realpath(p)) if p.is_symlink() and not _special(p) else p


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path next to ``path`` (same suffix) to write to; on success it is
    fsynced and renamed onto ``path`` (:func:`os.replace`), on failure removed.

    For writers that want a file name (e.g. ``matplotlib``'s ``savefig``)."""
    p = _target(path)
    if _special(p):
        yield p
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=f".tmp{p.suffix}", dir=p.parent if str(p.parent) else ".")
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        _keep_mode(p, tmp)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(p.parent)


def write_text_atomic(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically: temporary file in the same folder, flush,
    ``fsync``, :func:`os.replace`.  An interruption leaves the old file (or none).
    Through a symbolic link the file it names is replaced; a device or pipe
    (``/dev/stdout``) is written in place."""
    p = _target(path)
    if _special(p):
        with open(p, "w", encoding=encoding, newline="") as f:
            f.write(text)
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent if str(p.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        _keep_mode(p, tmp)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(p.parent)


def _keep_mode(p: Path, tmp: str) -> None:
    """The new file gets the old file's permissions, or the usual ones (mkstemp makes 0600)."""
    try:
        mode = p.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


def _fsync_dir(d: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(d if str(d) else ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
