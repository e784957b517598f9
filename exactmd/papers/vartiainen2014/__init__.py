"""Vartiainen (2014), Mechanism design without commitment, as an exactmd plug-in."""
