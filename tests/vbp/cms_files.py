"""Test helper (not a product importer): CMS Hospital VBP FY2024 files → qframe's own formats.

The Organisations CSV gets one commissioner and every hospital; the Measurements CSV gets each
hospital's baseline rate (period 2019/20, the framework's baseline) and performance rate
(2022/23, the framework's year) as `value`, for every measure CMS published a rate for. The
published points and scores are not converted: they are what the scores are checked against.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

# Another set of hospitals in the same CMS layout can be checked the same way by pointing
# QFRAME_CMS_HVBP_DATA at its folder.
DATA = Path(
    os.environ.get("QFRAME_CMS_HVBP_DATA")
    or Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cms-hvbp-fy2024"
)
FILES = {
    "CO": "hvbp_clinical_outcomes.csv",
    "SAF": "hvbp_safety.csv",
    "PCE": "hvbp_person_and_community_engagement.csv",
    "EFF": "hvbp_efficiency_and_cost_reduction.csv",
}
TPS_FILE = "hvbp_tps.csv"
BASELINE, PERFORMANCE = "2019/20", "2022/23"
NA = "Not Available"
# CMS column prefix → qframe indicator code (the library framework cms-hvbp-fy2024).
MEASURES = {
    "MORT-30-AMI": "MORT-30-AMI", "MORT-30-HF": "MORT-30-HF", "MORT-30-PN": "MORT-30-PN",
    "MORT-30-COPD": "MORT-30-COPD", "MORT-30-CABG": "MORT-30-CABG",
    "COMP-HIP-KNEE": "COMP-HIP-KNEE",
    "HAI-1": "HAI-1", "HAI-2": "HAI-2", "HAI-3": "HAI-3", "HAI-4": "HAI-4", "HAI-5": "HAI-5",
    "HAI-6": "HAI-6",
    "Communication With Nurses": "HCAHPS-NURSES",
    "Communication With Doctors": "HCAHPS-DOCTORS",
    "Responsiveness Of Hospital Staff": "HCAHPS-RESPONSIVENESS",
    "Care Transition": "HCAHPS-CARE-TRANSITION",
    "Communication About Medicines": "HCAHPS-MEDICINES",
    "Cleanliness And Quietness Of Hospital Environment": "HCAHPS-CLEAN-QUIET",
    "Discharge Information": "HCAHPS-DISCHARGE",
    "Overall Rating Of Hospital": "HCAHPS-OVERALL",
    "MSPB-1": "MSPB-1",
}  # fmt: skip
# The published unweighted normalised domain score columns.
DOMAIN_COLUMNS = {
    "CO": "Unweighted Normalized Clinical Outcomes Domain Score",
    "PCE": "Unweighted Person And Community Engagement Domain Score",
    "SAF": "Unweighted Normalized Safety Domain Score",
    "EFF": "Unweighted Normalized Efficiency And Cost Reduction Domain Score",
}


def missing_data_message() -> str:
    return f"The CMS HVBP FY2024 validation data is missing: expected it in {DATA}"


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def rate(text: str) -> str | None:
    """A published rate as a plain decimal ('73.8343%' → '73.8343'); None when not available."""
    return None if text == NA else text.removesuffix("%")


def out_of(text: str) -> int | None:
    """'6 out of 10' → 6; a bare '7' (HCAHPS dimension scores) → 7; None when not available."""
    return None if text == NA else int(text.split(" out of ")[0])


def measure_columns(row: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(CMS prefix, qframe code) for the measures whose columns this row has."""
    for prefix, code in MEASURES.items():
        if f"{prefix} Performance Rate" in row:
            yield prefix, code


def organisations_csv(hospitals: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "kind", "parent_code", "contract_value", "list_size"])
    writer.writerow(["CMS", "Centers for Medicare & Medicaid Services", "commissioner", "", "", ""])
    for code in hospitals:
        writer.writerow([code, f"Hospital {code}", "acute", "CMS", "", ""])
    return out.getvalue().encode()


def measurements_csv(rows_by_domain: dict[str, list[dict[str, str]]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["org_code", "indicator_code", "period", "value"])
    for rows in rows_by_domain.values():
        for row in rows:
            for prefix, code in measure_columns(row):
                for period, column in ((BASELINE, "Baseline"), (PERFORMANCE, "Performance")):
                    value = rate(row[f"{prefix} {column} Rate"])
                    if value is not None:
                        writer.writerow([row["Facility ID"], code, period, value])
    return out.getvalue().encode()
