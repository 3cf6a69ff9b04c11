"""The live annual report says in plain words how the development plan is going."""

from __future__ import annotations

from datetime import date

from qframe.devplans.services import import_plan

# One milestone signed off would need a named person; here: one due long ago (missed/overdue,
# nothing recorded) and one due far ahead (not yet due): "0 of 2 milestones done, 1 overdue or
# missed."
CSV = (
    "action,owner,milestone,due_on\n"
    "Audit,Head of nursing,Train ward sisters,2025-05-01\n"
    "Audit,Head of nursing,Re-audit falls,2099-03-01\n"
)


def test_the_report_gives_development_plan_progress_in_words(
    db, tree, framework, build, client, login_as
) -> None:
    build.score(framework, "2025/26 Q1", {tree.trust_a: {}, tree.trust_b: {}})
    import_plan(None, tree.trust_a, "Quality plan", date(2025, 4, 1), date(2099, 3, 31),
                CSV.encode())  # fmt: skip
    db.session.commit()
    login_as("provider_lead", [tree.trust_a])
    page = client.get(f"/publication/reports/{tree.trust_a.id}/2025-26").get_data(as_text=True)
    assert "Quality plan: 0 of 2 milestones done, 1 overdue or missed." in page
