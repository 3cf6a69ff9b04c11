"""The escalation ladder (domain.md §8): levels per provider and period, notes and support."""
