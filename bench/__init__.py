"""Benchmarks: each prints its figures (`python -m bench.<name>`); none is a test."""
