"""Measurements: indicator data per organisation and period, windows, declarations, imports."""
