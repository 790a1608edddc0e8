"""The start page: case workers go to their work list, others see what they can do."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rbl.web.permissions import does_casework


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if does_casework(request.user) or request.user.owned_cases.exists():
        return redirect("web:my-work")
    return render(request, "web/home.html")
