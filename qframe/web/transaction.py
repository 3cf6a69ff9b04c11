"""The one transaction boundary of a web request (architecture.md rule 2).

Views and services only add, change and flush. When the view has answered, `_end_request`
commits the request's writes if the answer is a success (status below 400) and rolls them back
otherwise. Two named paths cover the careful cases:

- `discard_changes()`: a view that caught a domain error and re-renders its form undoes the
  failed attempt first, so the page shows what is stored (the request then ends as above).
- `keep_even_if_refused()`: writes that must persist although the answer is a refusal, such as
  a read audit on a 422 re-render.
- `commit_step()`: sign-in only. The reserved guess is stored before the slow password check,
  which must run with no transaction open (a transaction held across scrypt blocks others).

A commit or rollback anywhere else during a request is a bug. With `STRICT_TRANSACTIONS`
(testing) the request fails if a commit happens outside this module, or if writes are left
uncommitted when the request ends.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from qframe.database import discard_changes, has_unsaved_writes
from qframe.extensions import db

__all__ = ["commit_step", "discard_changes", "init_transactions", "keep_even_if_refused"]


class TransactionMisuse(AssertionError):
    """A request committed outside the wrapper, or left writes uncommitted (strict mode)."""


def keep_even_if_refused() -> None:
    """Commit this request's writes even though the answer will be a 4xx refusal."""
    g.qframe_keep = True


def commit_step() -> None:
    """Commit what the request has written so far and go on with no transaction open."""
    g.qframe_committing = True
    try:
        db.session.commit()
    finally:
        g.qframe_committing = False


def _end_request(response: Response) -> Response:
    session = db.session()
    if not has_unsaved_writes(session):
        return response
    if response.status_code >= 400 and not g.get("qframe_keep"):
        session.rollback()
        return response
    g.qframe_committing = True
    try:
        session.commit()
    except Exception as error:  # noqa: BLE001 - mapped by the app's own error handlers
        session.rollback()
        return current_app.make_response(current_app.handle_user_exception(error))
    finally:
        g.qframe_committing = False
    return response


def _check_request_end(_error: BaseException | None) -> None:
    if not current_app.config.get("STRICT_TRANSACTIONS"):
        return
    misuse = g.pop("qframe_misuse", None)
    if misuse is None and has_unsaved_writes(db.session()):
        db.session.rollback()
        misuse = "the request ended with writes that were never committed"
    if misuse is not None:
        raise TransactionMisuse(misuse)


def _note_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released inside the request's transaction, not a commit
    if has_request_context() and not g.get("qframe_committing"):
        g.qframe_misuse = "a view committed by itself; the request wrapper commits"


def init_transactions(app: Flask) -> None:
    """Install the request boundary; register last so it runs before other after_request hooks."""
    app.after_request(_end_request)
    app.teardown_request(_check_request_end)


event.listen(Session, "after_commit", _note_commit)
