"""Admin pages for users."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from qframe.auth.models import User
from qframe.auth.permissions import requires
from qframe.auth.services import create_user, issue_api_token, update_user
from qframe.errors import ValidationFailed
from qframe.extensions import db
from qframe.users.forms import TokenForm, UserCreateForm, UserEditForm, split_codes
from qframe.web.transaction import discard_changes

bp = Blueprint("users", __name__, url_prefix="/users")


def _field_errors(form, error: ValidationFailed) -> None:
    fields = {
        "email": form._fields.get("email"),
        "role": form.role,
        "org": form.orgs,
        "password": form._fields.get("password"),
    }
    for problem in error.problems:
        field = fields.get(problem.column or "") or form.role
        field.errors = [*field.errors, problem.message]


@bp.get("/")
@requires("manage_users")
def index():
    users = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("users/index.html", users=users)


@bp.route("/new", methods=["GET", "POST"])
@requires("manage_users")
def new():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                current_user,
                email=form.email.data or "",
                role=form.role.data or "",
                password=form.password.data or "",
                name=form.name.data or "",
                org_codes=split_codes(form.orgs.data),
            )
        except ValidationFailed as error:
            discard_changes()
            _field_errors(form, error)
        else:
            flash(f"User {user.email} created.", "success")
            return redirect(url_for("users.show", user_id=user.id))
    return render_template("users/new.html", form=form), 422 if form.errors else 200


def _get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@requires("manage_users")
def show(user_id: int):
    user = _get_user_or_404(user_id)
    form = UserEditForm(obj=user)
    if not form.is_submitted():
        form.orgs.data = " ".join(o.code for o in user.scope_orgs)
        form.version.data = str(user.version)
    if form.validate_on_submit():
        try:
            update_user(
                current_user,
                user,
                role=form.role.data or "",
                name=form.name.data or "",
                active=bool(form.active.data),
                org_codes=split_codes(form.orgs.data),
                expected_version=int(form.version.data or 0),
            )
        except ValidationFailed as error:
            discard_changes()
            _field_errors(form, error)
        else:
            flash("Changes saved. Any existing sessions of this user have ended.", "success")
            return redirect(url_for("users.show", user_id=user.id))
    return render_template(
        "users/show.html", user=user, form=form, token_form=TokenForm()
    ), 422 if form.errors else 200


@bp.post("/<int:user_id>/tokens")
@requires("manage_users")
def issue_token(user_id: int):
    user = _get_user_or_404(user_id)
    form = TokenForm()
    if not form.validate_on_submit():
        abort(400)
    secret = issue_api_token(current_user, user, form.name.data or "")
    return render_template("users/token.html", user=user, secret=secret)
