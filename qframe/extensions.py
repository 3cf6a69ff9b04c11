"""Flask extensions, unbound: `create_app` binds them."""

from typing import TYPE_CHECKING, ClassVar

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so that migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    if TYPE_CHECKING:
        # Every model maps one Table (DeclarativeBase says only FromClause): insert() and update()
        # take it, and it has delete().
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)

# Models subclass `Model`: Flask-SQLAlchemy's `db.Model` at run time. A type checker cannot take a
# base class from an attribute (mypy: Name "db.Model" is not defined), so it sees Base, its root.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
