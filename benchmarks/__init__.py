"""Performance benchmarks (run `python benchmarks/bench.py`)."""
