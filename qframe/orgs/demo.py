"""Demo organisations: one ICB, three acute trusts, two community providers, 30 practices;
and a small second ICB (one acute trust, two practices) for cross-ICB access."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from qframe.extensions import db
from qframe.orgs.models import Organisation, OrgRegister

if TYPE_CHECKING:
    from qframe.demo import DemoContext

ACUTE_TRUSTS = (
    ("RQF01", "Riverside University Hospitals NHS Foundation Trust", 612_000_000),
    ("RQF02", "Northmoor General Hospital NHS Trust", 348_000_000),
    ("RQF03", "St Aidan's Hospitals NHS Trust", 221_000_000),
)
COMMUNITY = (
    ("RQC01", "Riverside Community Health NHS Trust", 96_000_000),
    ("RQC02", "Moorland Community Services CIC", 41_000_000),
)
ACUTE_SERVICE_LINES = (
    ("MED", "Acute and general medicine"),
    ("SUR", "General surgery"),
    ("EC", "Emergency care"),
    ("CAR", "Cardiology"),
    ("ORT", "Trauma and orthopaedics"),
    ("WCH", "Women's and children's"),
    ("ONC", "Cancer services"),
    ("ELD", "Care of older people"),
)
COMMUNITY_SERVICE_LINES = (
    ("DN", "District nursing"),
    ("UCR", "Urgent community response"),
    ("REH", "Community rehabilitation"),
    ("CHB", "Community hospital beds"),
)
WARD_NAMES = (
    "Ash",
    "Beech",
    "Cedar",
    "Elm",
    "Hazel",
    "Juniper",
    "Larch",
    "Maple",
    "Oak",
    "Rowan",
    "Willow",
    "Birch",
    "Holly",
    "Linden",
    "Poplar",
    "Alder",
    "Aspen",
    "Sycamore",
    "Yew",
    "Chestnut",
)
# Disease groups and typical prevalence (% of list), used to draw practice registers.
REGISTERS = {
    "AF": 2.2,
    "AST": 6.5,
    "CHD": 3.0,
    "COPD": 1.9,
    "DM": 7.5,
    "HYP": 14.0,
    "DEM": 0.8,
    "MH": 1.0,
}
PRACTICE_PLACES = (
    "Abbey",
    "Bridge Street",
    "Castle",
    "Dale",
    "Eastgate",
    "Fairfield",
    "Greenbank",
    "Harbour",
    "Ivy Lane",
    "Jubilee",
    "Kingsway",
    "Lakeside",
    "Market Square",
    "Northfield",
    "Orchard",
    "Parkside",
    "Queens Road",
    "Riverside",
    "Southgate",
    "Tower",
    "Upton",
    "Valley",
    "Westgate",
    "Woodlands",
    "York Road",
    "Beacon",
    "Canal Side",
    "Meadow",
    "Station Road",
    "Hillview",
)


def load(ctx: DemoContext) -> None:
    if ctx.scale == "national":
        _load_national(ctx)
        return
    rng = ctx.rng
    icb = Organisation(
        code="QF1", name="North Riverside Integrated Care Board", kind="commissioner"
    )
    db.session.add(icb)
    acute = [_provider(icb, code, name, "acute", value) for code, name, value in ACUTE_TRUSTS]
    community = [_provider(icb, code, name, "community", value) for code, name, value in COMMUNITY]
    ward_no = 0
    for trust in acute:
        for sl_code, sl_name in rng.sample(ACUTE_SERVICE_LINES, rng.randint(6, 8)):
            line = _add(
                Organisation(
                    code=f"{trust.code}-{sl_code}", name=sl_name, kind="service_line", parent=trust
                )
            )
            for _ in range(rng.randint(3, 6)):
                ward_no += 1
                name = f"{WARD_NAMES[ward_no % len(WARD_NAMES)]} ward ({sl_name.lower()})"
                _add(
                    Organisation(
                        code=f"{trust.code}-W{ward_no:03d}", name=name, kind="ward", parent=line
                    )
                )
    for provider in community:
        for sl_code, sl_name in COMMUNITY_SERVICE_LINES:
            line = _add(
                Organisation(
                    code=f"{provider.code}-{sl_code}",
                    name=sl_name,
                    kind="service_line",
                    parent=provider,
                )
            )
            if sl_code == "CHB":
                for _ in range(3):
                    ward_no += 1
                    _add(
                        Organisation(
                            code=f"{provider.code}-W{ward_no:03d}",
                            name=f"{WARD_NAMES[ward_no % 20]} community ward",
                            kind="ward",
                            parent=line,
                        )
                    )
    practices = []
    for i, place in enumerate(PRACTICE_PLACES):
        list_size = int(rng.lognormvariate(8.9, 0.45)) + 1500
        practice = _provider(
            icb, f"Q{81000 + i * 7}", f"{place} Medical Practice", "primary_care", None
        )
        practice.list_size = list_size
        practice.contract_value_pence = list_size * 110_00
        for group, prevalence in REGISTERS.items():
            size = max(0, round(list_size * rng.gauss(prevalence, prevalence * 0.25) / 100))
            practice.registers.append(OrgRegister(group=group, size=size))
        practices.append(practice)
    second = _second_icb()
    db.session.flush()
    ctx.shared.update(commissioner=icb, acute=acute, community=community, practices=practices)
    ctx.shared["second_icb"] = second
    wards = db.session.scalar(
        select(db.func.count()).select_from(Organisation).where(Organisation.kind == "ward")
    )
    ctx.report.append(
        f"Organisations: 1 ICB, {len(acute)} acute trusts, {len(community)} community "
        f"providers, {len(practices)} GP practices, {wards} wards; a second ICB "
        f"({second['commissioner'].code}) with one acute trust and "
        f"{len(second['practices'])} practices"
    )


def _second_icb() -> dict[str, Any]:
    """A small neighbouring ICB with its own users, so cross-ICB access can be tried in the demo:
    one acute trust (a service line, two wards) and two practices."""
    icb = _add(
        Organisation(code="QF2", name="South Moor Integrated Care Board", kind="commissioner")
    )
    trust = _provider(icb, "RQS01", "Southmoor Royal Infirmary NHS Trust", "acute", 184_000_000)
    line = _add(
        Organisation(code="RQS01-MED", name="Acute medicine", kind="service_line", parent=trust)
    )
    for n, ward in enumerate(("Heather ward", "Bracken ward"), start=1):
        _add(Organisation(code=f"RQS01-W{n:03d}", name=ward, kind="ward", parent=line))
    practices = []
    for n, (place, size) in enumerate((("Moorside", 7400), ("Fellgate", 5200))):
        practice = _provider(icb, f"Q{89000 + n}", f"{place} Surgery", "primary_care", None)
        practice.list_size = size
        practice.contract_value_pence = size * 110_00
        for group, prevalence in REGISTERS.items():  # typical prevalence; no draws
            practice.registers.append(OrgRegister(group=group, size=round(size * prevalence / 100)))
        practices.append(practice)
    return {"commissioner": icb, "acute": [trust], "practices": practices}


def _add(org: Organisation) -> Organisation:
    db.session.add(org)
    return org


def _provider(
    icb: Organisation, code: str, name: str, kind: str, value_pounds: int | None
) -> Organisation:
    org = Organisation(code=code, name=name, kind=kind, parent=icb)
    org.contract_value_pence = None if value_pounds is None else value_pounds * 100
    db.session.add(org)
    return org


def _load_national(ctx: DemoContext) -> None:
    """42 ICBs and 7,000 GP practices, inserted in bulk."""
    rng = ctx.rng
    db.session.execute(
        insert(Organisation),
        [
            {
                "code": f"QN{i:02d}",
                "name": f"National ICB {i:02d}",
                "kind": "commissioner",
                "version": 1,
            }
            for i in range(42)
        ],
    )
    icb_ids = dict(
        db.session.execute(
            select(Organisation.code, Organisation.id).where(Organisation.kind == "commissioner")
        ).all()
    )
    rows = []
    for i in range(7000):
        size = int(rng.lognormvariate(8.9, 0.45)) + 1500
        rows.append(
            {
                "code": f"N{i:05d}",
                "name": f"Practice {i:05d}",
                "kind": "primary_care",
                "version": 1,
                "parent_id": icb_ids[f"QN{i % 42:02d}"],
                "list_size": size,
                "contract_value_pence": size * 110_00,
            }
        )
    db.session.execute(insert(Organisation), rows)
    ctx.shared["national_icbs"] = sorted(icb_ids)
    ctx.report.append("Organisations: 42 ICBs and 7,000 GP practices")
