"""Plug-ins: the papers, and a user's own theory, register themselves through one door.

A plug-in is a module with a function that takes no argument and registers what the
plug-in brings — certificate formats (:func:`exactmd.certificates.register_format`),
claims (:func:`exactmd.claims.register`), … — through the same public functions for the
built-in papers and for a user's package.  :func:`load_plugins` imports and calls each
once, in a fixed order:

1. the built-in papers (:data:`BUILTIN`: ``exactmd.papers.vartiainen2014``, then
   ``exactmd.papers.neemanpavlov2007``);
2. the entry points of the group ``exactmd.plugins`` of every installed distribution,
   sorted by name (a package declares ``[project.entry-points."exactmd.plugins"]
   mypaper = "mypaper.exactmd_plugin:register"``).

The environment variable ``EXACTMD_PLUGINS`` replaces both lists: comma-separated
``module:function`` specs, or empty for the kernel alone.  A registry looks plug-ins up
on its first lookup; registering never loads anything.  The kernel names the papers
here only, as strings: it never imports them.

A user's file of claims, loaded on demand, is a *source* (:mod:`exactmd.sources`).
"""

from __future__ import annotations

import importlib
import os
import threading
from importlib import metadata

from .errors import PluginError

__all__ = ["GROUP", "BUILTIN", "ENV", "load_plugins", "loaded"]

GROUP = "exactmd.plugins"
BUILTIN: tuple[str, ...] = (
    "exactmd.papers.vartiainen2014.plugin:register",
    "exactmd.papers.neemanpavlov2007.plugin:register",
)
ENV = "EXACTMD_PLUGINS"

_LOADED: list[str] = []
_LOCK = threading.RLock()
_LOADING = False
_DONE = False


def _specs() -> list[str]:
    if ENV in os.environ:
        return [s.strip() for s in os.environ[ENV].split(",") if s.strip()]
    specs = list(BUILTIN)
    for ep in sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name):
        if ep.value not in specs:
            specs.append(ep.value)
    return specs


def _call(spec: str) -> None:
    module, _, function = spec.partition(":")
    if not module or not function:
        raise PluginError(f"plug-in {spec!r} must be written 'module:function'")
    try:
        obj = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError) as e:
        raise PluginError(f"plug-in {spec!r} cannot be loaded: {type(e).__name__}: {e}") from None
    obj()


def load_plugins() -> tuple[str, ...]:
    """Load every plug-in once (see the module text) and return the specs loaded.  A
    lookup made while plug-ins are loading sees what is registered so far."""
    global _LOADING, _DONE
    with _LOCK:
        if _DONE or _LOADING:
            return tuple(_LOADED)
        _LOADING = True
        try:
            for spec in _specs():
                if spec not in _LOADED:
                    _call(spec)
                    _LOADED.append(spec)
            _DONE = True
        finally:
            _LOADING = False
        return tuple(_LOADED)


def loaded() -> tuple[str, ...]:
    """The plug-ins loaded so far."""
    return tuple(_LOADED)

