"""brp/: "Raadpleeg BRP" for a person and for a DUO report waiting for its youth.

Ids in these URLs are opaque (rbl.web.opaque); the BSN travels in no URL."""

from django.urls import path, register_converter

from rbl.brp import views
from rbl.web.opaque import _OpaqueConverter


class MeldingIdConverter(_OpaqueConverter):
    kind = "melding"


register_converter(MeldingIdConverter, "melding")

app_name = "brp"

urlpatterns = [
    path("personen/<person:person_id>/", views.person_lookup, name="person"),
    path("personen/<person:person_id>/toepassen/", views.person_apply, name="person-apply"),
    path("meldingen/<melding:melding_id>/", views.melding_lookup, name="melding"),
    path("meldingen/<melding:melding_id>/toepassen/", views.melding_apply, name="melding-apply"),
]
