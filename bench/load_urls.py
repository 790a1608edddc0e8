"""RBL's URLs plus the load benchmark's floor: `/bench/leeg/`, a trivial view
behind the same middleware (session, CSRF, login, second factor, CSP) that
answers a logged-in user with "ok" and reads nothing else."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from rbl.urls import handler403, handler404, handler500  # noqa: F401


@login_required
def empty(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/leeg/", empty),
    path("", include("rbl.urls")),
]
