"""Neeman & Pavlov (2007), Renegotiation-proof mechanism design, as an exactmd plug-in."""
