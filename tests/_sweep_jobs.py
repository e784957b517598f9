"""Job functions for tests/test_sweep.py.

They live in their own small module (not in the test module) so that the worker
processes of a process pool or of a Dask cluster can import them cheaply: pytest puts
``tests/`` on ``sys.path`` (there is no ``tests/__init__.py``), and spawned or
forkserver children inherit the parent's ``sys.path``.
"""

from fractions import Fraction


def square_frac(k: int) -> Fraction:
    return Fraction(k, 7) ** 2


def flint_cube(k: int) -> str:
    from flint import fmpq

    return str(fmpq(k, 3) ** 3)


def fail_on_five(k: int) -> int:
    if k == 5:
        raise ValueError(f"job {k} failed")
    return k


def pid(_k: int) -> int:
    import os

    return os.getpid()


def die_once(item: tuple[int, str]) -> int:
    """k², but the first run of k = 3 kills its own worker process (as an out-of-memory
    kill would); a marker file in the given folder records that it has died once."""
    import os
    from pathlib import Path

    k, folder = item
    marker = Path(folder) / f"died-{k}"
    if k == 3 and not marker.exists():
        marker.touch()
        os._exit(1)
    return k * k


def die_always(item: tuple[int, str]) -> int:
    """k², except that k = 3 kills its worker process every time."""
    import os

    k, _folder = item
    if k == 3:
        os._exit(1)
    return k * k
