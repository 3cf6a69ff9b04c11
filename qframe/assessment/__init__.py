"""Baseline assessment: each organisation's structured, honest self-assessment of quality."""
