"""Notifications: the bell, the list, marking read, and e-mail through a local SMTP stub."""

import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes

import pytest
from sqlalchemy import select

from qframe.notifications.models import Notification
from qframe.notifications.services import deliver_pending_emails, notify


def test_the_bell_counts_unread_notifications_and_the_list_shows_only_mine(
    db, client, tree, login_as, make_user
):
    me = login_as("nurse_manager", [tree.ward_a])
    someone = make_user("finance", [tree.icb])
    notify([me.id], "Appraisal is overdue: Nadia Nurse", "Due on 1 May", "/appraisal/staff/1")
    notify([me.id], "Revalidation is due within 30 days: Sam Smith")
    notify([someone.id], "Not for you")
    db.session.commit()
    home = client.get("/home").get_data(as_text=True)
    assert 'data-testid="bell"' in home
    assert '2<span class="visually-hidden"> unread</span>' in home
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Appraisal is overdue: Nadia Nurse" in page
    assert "Not for you" not in page


def test_marking_read_clears_the_count(db, client, tree, login_as):
    me = login_as("nurse_manager", [tree.ward_a])
    first, second = notify([me.id], "One") + notify([me.id], "Two")
    db.session.commit()
    assert client.post(f"/notifications/{first.id}/read").status_code == 302
    db.session.refresh(first)
    assert first.read_at is not None
    assert second.read_at is None
    client.post("/notifications/read-all")
    db.session.refresh(second)
    assert second.read_at is not None
    assert "unread" not in client.get("/home").get_data(as_text=True)


def test_opening_a_notification_goes_to_its_page(db, client, tree, login_as):
    me = login_as("nurse_manager", [tree.ward_a])
    (note,) = notify([me.id], "Appraisal due", link="/appraisal/staff/7")
    db.session.commit()
    response = client.post(f"/notifications/{note.id}/read", data={"open": "1"})
    assert response.headers["Location"] == "/appraisal/staff/7"


def test_someone_elses_notification_is_not_found(db, client, tree, login_as, make_user):
    login_as("nurse_manager", [tree.ward_a])
    (theirs,) = notify([make_user("finance", [tree.icb]).id], "Private")
    db.session.commit()
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    db.session.refresh(theirs)
    assert theirs.read_at is None


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_notification_links_stay_inside_qframe(db, tree, make_user, link):
    with pytest.raises(ValueError, match="paths inside qframe"):
        notify([make_user("finance", [tree.icb]).id], "Phish", link=link)


class _SmtpStub(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: records each message; may refuse every recipient."""

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 stub")
        lines: list[bytes] | None = None
        while line := self.rfile.readline():
            if lines is not None:
                if line == b".\r\n":
                    self.server.messages.append(b"".join(lines))  # type: ignore[attr-defined]
                    lines = None
                    self.reply("250 queued")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"RCPT" and self.server.refuse:  # type: ignore[attr-defined]
                self.reply("550 no such mailbox")
            elif verb == b"DATA":
                lines = []
                self.reply("354 go ahead")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpStub)
    server.daemon_threads = True
    server.messages = []  # type: ignore[attr-defined]
    server.refuse = False  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def smtp_config(server) -> dict:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": server.server_address[1],
        "SMTP_FROM": "qframe@trust.example",
        "QFRAME_BASE_URL": "https://qframe.trust.example",
    }


def test_queued_e_mails_are_sent_over_smtp_and_leave_the_queue(db, tree, make_user, smtp):
    user = make_user("nurse_manager", [tree.ward_a], email="nia@trust.example")
    notify(
        [user.id],
        "Appraisal is overdue: Nadia Nurse",
        "Due 1 May",
        "/appraisal/staff/3",
        email=True,
    )
    notify([user.id], "In-app only")
    assert deliver_pending_emails(smtp_config(smtp)) == (1, 0)
    (raw,) = smtp.messages
    message = message_from_bytes(raw)
    assert message["To"] == "nia@trust.example"
    assert message["Subject"] == "Appraisal is overdue: Nadia Nurse"
    assert "https://qframe.trust.example/appraisal/staff/3" in message.get_payload()
    pending = db.session.scalars(select(Notification).where(Notification.email_pending)).all()
    assert pending == []
    assert deliver_pending_emails(smtp_config(smtp)) == (0, 0)


def test_a_refused_e_mail_stays_queued_for_the_next_run(db, tree, make_user, smtp):
    user = make_user("nurse_manager", [tree.ward_a])
    (note,) = notify([user.id], "Appraisal due", email=True)
    smtp.refuse = True
    assert deliver_pending_emails(smtp_config(smtp)) == (0, 1)
    assert note.email_pending is True


def test_without_an_smtp_host_nothing_is_sent(db, tree, make_user, smtp):
    user = make_user("nurse_manager", [tree.ward_a])
    (note,) = notify([user.id], "Appraisal due", email=True)
    assert deliver_pending_emails({"SMTP_HOST": ""}) == (0, 0)
    assert smtp.messages == []
    assert note.email_pending is True
