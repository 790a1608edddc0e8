"""JSON shapes of the API (interfaces.md): Dutch field names, opaque ids."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rbl.cases.models import Case
from rbl.core.bsn import bsn_error
from rbl.registry.models import Person
from rbl.web import opaque
from rbl.web.display import street_line


@extend_schema_field(OpenApiTypes.STR)
class OpaqueIdField(serializers.Field):
    """The opaque id of a record (never its database key)."""

    def __init__(self, kind: str, **kwargs) -> None:
        self.kind = kind
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: int) -> str:
        return opaque.encode(self.kind, value)


class PersonSummarySerializer(serializers.ModelSerializer):
    id = OpaqueIdField("person", source="pk")
    geslachtsnaam = serializers.CharField(source="surname")
    voorvoegsel = serializers.CharField(source="prefix")
    voornamen = serializers.CharField(source="given_names")
    geboortedatum = serializers.DateField(source="birth_date")
    gemeentecode = serializers.CharField(source="municipality_id")
    gemeente = serializers.CharField(source="municipality.name")

    class Meta:
        model = Person
        fields = [
            "id",
            "bsn",
            "geslachtsnaam",
            "voorvoegsel",
            "voornamen",
            "geboortedatum",
            "gemeentecode",
            "gemeente",
        ]


class CaseSerializer(serializers.ModelSerializer):
    id = OpaqueIdField("case", source="pk")
    # Null once the retention job has removed the person from a closed case.
    persoon = OpaqueIdField(
        "person", source="person_id", allow_null=Case._meta.get_field("person").null
    )
    type_omschrijving = serializers.CharField(source="get_type_display")
    status_omschrijving = serializers.CharField(source="get_status_display")
    gemeente = serializers.CharField(source="principal_id")
    eigenaar = serializers.SerializerMethodField()
    school = serializers.SerializerMethodField()
    geopend_op = serializers.DateField(source="opened_on")
    gesloten_op = serializers.DateField(source="closed_on", allow_null=True)
    reden_afsluiting = serializers.CharField(source="closing_reason")
    verzuim_sinds = serializers.DateField(source="absent_since", allow_null=True)
    versie = serializers.IntegerField(source="version")

    class Meta:
        model = Case
        fields = [
            "id",
            "type",
            "type_omschrijving",
            "status",
            "status_omschrijving",
            "persoon",
            "gemeente",
            "eigenaar",
            "school",
            "geopend_op",
            "gesloten_op",
            "reden_afsluiting",
            "route",
            "verzuim_sinds",
            "versie",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_eigenaar(self, case: Case) -> str | None:
        return case.owner.username if case.owner_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_school(self, case: Case) -> str | None:
        if not case.school_id:
            return None
        return f"{case.school.brin}{case.school.vestiging}"


class CaseBriefSerializer(serializers.ModelSerializer):
    id = OpaqueIdField("case", source="pk")
    type_omschrijving = serializers.CharField(source="get_type_display")
    geopend_op = serializers.DateField(source="opened_on")

    class Meta:
        model = Case
        fields = ["id", "type", "type_omschrijving", "status", "geopend_op"]


class PersonDetailSerializer(PersonSummarySerializer):
    geslacht = serializers.CharField(source="gender")
    adres = serializers.SerializerMethodField()
    postcode = serializers.CharField()
    woonplaats = serializers.CharField(source="city")
    geheim = serializers.BooleanField(source="secret")
    vertrokken_op = serializers.DateField(source="moved_out_on", allow_null=True)
    overleden_op = serializers.DateField(source="died_on", allow_null=True)
    zaken = serializers.SerializerMethodField()

    class Meta(PersonSummarySerializer.Meta):
        fields = [
            *PersonSummarySerializer.Meta.fields,
            "geslacht",
            "adres",
            "postcode",
            "woonplaats",
            "geheim",
            "vertrokken_op",
            "overleden_op",
            "zaken",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_adres(self, person: Person) -> str:
        return street_line(person)

    @extend_schema_field(CaseBriefSerializer(many=True))
    def get_zaken(self, person: Person) -> list[dict]:
        cases = self.context.get("cases", [])
        return CaseBriefSerializer(cases, many=True).data


# DRF's own texts for these are English ("Not a valid string.") or half
# English ("Date heeft het verkeerde formaat"); the rest of its Dutch stays.
TEXT_ERRORS = {"invalid": "Vul hier tekst in."}
DATE_ERRORS = {
    "invalid": "Dit is geen geldige datum; schrijf de datum als JJJJ-MM-DD.",
    "datetime": "Geef alleen een datum (JJJJ-MM-DD), zonder tijd.",
}


# Either `bsn`, or `geslachtsnaam` with `geboortedatum`. The docstring is the
# description of the request in the OpenAPI document, so it is Dutch.
class PersonSearchSerializer(serializers.Serializer):
    """Een BSN, of een geslachtsnaam met geboortedatum."""

    default_error_messages = {
        "invalid": "Stuur de zoekvraag als JSON-object, bijvoorbeeld met een veld bsn."
    }

    bsn = serializers.CharField(
        required=False, allow_blank=True, max_length=20, error_messages=TEXT_ERRORS
    )
    geslachtsnaam = serializers.CharField(
        required=False, allow_blank=True, max_length=200, error_messages=TEXT_ERRORS
    )
    geboortedatum = serializers.DateField(
        required=False, allow_null=True, error_messages=DATE_ERRORS
    )

    def validate_bsn(self, value: str) -> str:
        value = value.strip()
        if value:
            problem = bsn_error(value)
            if problem:
                raise serializers.ValidationError(problem)
        return value

    def validate(self, attrs: dict) -> dict:
        if attrs.get("bsn"):
            return attrs
        if not (attrs.get("geslachtsnaam") or "").strip():
            raise serializers.ValidationError(
                "Geef een BSN, of een geslachtsnaam met geboortedatum."
            )
        if not attrs.get("geboortedatum"):
            raise serializers.ValidationError(
                {"geboortedatum": "Bij zoeken op naam is de geboortedatum verplicht."}
            )
        return attrs


class PersonSearchResultSerializer(serializers.Serializer):
    results = PersonSummarySerializer(many=True)
