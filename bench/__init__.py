"""Benchmarks that print figures (see BENCHMARKS.md)."""
