"""Benchmarks of qgate: run them with `bash benchmarks/run` (docs/performance.md)."""
