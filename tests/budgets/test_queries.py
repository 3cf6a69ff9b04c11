"""The holder page runs a fixed number of SQL statements however many lines and months it has."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from qframe.budgets.calc import CATEGORIES


@contextmanager
def counting(engine):  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_holder_page_needs_the_same_few_queries_for_two_lines_or_eight(
    db, client, tree, make_budget, login_as
):
    small = make_budget(
        tree.ward_a,
        {"pay_nursing": 1_200_000_00, "nonpay_drugs": 120_000_00},
        {"pay_nursing": [1] * 2, "nonpay_drugs": [1] * 2},
    )
    large = make_budget(
        tree.ward_a2,
        dict.fromkeys(CATEGORIES, 1_200_000_00),
        {category: [1] * 12 for category in CATEGORIES},
    )
    login_as("clinical_director", [tree.line_a])
    counts = []
    for holder in (small, large):
        with counting(db.engine) as statements:
            assert client.get(f"/budgets/{holder.id}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert counts[1] <= 15
