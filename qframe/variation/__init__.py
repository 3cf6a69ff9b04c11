"""Variation: reference populations (benchmarks), intervals, funnels for rates and ratios."""
