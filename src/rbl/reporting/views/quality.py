"""Under construction in this session: answers 404 until the screen lands."""

from django.http import Http404


def quality_page(request):
    raise Http404
