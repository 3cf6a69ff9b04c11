"""Devolved budgets: service-line and ward budget holders, ledger actuals, virements."""
