"""BSN, BRIN and vestiging columns compare byte by byte on PostgreSQL
(rbl.core.fields.CodeField): their indexes build and probe at the speed of the
"C" collation whatever the server's locale (bench/RESULTS.md)."""

from __future__ import annotations

import pytest
from django.db import connection

from rbl.core.fields import CodeField
from rbl.organisation.models import School
from rbl.registry.models import Diploma, Enrolment, Exemption, Person

CODE_COLUMNS = [
    (Person, "bsn"),
    (Person, "parent1_bsn"),
    (Person, "parent2_bsn"),
    (Enrolment, "bsn"),
    (Enrolment, "brin"),
    (Enrolment, "vestiging"),
    (Diploma, "bsn"),
    (Exemption, "bsn"),
    (School, "brin"),
    (School, "vestiging"),
]


@pytest.mark.parametrize(("model", "name"), CODE_COLUMNS)
def test_every_code_column_is_a_code_field(model, name):
    assert isinstance(model._meta.get_field(name), CodeField)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="collations: PostgreSQL only")
@pytest.mark.parametrize(("model", "name"), CODE_COLUMNS)
def test_code_columns_have_the_c_collation_in_the_database(model, name):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns"
            " WHERE table_name = %s AND column_name = %s",
            [model._meta.db_table, model._meta.get_field(name).column],
        )
        assert cursor.fetchone() == ("C",)
