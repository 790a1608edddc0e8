"""What an OPTIONS request answers: the allowed methods and where the
contract is, in Dutch. DRF's default would show the views' English
docstrings and field internals; the OpenAPI document is the contract."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from rest_framework.metadata import BaseMetadata

if TYPE_CHECKING:  # rest_framework.views imports this module through its settings
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ContractMetadata(BaseMetadata):
    def determine_metadata(self, request: Request, view: APIView) -> dict[str, Any]:
        return {
            "methoden": sorted(m for m in view.allowed_methods if m != "OPTIONS"),
            "omschrijving": "De velden, filters en antwoorden staan in het OpenAPI-document.",
            "openapi": request.build_absolute_uri(reverse("api:schema")),
        }
