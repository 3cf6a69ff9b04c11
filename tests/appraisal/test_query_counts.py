"""Pages managers open all day run a fixed number of queries, however many staff there are."""

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event


@contextmanager
def counting(engine):
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_people(tree, make_staff, make_appraisal, n: int) -> None:
    boss = make_staff(tree.line_a, "medical")
    for i in range(n):
        unit = tree.ward_a if i % 2 else tree.ward_a2
        person = make_staff(
            unit, leadership_aspiration=True, leadership_readiness="ready_now", line_manager=boss
        )
        make_appraisal(person, boss, status="completed", meeting_date=date.today())


@pytest.mark.parametrize("url", ["/appraisal/", "/appraisal/rates", "/appraisal/leadership"])
def test_the_query_count_does_not_grow_with_the_staff(
    db, client, tree, login_as, make_staff, make_appraisal, url
):
    login_as("clinical_director", [tree.line_a])
    client.get(url)  # warm up: the first request after sign-in loads a little more
    counts = []
    for n in (2, 10):
        add_people(tree, make_staff, make_appraisal, n)
        with counting(db.engine) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
