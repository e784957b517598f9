"""exactmd.sweep: the same ordered exact results serially, on threads, on local
processes and on a Dask cluster; argument errors; progress output."""

import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import pytest

distributed = pytest.importorskip("distributed", reason="the distributed extra is not installed: pip install -e '.[distributed]'")

import _sweep_jobs as jobs
from exactmd.errors import ExactMDError
from exactmd.sweep import describe, run

ITEMS = list(range(20))
SQUARES = [Fraction(k, 7) ** 2 for k in ITEMS]
CUBES = [str(Fraction(k, 3) ** 3) for k in ITEMS]


@pytest.fixture(scope="module")
def cluster():
    """A two-process local Dask cluster shared by the Dask tests of this module."""
    # silence_logs: no "Compute Failed" log lines from the workers for the failing job
    with distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,
    ) as local:
        yield local


# ------------------------------------------------------------------ same results everywhere


def test_serial():
    assert run(jobs.square_frac, ITEMS) == SQUARES
    assert run(jobs.flint_cube, ITEMS, workers=1) == CUBES
    assert run(jobs.square_frac, []) == []


def test_thread_pool():
    with ThreadPoolExecutor(max_workers=3) as pool:
        assert run(jobs.square_frac, ITEMS, executor=pool) == SQUARES
        assert run(jobs.flint_cube, ITEMS, executor=pool) == CUBES
        assert describe(executor=pool) == "executor ThreadPoolExecutor"


def test_process_pool():
    assert run(jobs.square_frac, ITEMS, workers=2) == SQUARES
    assert run(jobs.flint_cube, ITEMS, workers=2) == CUBES
    # the jobs did leave this process (so the job functions were importable there)
    assert os.getpid() not in run(jobs.pid, ITEMS, workers=2)


def test_dask_client_as_executor(cluster):
    with distributed.Client(cluster) as client:
        assert run(jobs.square_frac, ITEMS, executor=client) == SQUARES
        assert run(jobs.flint_cube, ITEMS, executor=client) == CUBES
        assert os.getpid() not in run(jobs.pid, ITEMS, executor=client)
        # equal items are still separate jobs (pure=False), each with its result
        assert run(jobs.square_frac, [3, 3, 3], executor=client) == [Fraction(9, 49)] * 3
        assert describe(executor=client).startswith("Dask client of scheduler tcp://")


def test_dask_scheduler_address(cluster):
    address = cluster.scheduler_address
    assert run(jobs.square_frac, ITEMS, scheduler=address) == SQUARES
    assert run(jobs.flint_cube, ITEMS, scheduler=address, chunksize=6) == CUBES
    assert describe(scheduler=address) == f"Dask scheduler {address}"


def test_chunksize():
    assert run(jobs.square_frac, ITEMS, chunksize=3) == SQUARES
    assert run(jobs.square_frac, ITEMS, workers=2, chunksize=3) == SQUARES
    with ThreadPoolExecutor(max_workers=2) as pool:
        assert run(jobs.flint_cube, ITEMS, executor=pool, chunksize=3) == CUBES
        assert run(jobs.flint_cube, ITEMS, executor=pool, chunksize=100) == CUBES


def test_describe():
    assert describe() == "serial"
    assert describe(workers=1) == "serial"
    assert describe(workers=2) == "2 local processes"


# ------------------------------------------------------------------ errors


def test_job_error_is_reraised_serially():
    with pytest.raises(ValueError, match="job 5 failed"):
        run(jobs.fail_on_five, ITEMS)


def test_job_error_is_reraised_from_processes():
    with pytest.raises(ValueError, match="job 5 failed"):
        run(jobs.fail_on_five, ITEMS, workers=2)
    with pytest.raises(ValueError, match="job 5 failed"):
        run(jobs.fail_on_five, ITEMS, workers=2, chunksize=4)


def test_job_error_is_reraised_from_dask(cluster):
    with pytest.raises(ValueError, match="job 5 failed"):
        run(jobs.fail_on_five, ITEMS, scheduler=cluster.scheduler_address)
    with distributed.Client(cluster) as client:
        with pytest.raises(ValueError, match="job 5 failed"):
            run(jobs.fail_on_five, ITEMS, executor=client, chunksize=4)
        # the client is still usable afterwards
        assert run(jobs.square_frac, ITEMS, executor=client) == SQUARES


def test_job_error_is_reraised_from_threads():
    with ThreadPoolExecutor(max_workers=2) as pool, pytest.raises(ValueError, match="job 5 failed"):
        run(jobs.fail_on_five, ITEMS, executor=pool)


@pytest.mark.parametrize("workers", [0, -1, "2", 2.0, True])
def test_bad_workers(workers):
    with pytest.raises(ExactMDError, match="workers=.* must be a positive integer"):
        run(abs, [1], workers=workers)


@pytest.mark.parametrize("chunksize", [0, "3"])
def test_bad_chunksize(chunksize):
    with pytest.raises(ExactMDError, match="chunksize=.* must be a positive integer"):
        run(abs, [1], chunksize=chunksize)


def test_conflicting_arguments():
    with ThreadPoolExecutor(max_workers=1) as pool:
        with pytest.raises(ExactMDError, match="executor=.*scheduler="):
            run(abs, [1], executor=pool, scheduler="tcp://127.0.0.1:8786")
        with pytest.raises(ExactMDError, match="executor=.*workers="):
            run(abs, [1], executor=pool, workers=2)
    with pytest.raises(ExactMDError, match="scheduler=.*workers="):
        run(abs, [1], scheduler="tcp://127.0.0.1:8786", workers=2)
    with pytest.raises(ExactMDError, match="scheduler=.*workers="):
        describe(scheduler="tcp://127.0.0.1:8786", workers=2)


def test_missing_distributed(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ExactMDError, match=r"exactmd\[distributed\]"):
        run(abs, [1], scheduler="tcp://127.0.0.1:8786", progress=False)


# ------------------------------------------------------------------ progress


def test_progress_bar(capsys):
    assert run(jobs.square_frac, ITEMS, progress=True, desc="covering") == SQUARES
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "covering" in captured.err and "20" in captured.err


def test_progress_bar_of_a_pool(capsys):
    with ThreadPoolExecutor(max_workers=2) as pool:
        run(jobs.square_frac, ITEMS, executor=pool, progress=True, desc="beliefs", chunksize=3)
    err = capsys.readouterr().err
    assert "beliefs" in err and "20/20" in err


def test_no_progress_bar(capsys):
    assert run(jobs.square_frac, ITEMS, progress=False, desc="covering") == SQUARES
    with ThreadPoolExecutor(max_workers=2) as pool:
        run(jobs.square_frac, ITEMS, executor=pool, progress=False)
    assert capsys.readouterr() == ("", "")


def test_default_progress_is_silent_off_a_terminal(capsys):
    # capsys replaces stderr by a stream that is not a terminal
    run(jobs.square_frac, ITEMS, desc="covering")
    assert capsys.readouterr() == ("", "")


def test_fallback_progress_bar_without_tqdm(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    assert run(jobs.square_frac, ITEMS, progress=True, desc="covering") == SQUARES
    err = capsys.readouterr().err
    assert "\rcovering: 20/20" in err
    assert err.startswith("\rcovering: 0/20") and err.endswith("\n")
