"""Run many independent exact computations, serially or in parallel.

Many questions exactmd answers split into independent jobs: deciding one question
per belief (for instance whether a mechanism covers every belief of a grid), or
solving one LP per parameter value.  :func:`run` applies a function to every item of
a sequence and returns the results *in the order of the items*, whatever runs the
jobs: the current process (the default), a pool of local processes, any
:class:`concurrent.futures.Executor`, or a Dask cluster.  The jobs are pure and the
arithmetic is exact, so the results do not depend on where they were computed.

>>> run(abs, [-1, 2, -3])
[1, 2, 3]
>>> run(abs, [-1, 2, -3], chunksize=2)
[1, 2, 3]
>>> describe(workers=4)
'4 local processes'

The function and the items must be picklable when the jobs leave the process: use a
function defined at the top level of an importable module.  Local process pools are
started with the ``forkserver`` method (``spawn`` where that is unavailable), never
with a plain ``fork``, which is unsafe with threads and with python-flint objects.
A Dask scheduler needs the optional ``distributed`` package
(``pip install "exactmd[distributed]"``).

A progress bar (``tqdm`` when it is installed, else a one-line counter) is written
to standard error; by default only when standard error is a terminal.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import contextlib
import multiprocessing
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from .errors import ExactMDError
from .progress import Reporter, active, wanted

__all__ = ["run", "describe", "LostJobsError", "MAX_WORKERS"]

#: The most local worker processes one run starts.
MAX_WORKERS = 256

T = TypeVar("T")
R = TypeVar("R")


class _Submitter(Protocol):
    """What :func:`run` needs of an executor: ``submit(fn, *args)`` returning a future."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any: ...


# --------------------------------------------------------------------------------------
# argument checking and description


def _check_positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ExactMDError(f"{name}={value!r} must be a positive integer")
    return value


# [scheme://]host:port, the host a name, an IPv4 address or a bracketed IPv6 address
_ADDRESS = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}")


def _check_arguments(executor: object, workers: object, scheduler: object) -> None:
    if executor is not None and scheduler is not None:
        raise ExactMDError("give either executor= or scheduler=, not both")
    if scheduler is not None and workers is not None:
        raise ExactMDError(
            "give either scheduler= or workers=, not both "
            "(the number of Dask workers is set on the cluster)"
        )
    if executor is not None and workers is not None:
        raise ExactMDError(
            "give either executor= or workers=, not both (the executor has its own workers)"
        )
    if workers is not None:
        if _check_positive("workers", workers) > MAX_WORKERS:
            raise ExactMDError(f"workers={workers} is over the limit of {MAX_WORKERS} local processes")
    if scheduler is not None and (
        not isinstance(scheduler, str) or not _ADDRESS.fullmatch(scheduler) or not 0 < int(scheduler.rsplit(":", 1)[1]) < 65536
    ):
        raise ExactMDError(f"scheduler={scheduler!r} must be an address such as 'tcp://127.0.0.1:8786'")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise ExactMDError(f"executor={executor!r} has no submit() method")


def _is_dask(obj: object) -> bool:
    """True for Dask clients and futures, detected without importing ``distributed``."""
    return type(obj).__module__.split(".", 1)[0] == "distributed"


