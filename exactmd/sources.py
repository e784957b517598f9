"""Claims sources: a user's file of claims, or a module, loaded on demand.

A *source* — a user's file (``mypaper_claims.py``) or an importable module — is what
``exactmd check SOURCE``, ``exactmd reproduce --claims SOURCE`` and ``exactmd verify
--claims SOURCE`` take.  :func:`load_source` loads the plug-ins first
(:mod:`exactmd.plugins`), then imports the source once; the source registers its
claims (and certificate formats, constraint families, commands) through the same
public functions the papers use — at import time, through a ``register_all()``
function if it defines one, or by a module-level list ``CLAIMS`` of
:class:`~exactmd.claims.Claim` objects.  :func:`source_claims` gives the ids of the
claims a source registered.  (An installed package registers its claims for good
through the entry-point group ``exactmd.plugins`` instead.)
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

from .claims import CLAIMS, Claim, register
from .errors import PluginError
from .plugins import load_plugins

__all__ = ["load_source", "is_source", "source_claims"]


_SOURCES: dict[str, tuple[ModuleType, tuple[str, ...]]] = {}


def is_source(text: str) -> bool:
    """Whether ``text`` names a claims source: a ``.py`` file, or a dotted module name
    that Python can find (a claim id, which holds a ``/``, never is)."""
    if text.endswith(".py"):
        return True
    if "/" in text or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", text):
        return False
    try:
        return importlib.util.find_spec(text) is not None
    except (ImportError, ValueError):
        return False


def load_source(source: str, *, role: str = "claims source") -> ModuleType:
    """Import a claims source once (see the module text) and return its module.

    ``source`` is a path to a ``.py`` file (imported as a module named after the file,
    its folder put on ``sys.path`` so that it can import its neighbours) or a module
    name.  If the module defines ``register_all()`` it is called; else each
    :class:`~exactmd.claims.Claim` in a module-level ``CLAIMS`` list that is not yet
    registered is.  The same door serves a module of constraint families
    (``exactmd design/verify --plugin``, ``role="--plugin"``): whatever the module
    registers — claims, families, formats — is registered once.  Any failure is one
    :class:`PluginError` line naming the source (``role`` says which option gave it)."""
    load_plugins()
    key = str(Path(source).resolve()) if source.endswith(".py") else source
    if key in _SOURCES:
        return _SOURCES[key][0]
    before = set(CLAIMS)
    try:
        if source.endswith(".py"):
            path = Path(source)
            if not path.is_file():
                raise PluginError(f"{role} {source!r} does not exist")
            name = re.sub(r"\W", "_", path.stem)
            if not name or name[0].isdigit():
                name = f"claims_{name}"
            if name in sys.modules and getattr(sys.modules[name], "__file__", None) != str(path.resolve()):
                name = f"exactmd_source_{name}"
            spec = importlib.util.spec_from_file_location(name, path.resolve())
            if spec is None or spec.loader is None:
                raise PluginError(f"{role} {source!r} cannot be imported")
            module = importlib.util.module_from_spec(spec)
            folder = str(path.resolve().parent)
            if folder not in sys.path:
                sys.path.insert(0, folder)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[name]
                raise
        else:
            module = importlib.import_module(source)
        hook = getattr(module, "register_all", None)
        if callable(hook):
            hook()
        else:
            listed = getattr(module, "CLAIMS", ())
            for c in listed if isinstance(listed, (list, tuple)) else ():
                if isinstance(c, Claim) and CLAIMS.get(c.id) is not c:
                    register(c)
    except PluginError:
        raise
    except SyntaxError as e:
        raise PluginError(f"{role} {source!r}: syntax error at line {e.lineno}: {e.msg}") from None
    except KeyboardInterrupt:
        raise
    except Exception as e:  # a user's module: whatever it raises is reported in one line
        raise PluginError(f"{role} {source!r} cannot be loaded: {type(e).__name__}: {e}") from None
    ids = sorted(set(CLAIMS) - before)
    if not ids:  # imported before (by EXACTMD_PLUGINS, say): the claims its functions decide
        ids = sorted(c for c in CLAIMS if getattr(CLAIMS[c].decide_raw, "__module__", None) == module.__name__)  # type: ignore[attr-defined]
    _SOURCES[key] = (module, tuple(ids))
    return module


def source_claims(source: str) -> tuple[str, ...]:
    """The ids of the claims a source registers (loading it first); a source that
    registers none is refused."""
    load_source(source)
    key = str(Path(source).resolve()) if source.endswith(".py") else source
    ids = _SOURCES[key][1]
    if not ids:
        raise PluginError(f"claims source {source!r} registers no claims (call exactmd.claims.register, "
                          "define register_all(), or list them in CLAIMS)")
    return ids
