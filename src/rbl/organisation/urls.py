"""The set-up screens of the region, at /inrichting/."""

from django.urls import path

from rbl.organisation.views import region, staff

app_name = "organisation"

urlpatterns = [
    path("", region.hub, name="setup"),
    path("termijnen/", region.terms, name="terms"),
    path("overeenkomst/", region.agreement, name="agreement"),
    path("bouwstenen/", region.blocks, name="blocks"),
    path("bouwstenen/<int:pk>/einde/", region.block_end, name="block-end"),
    path("medewerkers/", staff.staff_list, name="staff"),
    path("medewerkers/nieuw/", staff.staff_new, name="staff-new"),
    path("medewerkers/<int:pk>/", staff.staff_user, name="staff-user"),
]
