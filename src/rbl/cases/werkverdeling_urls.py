"""URLs of the work division screens (R-05), mounted at /werkverdeling/."""

from django.urls import path

from rbl.cases.views import werkverdeling, werkverdeling_reassign

app_name = "werkverdeling"

urlpatterns = [
    path("", werkverdeling.rules, name="rules"),
    path("waarneming/", werkverdeling.substitutions, name="substitutions"),
    path("herverdelen/", werkverdeling_reassign.reassign, name="reassign"),
]
