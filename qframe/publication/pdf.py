"""Render the annual report as a PDF with WeasyPrint and the bundled DejaVu fonts."""

from __future__ import annotations

from pathlib import Path

from qframe.config import ROOT

STATIC = Path(ROOT) / "static"
PRINT_CSS = STATIC / "css" / "report-print.css"


def html_to_pdf(html: str) -> bytes:
    """A PDF of the page; fonts come from static/fonts (see the @font-face rules)."""
    # Imported here: WeasyPrint loads Pango through cffi, which only the PDF routes need.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(PRINT_CSS), font_config=fonts)
    document = HTML(string=html, base_url=str(STATIC))
    # Tagged PDF/UA-1: a structure tree for screen readers; title and language come from the
    # page's <title> and <html lang>.
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_variant="pdf/ua-1")
