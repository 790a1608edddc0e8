from django.urls import path

from rbl.governance import views

app_name = "governance"

urlpatterns = [
    path("jaarkalender/", views.calendar_page, name="calendar"),
    path("jaarkalender/nieuw/", views.deadline_new, name="deadline-new"),
    path("jaarkalender/<int:pk>/", views.deadline_edit, name="deadline-edit"),
    path("jaarkalender/abonnement/", views.feed_settings, name="feed-settings"),
    path("jaarkalender/agenda/<str:token>.ics", views.feed, name="feed"),
]
