"""Organisations: commissioner → provider → service line → ward."""
