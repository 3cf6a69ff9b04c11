"""The local health economy view: one ICB across its providers."""
