"""Brains: the one protocol (probe, vote, debrief) and its implementations."""
