"""Benchmarks: ``make bench``. They print ratios against a baseline measured in the same run."""
