"""Claims of a theorist's own, for `exactmd check` and `exactmd reproduce --claims`
(docs/your-own-theorem.md walks through this file).

1. ``textbook/posted-price`` (Riley and Zeckhauser 1983; Myerson 1981 with one buyer): a
   seller facing one buyer with private values on a finite grid cannot do better than the
   best posted price — the revenue of the optimal IC, interim-IR mechanism equals
   max_p p · P(v ≥ p).  True; exactmd decides it on random instances, each with the LP's
   optimality certificate, and on the instance below.
2. ``textbook/full-extraction``: "the seller can extract the buyer's whole expected
   value".  False as soon as the buyer has two types of positive value; `exactmd check`
   finds a counterexample, shrinks it and certifies it (the optimal revenue, proved by
   its dual, is below the expected value).
"""

from exactmd import Environment, optimal_mechanism
from exactmd.claims import Claim, Domain, Reading, Verdict, register
from exactmd.rational import fmt

ONE_BUYER = Domain(
    paper="one buyer, private values on a finite grid, any prior",
    decided="the instance",
    contains=True,
    meaning="the instance is one of the environments the statement quantifies over",
)


def seller(values, prior="uniform"):
    """One buyer with the given values; allocations 'keep' and 'sell'; the seller's value is revenue."""
    return Environment.quasilinear([values], prior, ["keep", "sell"],
                                   lambda i, a, th: th[0] if a == "sell" else 0, agents=["buyer"], name="one buyer")


def _revenue(env):
    return optimal_mechanism(env, ["IC", "interim-IR"], "revenue")


def best_posted_price(env):
    """max over prices p among the buyer's values of p · P(v ≥ p), by enumeration (an
    independent computation: no LP)."""
    p = env.prior.marginal(0)
    return max(t * sum(p[s] for s in env.types[0] if s >= t) for t in env.types[0])


def decide_posted_price(env):
    r = _revenue(env)
    best = best_posted_price(env)
    ok = r.value == best
    return Verdict("textbook/posted-price", "confirmed" if ok else "refuted",
                   f"optimal revenue {fmt(r.value)}, best posted price revenue {fmt(best)}",
                   f"values {', '.join(fmt(t) for t in env.types[0])}", (("revenue", r.certificate),))


def decide_full_extraction(env):
    r = _revenue(env)
    surplus = env.prior.expectation(lambda th: max(th[0], 0))
    ok = r.value == surplus
    return Verdict("textbook/full-extraction", "confirmed" if ok else "refuted",
                   f"optimal revenue {fmt(r.value)}, expected value {fmt(surplus)}",
                   f"values {', '.join(fmt(t) for t in env.types[0])}", (("revenue", r.certificate),))


def one_buyer():
    """Random one-buyer environments: 1 to 4 distinct values in 0..6 and a full-support prior."""
    from hypothesis import strategies as st

    from exactmd.strategies import distributions

    @st.composite
    def draw(d):
        values = sorted(d(st.sets(st.integers(0, 6), min_size=1, max_size=4)))
        return seller(values, {(v,): w for v, w in zip(values, d(distributions(len(values), full_support=True)))})

    return draw()


register(Claim(
    id="textbook/posted-price",
    statement="With one buyer, the optimal IC, interim-IR mechanism's revenue is the best posted price's.",
    where="Riley and Zeckhauser (1983)",
    decide=decide_posted_price, strategy=one_buyer,
    paper_instances=lambda: [("values-1-2-3", seller([1, 2, 3]))],
    readings=(Reading("revenue=posted-price", "The LP optimum over direct mechanisms equals max_p p·P(v ≥ p).",
                      "the optimal mechanism is a posted price"),),
    domains=(ONE_BUYER,),
    checks="LP optimum (certified) against enumeration of posted prices",
))
register(Claim(
    id="textbook/full-extraction",
    statement="With one buyer, the seller extracts the buyer's expected value.",
    where="a false conjecture",
    decide=decide_full_extraction, strategy=one_buyer,
    paper_instances=lambda: [("values-1-2-3", seller([1, 2, 3]))],
    domains=(ONE_BUYER,),
    checks="LP optimum (certified) against the expected value",
))
