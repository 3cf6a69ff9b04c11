"""Governance visits: a three-yearly cycle per local health system, findings, recommendations."""
