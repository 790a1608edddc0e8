from django.urls import path

from rbl.finance import views

app_name = "finance"

urlpatterns = [
    path("", views.scenario_page, name="scenario"),
]
