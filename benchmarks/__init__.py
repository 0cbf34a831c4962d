"""Benchmarks of the suite: scripts that print their figures."""
