"""The coordinator changes a product (name, price per hour, block, in use).
Hours before last month are closed and may be settled: once a product has
such hours its name and price stay, so a settled period keeps its price; a
new price is a new product. Block and use can always change. A change by
someone else since the form was opened is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from rbl.accounts.models import SecurityEvent, SecurityEventKind
from rbl.timekeeping.models import Product, TimeEntry
from rbl.timekeeping.services import closed_before, product_fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def product() -> Product:
    return Product.objects.create(name="Extra preventie-uur", unit_price=Decimal("85.50"))


def _book(world, product, on: dt.date) -> TimeEntry:
    return TimeEntry.objects.create(
        user=world.users["kpa-regio"],
        municipality=world.aalten,
        date=on,
        minutes=60,
        block=4,
        product=product,
    )


def _post(client, product, **extra):
    data = {
        "name": product.name,
        "unit_price": "85,50",
        "block": "",
        "active": "on",
        "was": product_fingerprint(product),
        **extra,
    }
    return client.post(reverse("timekeeping:product-edit", args=[product.pk]), data)


def test_closed_hours_start_at_the_first_of_last_month():
    assert closed_before(dt.date(2026, 3, 11)) == dt.date(2026, 2, 1)
    assert closed_before(dt.date(2026, 1, 31)) == dt.date(2025, 12, 1)


def test_the_coordinator_changes_a_product_without_closed_hours(world, client, product):
    _book(world, product, dt.date(2026, 2, 20))  # last month: still open
    client.force_login(world.users["coordinator"])
    response = _post(client, product, name="Preventie-uur", unit_price="90,00", block="4")
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.unit_price, product.block) == (
        "Preventie-uur",
        Decimal("90.00"),
        4,
    )
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SETUP_CHANGED)
    assert "Preventie-uur" in event.detail and "90" in event.detail
    assert "Preventie-uur" in client.get(reverse("timekeeping:products")).content.decode()


def test_a_settled_price_stays_and_block_and_use_still_change(world, client, product):
    _book(world, product, dt.date(2026, 1, 31))  # closed
    client.force_login(world.users["coordinator"])
    response = _post(client, product, unit_price="99,00")
    assert response.status_code == 400
    assert "naam en prijs blijven daarom zoals ze zijn" in response.content.decode()
    response = _post(client, product, name="Ander uur")
    assert response.status_code == 400
    product.refresh_from_db()
    assert (product.name, product.unit_price) == ("Extra preventie-uur", Decimal("85.50"))
    assert _post(client, product, block="3", active="").status_code == 302
    product.refresh_from_db()
    assert (product.block, product.active, product.unit_price) == (3, False, Decimal("85.50"))


def test_bad_input_names_the_field_and_changes_nothing(world, client, product):
    Product.objects.create(name="Trajectbegeleiding", unit_price=Decimal("70"))
    client.force_login(world.users["coordinator"])
    response = _post(client, product, unit_price="-5")
    assert "De prijs kan niet negatief zijn." in response.content.decode()
    response = _post(client, product, name="trajectbegeleiding")
    assert "Er is al een product met deze naam." in response.content.decode()
    product.refresh_from_db()
    assert (product.name, product.unit_price) == ("Extra preventie-uur", Decimal("85.50"))


def test_a_change_by_someone_else_in_between_is_refused(world, client, product):
    client.force_login(world.users["coordinator"])
    seen = product_fingerprint(product)
    Product.objects.filter(pk=product.pk).update(unit_price=Decimal("88"))
    response = _post(client, product, unit_price="90,00", was=seen)
    assert response.status_code == 400
    assert "Iemand anders heeft dit product intussen gewijzigd" in response.content.decode()
    product.refresh_from_db()
    assert product.unit_price == Decimal("88")


@pytest.mark.parametrize("username", ["lpa-aalten", "beleid-winterswijk", "beheer"])
def test_only_the_coordinator_changes_products(world, client, product, username):
    client.force_login(world.users[username])
    assert _post(client, product, unit_price="1").status_code == 403
    product.refresh_from_db()
    assert product.unit_price == Decimal("85.50")
