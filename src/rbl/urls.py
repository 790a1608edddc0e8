from django.urls import include, path

urlpatterns = [
    path("", include("rbl.web.urls")),
    path("api/v1/", include("rbl.api.urls")),
]
