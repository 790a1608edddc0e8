"""REST API v1 (interfaces.md): persons and cases, with the same access rules
and access logging as the screens.

Every queryset starts from `rbl.accounts.access`; a record outside it answers
404, so the existence of a file does not leak.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rbl.accounts.access import visible_cases, visible_persons
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.web.filters import CaseFilter
from rbl.web.search import SearchError, search_and_log

from .serializers import (
    CaseSerializer,
    PersonDetailSerializer,
    PersonSearchResultSerializer,
    PersonSearchSerializer,
)

PURPOSE = "API"


class PersonSearchView(APIView):
    """Search persons by BSN or by surname + birth date; the BSN travels in the
    body, never in the URL."""

    @extend_schema(
        request=PersonSearchSerializer,
        responses={200: PersonSearchResultSerializer},
        summary="Personen zoeken",
        description=(
            "Zoek op BSN, of op geslachtsnaam met geboortedatum (hoofdletters en "
            "voorvoegsel tellen niet mee). Het BSN staat in de body, nooit in de URL. "
            "Alleen personen die u mag zien komen terug."
        ),
    )
    def post(self, request: Request) -> Response:
        form = PersonSearchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            persons = search_and_log(
                request.user, form.validated_data, purpose=PURPOSE, path=request.path
            )
        except SearchError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(PersonSearchResultSerializer({"results": persons}).data)


class PersonDetailView(generics.RetrieveAPIView):
    serializer_class = PersonDetailSerializer
    lookup_url_kwarg = "person_id"
    lookup_field = "pk"

    def get_queryset(self) -> QuerySet:
        return visible_persons(self.request.user).select_related("municipality")

    @extend_schema(summary="Persoon ophalen (404 als u deze persoon niet mag zien)")
    def get(self, request: Request, *args, **kwargs) -> Response:
        person = self.get_object()
        cases = list(
            visible_cases(request.user).filter(person=person).order_by("-opened_on", "-pk")
        )
        log_access(request.user, Action.VIEW, persons=[person], purpose=PURPOSE, path=request.path)
        serializer = self.get_serializer(person, context={"cases": cases})
        return Response(serializer.data)


def _case_queryset(user) -> QuerySet:
    return visible_cases(user).select_related("owner", "school")


class CaseListView(generics.ListAPIView):
    serializer_class = CaseSerializer
    filterset_class = CaseFilter

    def get_queryset(self) -> QuerySet:
        return _case_queryset(self.request.user).order_by("-opened_on", "-pk")

    @extend_schema(
        summary="Zaken die u mag zien",
        parameters=[
            OpenApiParameter("eigenaar", str, description="Gebruikersnaam van de eigenaar"),
            OpenApiParameter("gemeente", str, description="CBS-code van de gemeente"),
        ],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page) if page is not None else list(queryset)
        if rows:
            log_access(request.user, Action.VIEW, cases=rows, purpose=PURPOSE, path=request.path)
        data = self.get_serializer(rows, many=True).data
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)


class CaseDetailView(generics.RetrieveAPIView):
    serializer_class = CaseSerializer
    lookup_url_kwarg = "case_id"
    lookup_field = "pk"

    def get_queryset(self) -> QuerySet:
        return _case_queryset(self.request.user)

    @extend_schema(summary="Zaak ophalen (404 als u deze zaak niet mag zien)")
    def get(self, request: Request, *args, **kwargs) -> Response:
        try:
            case = self.get_object()
        except Http404:
            raise
        log_access(request.user, Action.VIEW, case=case, purpose=PURPOSE, path=request.path)
        return Response(self.get_serializer(case).data)
