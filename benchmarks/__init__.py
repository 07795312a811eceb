"""Benchmarks of the customer-pyramid pipeline: `python -m benchmarks.run` (see README.md)."""
