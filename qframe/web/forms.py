"""Shared WTForms helpers for views that show a service's ValidationFailed problems."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm

from qframe.errors import Problem


def attach_problems(form: FlaskForm, problems: Iterable[Problem], fallback: str) -> None:
    """Show each problem beside the field named by its column (or beside `fallback` otherwise)."""
    for problem in problems:
        name = problem.column if problem.column in form else fallback
        form[name].errors = [*form[name].errors, problem.message]
