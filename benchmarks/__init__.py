"""Benchmarks that print figures; BENCHMARKS.md records them."""