def describe(
    executor: _Submitter | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> str:
    """A short human description of where :func:`run` would run the jobs, for reports.

    >>> describe()
    'serial'
    >>> describe(workers=2)
    '2 local processes'
    >>> describe(scheduler="tcp://127.0.0.1:8786")
    'Dask scheduler tcp://127.0.0.1:8786'
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> with ThreadPoolExecutor(2) as pool:
    ...     describe(executor=pool)
    'executor ThreadPoolExecutor'
    """
    _check_arguments(executor, workers, scheduler)
    if executor is not None:
        if _is_dask(executor):
            address = getattr(getattr(executor, "scheduler", None), "address", None)
            if isinstance(address, str):
                return f"Dask client of scheduler {address}"
        return f"executor {type(executor).__name__}"
    if scheduler is not None:
        return f"Dask scheduler {scheduler}"
    if workers is None or workers == 1:
        return "serial"
    return f"{workers} local processes"


# --------------------------------------------------------------------------------------
# progress


class _Counter:
    """The fallback progress bar: ``desc: done/total`` on one line of standard error."""

    _MIN_INTERVAL = 0.1  # float-ok: seconds between redraws (wall clock only)

    def __init__(self, total: int, desc: str) -> None:
        self.total = total
        self.desc = desc
        self.done = 0
        self._last = 0.0  # float-ok: wall clock
        self._draw()

    def _draw(self) -> None:
        sys.stderr.write(f"\r{self.desc}: {self.done}/{self.total}")
        sys.stderr.flush()
        self._last = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.done >= self.total or time.monotonic() - self._last >= self._MIN_INTERVAL:
            self._draw()

    def close(self) -> None:
        self._draw()
        sys.stderr.write("\n")
        sys.stderr.flush()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class _Task:
    """The bar as a task of the command's status line (:mod:`exactmd.progress`)."""

    def __init__(self, reporter: Reporter, total: int, desc: str) -> None:
        self.reporter, self.total, self.desc, self.done = reporter, total, desc, 0
        reporter.update(desc, 0, total)

    def update(self, n: int = 1) -> None:
        self.done += n
        self.reporter.update(self.desc, self.done, self.total, force=self.done >= self.total)

    def close(self) -> None:
        self.reporter.finish(self.desc)


def _progress_bar(progress: bool | None, total: int, desc: str) -> Any:
    if not wanted(progress):  # None: the command's --progress/--no-progress, else whether stderr is a terminal
        return _NoBar()
    reporter = active()
    if reporter is not None:  # a command's status line is shown: the bar joins it
        return _Task(reporter, total, desc)
    try:
        from tqdm import tqdm
    except ImportError:
        return _Counter(total, desc)
    return tqdm(total=total, desc=desc, unit="job", file=sys.stderr)


# --------------------------------------------------------------------------------------
# running


def _apply_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    """One job of a chunked run: ``fn`` applied to every item of ``chunk``, in order."""
    return [fn(item) for item in chunk]


def _process_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context(method)
    )


def _submit_all(executor: _Submitter, fn: Callable[..., Any], jobs: list[tuple[Any, ...]]) -> list[Any]:
    if _is_dask(executor):
        # pure=False: every job gets its own key, even two equal (fn, item) pairs.
        return [executor.submit(fn, *args, pure=False) for args in jobs]
    return [executor.submit(fn, *args) for args in jobs]


def _as_completed(futures: list[Any]) -> Iterable[Any]:
    if all(isinstance(f, concurrent.futures.Future) for f in futures):
        return concurrent.futures.as_completed(futures)
    if futures and _is_dask(futures[0]):
        import distributed

        return distributed.as_completed(futures)
    return futures  # an unknown kind of future: collect in submission order


def _cancel(futures: list[Any]) -> None:
    for future in futures:
        # best effort: the job's own error is the one to report
        with contextlib.suppress(Exception):
            future.cancel()


class _LostWorker(Exception):
    """A local worker process died (``BrokenProcessPool``); ``results`` holds the jobs that
    finished (``_MISSING`` for the others)."""

    def __init__(self, results: list[Any], cause: BaseException) -> None:
        super().__init__(str(cause))
        self.results = results
        self.cause = cause


_MISSING: Any = object()

#: How many times the jobs of a local pool whose worker died are re-run in a fresh pool.
MAX_POOL_RETRIES = 2


def _run_on(
    executor: _Submitter,
    fn: Callable[..., Any],
    jobs: list[tuple[Any, ...]],
    sizes: list[int],
    bar: Any,
) -> list[Any]:
    futures = _submit_all(executor, fn, jobs)
    index = {id(future): i for i, future in enumerate(futures)}
    results: list[Any] = [_MISSING] * len(futures)
    try:
        for future in _as_completed(futures):
            i = index[id(future)]
            results[i] = future.result()
            bar.update(sizes[i])
    except concurrent.futures.process.BrokenProcessPool as exc:
        for i, future in enumerate(futures):  # keep what finished before the pool broke
            if results[i] is _MISSING and future.done() and not future.cancelled() and future.exception() is None:
                results[i] = future.result()
                bar.update(sizes[i])
        raise _LostWorker(results, exc) from exc
    except BaseException:
        _cancel(futures)
        raise
    return results


def _run_local(
    workers: int, fn: Callable[..., Any], jobs: list[tuple[Any, ...]], sizes: list[int], bar: Any
) -> list[Any]:
    """The jobs on a local process pool; the jobs of a pool whose worker process died
    (killed, out of memory) are re-run in a fresh pool, at most ``MAX_POOL_RETRIES``
    times, then the run fails naming the jobs still missing."""
    results: list[Any] = [_MISSING] * len(jobs)
    todo = list(range(len(jobs)))
    for attempt in range(MAX_POOL_RETRIES + 1):
        pool = _process_pool(workers)
        try:
            out = _run_on(pool, fn, [jobs[i] for i in todo], [sizes[i] for i in todo], bar)
        except _LostWorker as lost:
            out = lost.results
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        for i, r in zip(todo, out):
            results[i] = r
        todo = [i for i in todo if results[i] is _MISSING]
        if not todo:
            return results
    done = len(jobs) - len(todo)
    shown = ", ".join(str(i) for i in todo[:10]) + (", …" if len(todo) > 10 else "")
    raise LostJobsError(
        f"a local worker process died in each of {MAX_POOL_RETRIES + 1} pools; {done} of {len(jobs)} jobs "
        f"finished, {len(todo)} missing (job numbers {shown})",
        results=[None if r is _MISSING else r for r in results],
        missing=todo,
    )


