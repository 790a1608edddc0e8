"""URLs of the cases app's own screens (mounted at the site root)."""

from django.urls import path

from rbl.cases.views import duo_register, exemption_withdrawal, jco

app_name = "cases"

urlpatterns = [
    path("jco/", jco.jco_list_page, name="jco"),
    path("jco/<int:item_id>/afspraak/", jco.jco_outcome_view, name="jco-outcome"),
    path("duo/vrijstellingen/", duo_register.duo_register_page, name="duo-register"),
    path(
        "zaken/<case:case_id>/vrijstelling/intrekken/",
        exemption_withdrawal.withdraw_view,
        name="exemption-withdraw",
    ),
]
