"""Every file in examples/ loads, with facts checked by hand."""

from pathlib import Path

from flint import fmpq

from exactmd.environment import load_environment

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_every_example_loads():
    files = sorted(EXAMPLES.glob("*.toml"))
    assert len(files) >= 5
    for f in files:
        env = load_environment(f)
        assert sum(env.prior.values()) == 1


def test_bilateral_trade_K2():
    env = load_environment(EXAMPLES / "bilateral-trade-K2.toml")
    assert env.kind == "quasilinear" and len(env.profiles()) == 9
    th = env.resolve_profile("1,1/2")
    assert env.valuation(0, env.resolve_outcome("1"), th) == 1
    assert env.valuation(1, env.resolve_outcome("1"), th) == fmpq(-1, 2)
    assert env.value(env.resolve_outcome("1"), th) == fmpq(1, 2)  # surplus 1 - 1/2


def test_neeman_pavlov_example_1():
    env = load_environment(EXAMPLES / "neeman-pavlov-example-1.toml")
    assert len(env.profiles()) == 2 and env.kind == "finite"
    th = env.resolve_profile("5,2")
    assert env.utility(0, "trade at 4", th) == 1 and env.utility(1, "trade at 4", th) == 2
    assert env.prior[th] == fmpq(1, 2)


def test_public_good_correlated_prior():
    env = load_environment(EXAMPLES / "public-good-3-agents.toml")
    assert len(env.profiles()) == 8
    # p(1 | agent 1 has value 1) of agent 2 having value 1: (1/4 + 1/12) / (1/4 + 3/12) = 2/3
    cond = env.prior.conditional(0, "1")
    assert sum(v for th, v in cond.items() if th[1] == 1) == fmpq(2, 3)


def test_interdependent_values():
    env = load_environment(EXAMPLES / "interdependent-2x2.toml")
    assert env.utility(0, "risky", ("low", "high")) == fmpq(1, 2)
    assert env.utility(1, "risky", ("high", "low")) == 1
