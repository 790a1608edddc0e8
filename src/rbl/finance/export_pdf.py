"""The finance report as a PDF (WeasyPrint from an HTML template)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from rbl.finance.chart import contributions_svg
from rbl.finance.html_report import for_template
from rbl.finance.report import Section
from rbl.finance.results import FinanceResult


def report_html(result: FinanceResult, sections: list[Section]) -> str:
    s = result.scenario
    return render_to_string(
        "finance/report_pdf.html",
        {
            "title": f"Financiën samenwerking leerplicht {s.regio} — begroting {s.jaar}",
            "sections": for_template(sections),
            "chart": mark_safe(contributions_svg(result, width=680)),  # noqa: S308 - built with escape()
            "made": dt.date.today(),
        },
    )


def pdf_bytes(result: FinanceResult, sections: list[Section]) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(result, sections)).write_pdf()


def write_pdf(result: FinanceResult, sections: list[Section], target: str | Path) -> None:
    Path(target).write_bytes(pdf_bytes(result, sections))
