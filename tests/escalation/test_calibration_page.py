"""The ladder's calibration page beside its settings (domain.md §8)."""

from qframe.extensions import db


def test_the_page_says_in_words_when_nothing_is_scored(client, login_as, tree, framework):
    db.session.commit()
    login_as("commissioner", [tree.icb])
    html = client.get(f"/escalation/{framework.id}/calibration").get_data(as_text=True)
    assert "has no scored period yet" in html


def test_the_settings_page_links_to_the_calibration(client, login_as, tree, framework):
    db.session.commit()
    login_as("commissioner", [tree.icb])
    html = client.get(f"/escalation/{framework.id}/settings").get_data(as_text=True)
    assert f"/escalation/{framework.id}/calibration" in html


def test_other_commissioners_cannot_see_it(client, login_as, tree, framework):
    db.session.commit()
    login_as("commissioner", [tree.other_icb])
    assert client.get(f"/escalation/{framework.id}/calibration").status_code == 404
