"""Frameworks: versioned sets of indicators, their JSON format, checks and the built-in library."""
