"""Built-in frameworks: committed Framework JSON files a commissioner can import as drafts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from qframe.frameworks.schemas import load_framework_json

LIBRARY_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class LibraryEntry:
    """One library file and whether it can be published as it stands."""

    slug: str
    title: str
    filename: str
    expected_state: Literal["publishable", "draft"]


LIBRARY: tuple[LibraryEntry, ...] = (
    LibraryEntry(
        "qof-scotland-2015-16",
        "QOF Scotland 2015/16 (ISD Scotland)",
        "qof-scotland-2015-16.json",
        "publishable",
    ),
    LibraryEntry(
        "qof-england-2023-24",
        "QOF England 2023/24, points only (NHS Digital)",
        "qof-england-2023-24.json",
        "draft",
    ),
    LibraryEntry(
        "cquin-2023-24-acute",
        "CQUIN 2023/24, acute providers (NHS England)",
        "cquin-2023-24-acute.json",
        "publishable",
    ),
    LibraryEntry(
        "cquin-2023-24-community",
        "CQUIN 2023/24, community providers (NHS England)",
        "cquin-2023-24-community.json",
        "publishable",
    ),
    LibraryEntry(
        "cms-hvbp-fy2024",
        "CMS Hospital Value-Based Purchasing FY2024 (CMS)",
        "cms-hvbp-fy2024.json",
        "publishable",
    ),
    LibraryEntry(
        "acute-quality-2025-26",
        "Acute quality framework 2025/26 (demo region)",
        "acute-quality-2025-26.json",
        "publishable",
    ),
    LibraryEntry(
        "community-quality-2025-26",
        "Community quality framework 2025/26 (demo region)",
        "community-quality-2025-26.json",
        "publishable",
    ),
)
_BY_SLUG = {entry.slug: entry for entry in LIBRARY}


def load_library_framework(slug: str) -> dict[str, Any]:
    """Load and validate one library framework; KeyError for an unknown slug."""
    entry = _BY_SLUG.get(slug)
    if entry is None:
        raise KeyError(f"no library framework {slug!r}")
    return load_framework_json((LIBRARY_DIR / entry.filename).read_bytes())
