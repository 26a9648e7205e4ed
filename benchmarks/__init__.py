"""The benchmark suite of issue 7: `python -m benchmarks --scale 1` (BENCHMARKS.md)."""
