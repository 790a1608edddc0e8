"""Under construction in this session: answers 404 until the screen lands."""

from django.http import Http404


def dashboard_page(request):
    raise Http404
