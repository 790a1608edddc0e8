from django.urls import path

from rbl.reporting.views import (
    annual,
    art25,
    benchmark,
    dashboard,
    quality,
    reference,
    report_text,
    targets,
)

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard_page, name="dashboard"),
    path("kwaliteit/", quality.quality_page, name="quality"),
    path("kwaliteit/niet-gekoppeld/", quality.unlinked_page, name="unlinked"),
    path("referentie/", reference.reference_page, name="reference"),
    path("streefwaarden/", targets.targets_page, name="targets"),
    path(
        "jaarverslag/<str:schooljaar>/<str:gemeente>/tekst/",
        report_text.report_text_page,
        name="report-text",
    ),
    path("art25/", art25.art25_page, name="art25"),
    path("art25/vaststellen/", art25.close_year_view, name="art25-close"),
    path("jaarverslag/", annual.annual_index, name="annual"),
    path(
        "jaarverslag/<str:schooljaar>/<str:gemeente>/",
        annual.annual_report,
        name="annual-report",
    ),
    path("benchmark/", benchmark.benchmark_page, name="benchmark"),
    path("rmc/", annual.rmc_page, name="rmc"),
]
