"""Organisation hierarchy and disease registers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qframe.extensions import Model
from qframe.orgs.kinds import PROVIDER_KINDS

KINDS = ("commissioner", *PROVIDER_KINDS, "service_line", "ward")
# Which kinds may sit under which: the hierarchy is commissioner → provider → service line → ward.
PARENT_KINDS: dict[str, tuple[str, ...]] = {
    "commissioner": (),
    **{kind: ("commissioner",) for kind in PROVIDER_KINDS},
    "service_line": PROVIDER_KINDS,
    "ward": ("service_line",),
}
KIND_LABELS = {
    "commissioner": "Commissioner (ICB)",
    "acute": "Acute trust",
    "community": "Community provider",
    "mental_health": "Mental health trust",
    "primary_care": "GP practice",
    "service_line": "Service line",
    "ward": "Ward",
}


class Organisation(Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    contract_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    list_size: Mapped[int | None] = mapped_column(Integer)
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(
        back_populates="parent", order_by="Organisation.code"
    )
    registers: Mapped[list[OrgRegister]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="OrgRegister.group"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_provider(self) -> bool:
        return self.kind in PROVIDER_KINDS

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Organisation {self.code} {self.kind}>"


class OrgRegister(Model):
    """Disease-register size of a provider for one group (e.g. AF, COPD)."""

    __tablename__ = "org_registers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    group: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)

    organisation: Mapped[Organisation] = relationship(back_populates="registers")

    __table_args__ = (UniqueConstraint("organisation_id", "group"),)
