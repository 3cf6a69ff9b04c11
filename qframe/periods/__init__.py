"""NHS financial-year periods: years (2025/26), quarters (2025/26 Q1) and months (2025-04)."""
