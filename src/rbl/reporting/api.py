"""The yearly figures in the REST API: `GET /api/v1/rapportages/art25/`.

The same figures, access and suppression as the screen: a reader without
case access gets `null` for each hidden count and its key in "onderdrukt"
(per municipality code, or "regio")."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rbl.reporting.definitions import BY_KEY, SchoolYear
from rbl.reporting.figures import YearFigures
from rbl.reporting.scope import UnknownMunicipality, YearScope, default_year, year_scope
from rbl.reporting.snapshots import figures_for
from rbl.reporting.tables import REGION, Table, year_table


def figures_json(figures: YearFigures, scope: YearScope, table: Table) -> dict[str, Any]:
    """`figures.as_json()` for the reader: only their columns, hidden counts null."""
    data = figures.as_json()
    data["gemeenten"] = {c: v for c, v in data["gemeenten"].items() if c in scope.codes}
    if not scope.region:
        data.pop("regio")
    hidden: dict[str, list[str]] = {}
    for column, keys in table.hidden_keys().items():
        target = data["regio"] if column == REGION else data["gemeenten"][column]
        for key in keys:
            name, _, code = key.partition(".")
            if BY_KEY[name].codes and not code:
                continue  # the total of a figure with codes is not in the JSON
            if code:
                target[name][code] = None
            else:
                target[name] = None
            hidden.setdefault(column, []).append(key)
    data["onderdrukt"] = hidden
    data["drempel"] = scope.threshold or None
    return data


_FIGURE = {
    "description": "Een aantal of kengetal (null: onderdrukt), of per code een aantal.",
    "nullable": True,
    "anyOf": [
        {"type": "number"},
        {"type": "object", "additionalProperties": {"type": "number", "nullable": True}},
    ],
}
_COLUMN = {
    "type": "object",
    "properties": {"naam": {"type": "string"}},
    "additionalProperties": _FIGURE,
}
ART25_SCHEMA = {
    "type": "object",
    "properties": {
        "schooljaar": {"type": "string", "example": "2024-2025"},
        "gemaakt_op": {"type": "string", "format": "date-time"},
        "definities_versie": {"type": "string"},
        "vastgesteld": {"type": "boolean"},
        "vastgesteld_op": {"type": "string", "format": "date-time", "nullable": True},
        "volledigheid": {"type": "string"},
        "gemeenten": {
            "type": "object",
            "description": "Per CBS-code van een gemeente haar cijfers.",
            "additionalProperties": _COLUMN,
        },
        "regio": {
            "type": "object",
            "description": "De cijfers van de regio (alleen voor wie die mag zien).",
            "additionalProperties": _FIGURE,
        },
        "onderdrukt": {
            "type": "object",
            "description": "Per CBS-code (of 'regio') de sleutels van de onderdrukte aantallen.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "drempel": {
            "type": "integer",
            "nullable": True,
            "description": "Aantallen van 1 tot en met dit getal zijn onderdrukt.",
        },
    },
    "required": [
        "schooljaar",
        "gemaakt_op",
        "definities_versie",
        "vastgesteld",
        "vastgesteld_op",
        "volledigheid",
        "gemeenten",
        "onderdrukt",
        "drempel",
    ],
}


class Art25View(APIView):
    """The art. 25 figures of a school year, per municipality and the region."""

    @extend_schema(
        summary="Cijfers art. 25 Leerplichtwet",
        description=(
            "De cijfers van een schooljaar per gemeente en voor de regio, met dezelfde sleutels "
            "als `rbl rapport art25 --json`. Wie geen zaken van een gemeente mag zien, krijgt "
            "kleine aantallen als null; hun sleutels staan in `onderdrukt`."
        ),
        parameters=[
            OpenApiParameter("schooljaar", OpenApiTypes.STR, description="bijv. 2024-2025"),
            OpenApiParameter("gemeente", OpenApiTypes.STR, description="CBS-code of 'regio'"),
        ],
        responses={200: ART25_SCHEMA},
    )
    def get(self, request: Request) -> Response:
        try:
            scope = year_scope(request.user, request.query_params.get("gemeente", ""))
        except UnknownMunicipality:
            raise Http404 from None
        if scope is None:
            raise PermissionDenied("U mag geen cijfers inzien.")
        text = request.query_params.get("schooljaar", "")
        try:
            year = SchoolYear.parse(text) if text else default_year(_today())
        except ValueError as exc:
            return Response({"detail": str(exc)}, status=400)
        figures = figures_for(year, list(scope.codes))
        table = year_table(figures, scope.columns, threshold=scope.threshold)
        return Response(figures_json(figures, scope, table))


def _today():
    from django.utils import timezone

    return timezone.localdate()
