from django.urls import path

from rbl.reporting.views import dashboard, quality

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard_page, name="dashboard"),
    path("kwaliteit/", quality.quality_page, name="quality"),
    path("kwaliteit/niet-gekoppeld/", quality.unlinked_page, name="unlinked"),
]
