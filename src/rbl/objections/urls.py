from django.urls import path

from rbl.objections import views

app_name = "objections"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("zaak/<case:case_id>/bezwaar/", views.objection_new, name="objection-new"),
    path("bezwaar/<int:pk>/", views.objection_detail, name="objection"),
    path("bezwaar/<int:pk>/doorzendnotitie/", views.objection_note, name="objection-note"),
    path("klacht/nieuw/", views.complaint_new, name="complaint-new"),
    path("klacht/<int:pk>/", views.complaint_detail, name="complaint"),
    path("jaaroverzicht/", views.overview, name="overview"),
]
