from django.urls import path

from rbl.core.replica import reads_from_replica
from rbl.reporting.views import (
    annual,
    art25,
    benchmark,
    dashboard,
    quality,
    reference,
    report_text,
    targets,
    vsv,
)

app_name = "reporting"

# The figure screens read their facts from the read replica when one is
# configured (rbl.core.replica); forms that change something do not.

urlpatterns = [
    path("", reads_from_replica(dashboard.dashboard_page), name="dashboard"),
    path("kwaliteit/", quality.quality_page, name="quality"),
    path("kwaliteit/niet-gekoppeld/", quality.unlinked_page, name="unlinked"),
    path("referentie/", reference.reference_page, name="reference"),
    path("streefwaarden/", targets.targets_page, name="targets"),
    path(
        "jaarverslag/<str:schooljaar>/<str:gemeente>/tekst/",
        report_text.report_text_page,
        name="report-text",
    ),
    path("art25/", reads_from_replica(art25.art25_page), name="art25"),
    path("art25/vaststellen/", art25.close_year_view, name="art25-close"),
    path("jaarverslag/", reads_from_replica(annual.annual_index), name="annual"),
    path(
        "jaarverslag/<str:schooljaar>/<str:gemeente>/",
        reads_from_replica(annual.annual_report),
        name="annual-report",
    ),
    path("benchmark/", reads_from_replica(benchmark.benchmark_page), name="benchmark"),
    path("rmc/", reads_from_replica(annual.rmc_page), name="rmc"),
    path("vsv/", reads_from_replica(vsv.vsv_page), name="vsv"),
]
