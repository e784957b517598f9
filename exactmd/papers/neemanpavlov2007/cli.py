"""Neeman & Pavlov (2007) on the command line: ``exactmd renegotiation`` (§3) and
``exactmd table neeman-pavlov`` (every claim's verdict per paper instance).  Registered by
:mod:`.plugin` through :func:`exactmd.commands.register_command`."""

from __future__ import annotations

import argparse

from exactmd.commands import add_output_options, echo, emit, output_path, progress, write_text
from exactmd.environment import load_environment
from exactmd.rational import fmt
from exactmd.tables import CLAIM_COLUMNS, CLAIM_SPEC, add_table_options, claim_rows, render, table_options

from .complete_information import renegotiation_proof_mechanism, rp_shape

__all__ = ["COMMANDS", "NEEMAN_PAVLOV_COLUMNS", "neeman_pavlov_rows"]

#: the columns of ``exactmd table neeman-pavlov``: a claim table (exactmd.tables)
NEEMAN_PAVLOV_COLUMNS = CLAIM_COLUMNS


def neeman_pavlov_rows(**kw: object) -> list[dict[str, object]]:
    """The rows of ``exactmd table neeman-pavlov``: :func:`exactmd.tables.claim_rows` of this paper."""
    return claim_rows("neemanpavlov2007", **kw)  # type: ignore[arg-type]


def _renegotiation_arguments(rn: argparse.ArgumentParser) -> None:
    rn.add_argument("env", help="a quasi-linear environment file (.toml)")
    rn.add_argument("--budget", default="balanced", choices=["balanced", "feasible"], help="Σ t = 0 (default) or Σ t ≤ 0")
    rn.add_argument("--shape", action="store_true", help="also: forced variables and rows binding throughout (many LPs)")
    add_output_options(rn, "write the certificate here")


def _cmd_renegotiation(args: argparse.Namespace) -> int:
    out = output_path(args, args.env)
    env = load_environment(args.env)
    res = renegotiation_proof_mechanism(env, args.budget)
    res.verify()
    if res.status == "infeasible":
        echo(f"No ex post renegotiation-proof mechanism ({args.budget} budget) exists in {env.name or args.env}: "
             f"Farkas certificate (exactmd explain shows the sum of rows).")
    else:
        echo(f"An ex post renegotiation-proof mechanism ({args.budget} budget) exists in {env.name or args.env}; a witness:")
        # the feasibility LP (no objective) is optimal when not infeasible, so it has a witness
        assert res.mechanism is not None
        for rep, body in res.mechanism.to_dict().items():
            echo(f"  reports {rep}: {body['lottery']}, transfers {body['transfers']}")
        if args.shape:
            sh = rp_shape(env, args.budget)
            echo("forced variables (equal in every renegotiation-proof mechanism):")
            for v, q in sh.forced.items():
                echo(f"  {v} = {fmt(q)}")
            echo("rows that bind in every renegotiation-proof mechanism:")
            for r in sh.binding:
                echo(f"  {r}")
    if out:
        write_text(out, res.to_json() + "\n")
        progress(f"certificate written to {args.output} (check it with: exactmd verify {args.output})")
    return 0


def _table_arguments(tbn: argparse.ArgumentParser) -> None:
    add_table_options(tbn)
    add_output_options(tbn)


def _cmd_table(args: argparse.Namespace) -> int:
    out = output_path(args)
    caption = "Neeman and Pavlov (2007): each claim's verdict on each of the paper's instances"
    return emit(render(neeman_pavlov_rows(log=progress), args.format, CLAIM_SPEC, **table_options(args, caption=caption)), out)


#: (path, help, arguments, run)
COMMANDS = (
    (("table", "neeman-pavlov"), "Neeman–Pavlov's examples and propositions: verdict per paper instance", _table_arguments, _cmd_table),
    (("renegotiation",), "ex post renegotiation-proof mechanism under complete information (Neeman–Pavlov §3)",
     _renegotiation_arguments, _cmd_renegotiation),
)
