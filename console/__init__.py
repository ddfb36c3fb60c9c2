"""Conference production console."""