class LostJobsError(ExactMDError, RuntimeError):
    """Jobs of a local run lost to dying worker processes, after the retries.

    ``results`` is the partial list (``None`` where missing); ``missing`` the job numbers
    (positions in the items, or in the chunks when ``chunksize`` is given)."""

    def __init__(self, message: str, *, results: list[Any], missing: list[int]) -> None:
        super().__init__(message)
        self.results = results
        self.missing = missing


def run(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    executor: _Submitter | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
    desc: str = "jobs",
    chunksize: int | None = None,
) -> list[R]:
    """``[fn(item) for item in items]``, computed by independent jobs.

    The results are in the order of ``items``, whatever runs the jobs:

    * ``executor``: any object with ``submit(fn, *args)`` returning a future with
      ``result()`` -- a :class:`concurrent.futures.ProcessPoolExecutor` or
      ``ThreadPoolExecutor``, or a ``distributed.Client``.  It is not shut down.
    * ``scheduler``: the address of a Dask scheduler (``"tcp://host:8786"``); a client
      is connected for the run and closed afterwards.  Needs ``distributed``.
    * ``workers``: ``None`` or ``1`` runs the jobs one after the other in this process;
      ``K > 1`` runs them on ``K`` local processes (started with ``forkserver``, or
      ``spawn`` where that is unavailable), shut down afterwards.

    ``fn`` (and the items) must be picklable when the jobs leave the process: a
    function defined at the top level of an importable module.  A script that starts
    local processes must do so under ``if __name__ == "__main__":``, since the worker
    processes import the main module.  If a job raises, the jobs not yet started are
    cancelled (best effort) and the exception is re-raised.  If a local worker process
    dies (killed, out of memory), the jobs that did not finish are re-run in a fresh
    pool, at most ``MAX_POOL_RETRIES`` (2) times; then :class:`LostJobsError` says
    which jobs are missing and carries the partial results.

    ``progress``: ``True`` shows a progress bar on standard error, ``False`` does not,
    ``None`` (the default) shows one when standard error is a terminal.  ``desc``
    labels it.  ``chunksize``: group the items into jobs of that many items (fewer,
    larger jobs); by default every item is a job.
    """
    _check_arguments(executor, workers, scheduler)
    if chunksize is not None:
        _check_positive("chunksize", chunksize)
    items = list(items)
    if not items:
        return []

    bar = _progress_bar(progress, len(items), desc)
    try:
        if executor is None and scheduler is None and (workers is None or workers == 1):
            results: list[R] = []
            for item in items:
                results.append(fn(item))
                bar.update(1)
            return results

        if chunksize is None:
            job_fn: Callable[..., Any] = fn
            jobs: list[tuple[Any, ...]] = [(item,) for item in items]
            sizes = [1] * len(items)
        else:
            chunks = [items[i : i + chunksize] for i in range(0, len(items), chunksize)]
            job_fn = _apply_chunk
            jobs = [(fn, chunk) for chunk in chunks]
            sizes = [len(chunk) for chunk in chunks]

        if executor is not None:
            outputs = _run_on(executor, job_fn, jobs, sizes, bar)
        elif scheduler is not None:
            with _dask_client(scheduler) as client:
                outputs = _run_on(client, job_fn, jobs, sizes, bar)
        else:
            assert workers is not None
            outputs = _run_local(workers, job_fn, jobs, sizes, bar)
    finally:
        bar.close()

    if chunksize is None:
        return outputs
    return [result for chunk_results in outputs for result in chunk_results]


def _dask_client(scheduler: str) -> Any:
    try:
        import distributed
    except ImportError:
        raise ExactMDError(
            'a Dask scheduler needs the distributed extra: pip install "exactmd[distributed]"'
        ) from None
    try:
        return distributed.Client(scheduler)
    except OSError as exc:  # includes timeouts: no scheduler listening there
        raise ExactMDError(f"cannot connect to the Dask scheduler at {scheduler!r}: {exc}") from exc
    except (ValueError, TypeError) as exc:  # an address distributed cannot parse
        raise ExactMDError(f"scheduler {scheduler!r} is not a Dask address: {exc}") from exc
