from django.urls import path

from rbl.governance import audit_views, evaluation_views, handbook_views, views

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
    path("werkwijzen/", handbook_views.index, name="handbook"),
    path("werkwijzen/nieuw/", handbook_views.page_new, name="handbook-new"),
    path("werkwijzen/<slug:slug>/", handbook_views.page_view, name="handbook-page"),
    path("werkwijzen/<slug:slug>/wijzigen/", handbook_views.page_edit, name="handbook-edit"),
    path("werkwijzen/<slug:slug>/versies/", handbook_views.versions, name="handbook-versions"),
    path(
        "werkwijzen/<slug:slug>/versies/<int:number>/",
        handbook_views.version_view,
        name="handbook-version",
    ),
    path("werkwijzen/<slug:slug>/vergelijken/", handbook_views.diff_view, name="handbook-diff"),
    path("evaluatie/", evaluation_views.overview, name="evaluation"),
    path("evaluatie/doel/nieuw/", evaluation_views.goal_new, name="goal-new"),
    path("evaluatie/doel/<int:pk>/", evaluation_views.goal_edit, name="goal-edit"),
]
