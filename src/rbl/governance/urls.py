from django.urls import path

from rbl.governance import audit_views, views

app_name = "governance"

urlpatterns = [
    path("jaarkalender/", views.calendar_page, name="calendar"),
    path("jaarkalender/nieuw/", views.deadline_new, name="deadline-new"),
    path("jaarkalender/<int:pk>/", views.deadline_edit, name="deadline-edit"),
    path("jaarkalender/abonnement/", views.feed_settings, name="feed-settings"),
    path("jaarkalender/agenda/<str:token>.ics", views.feed, name="feed"),
    path("audits/", audit_views.overview, name="audits"),
    path("audits/nieuw/", audit_views.audit_new, name="audit-new"),
    path("audits/<int:pk>/", audit_views.audit_detail, name="audit"),
    path("audits/<int:pk>/actie/", audit_views.action_add, name="audit-action"),
    path("audits/actie/<int:pk>/afgerond/", audit_views.action_done, name="audit-action-done"),
]
