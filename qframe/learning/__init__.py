"""Shared learning: a good-practice library written by providers at or beyond the benchmark."""
