"""Template filters and globals: money, percentages and numbers formatted for people."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask, current_app
from flask_login import current_user

from qframe.auth.permissions import can
from qframe.web.nav import items_for


def money(pence: int | None, whole: bool = False) -> str:
    """Integer pence as £1,234.56 (or £1,235 with whole=True); negatives as −£12.00."""
    if pence is None:
        return "—"
    pounds = Decimal(pence) / 100
    if whole:
        pounds = pounds.quantize(Decimal(1), ROUND_HALF_UP)
    text = f"£{abs(pounds):,.0f}" if whole else f"£{abs(pounds):,.2f}"
    return f"−{text}" if pence < 0 else text


QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}  # 0 → 1, 1 → 0.1, …


def percent(value: float | Decimal | None, places: int = 1) -> str:
    if value is None:
        return "—"
    quantum = QUANTA.get(places) or Decimal(1).scaleb(-places)
    return f"{Decimal(str(value)).quantize(quantum, ROUND_HALF_UP)}%"


def number(value: float | int | Decimal | None, places: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{places}f}"


def nice_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%-d %b %Y %H:%M")
    return value.strftime("%-d %b %Y")


def init_templating(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, percent=percent, number=number, nice_date=nice_date)

    @app.context_processor
    def _globals() -> dict[str, object]:
        nav = []
        if current_user.is_authenticated:
            nav = [
                i for i in items_for(current_user.role) if i.endpoint in current_app.view_functions
            ]
        return {"nav_items": nav, "can": can}
