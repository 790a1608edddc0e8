"""The residence history kept by the BRP imports (registry/residence.py): where a
person lived on a past day stays what it was, whatever the imports after it."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.core.bsn import make_bsn
from rbl.registry.imports import run_import
from rbl.registry.models import ImportLog, Person, Residence
from rbl.registry.residence import history_starts_on, sync_residences
from tests.factories import PersonFactory

D = dt.date
AALTEN, WINTERSWIJK, DOETINCHEM = "0197", "0294", "0222"
REGION = [AALTEN, WINTERSWIJK, DOETINCHEM]
HEADER = "bsn;geslachtsnaam;geboortedatum;gemeentecode;datum_vestiging;datum_overlijden\n"
MUT_HEADER = (
    "bsn,mutatie,mutatiedatum,geslachtsnaam,geboortedatum,gemeentecode,"
    "datum_vestiging,datum_overlijden\n"
)
PIET, ANNA, SEM = make_bsn(11_000_001), make_bsn(11_000_101), make_bsn(11_000_201)


def row(bsn: str, code: str, settled: D | None = None, died: D | None = None) -> str:
    return f"{bsn};Naam;2012-03-04;{code};{settled or ''};{died or ''}"


def extract(write, rows: list[str], peil: D, *codes: str):
    """A full extract of the named municipalities (all of the region by default)."""
    options = list(codes or REGION)
    result = run_import(
        "brp",
        write(HEADER + "".join(r + "\n" for r in rows)),
        peildatum=peil,
        municipalities=options,
    )
    assert result.rejected == 0, result.errors
    return result


def mutations(write, lines: list[str], peil: D):
    result = run_import(
        "brp-mutaties", write(MUT_HEADER + "".join(line + "\n" for line in lines)), peildatum=peil
    )
    assert result.rejected == 0, result.errors
    return result


def history(bsn: str) -> list[tuple[str, D | None, D | None]]:
    return list(
        Residence.objects.filter(person__bsn=bsn)
        .order_by(F("start").asc(nulls_first=True), "id")
        .values_list("municipality_id", "start", "end")
    )


def everything() -> list[tuple]:
    return sorted(
        Residence.objects.values_list("id", "person__bsn", "municipality_id", "start", "end")
    )


def lived_in(bsn: str, day: D) -> str | None:
    found = dict(Person.objects.resident_on(day).values_list("bsn", "municipality_on"))
    return found.get(bsn)


# -- moves -----------------------------------------------------------------------


def test_move_by_mutations_changes_1_october_only_from_the_move_on(region, write):
    extract(write, [row(PIET, AALTEN, D(2015, 5, 1)), row(ANNA, AALTEN)], D(2025, 10, 1))
    moved = [
        f"{PIET},V,2026-02-01,,,{AALTEN},,",
        f"{PIET},I,2026-02-01,Naam,2012-03-04,{WINTERSWIJK},2026-02-01,",
    ]
    mutations(write, moved, D(2026, 2, 3))
    assert history(PIET) == [
        (AALTEN, D(2015, 5, 1), D(2026, 2, 1)),
        (WINTERSWIJK, D(2026, 2, 1), None),
    ]
    assert lived_in(PIET, D(2025, 10, 1)) == AALTEN
    assert lived_in(PIET, D(2026, 1, 31)) == AALTEN
    assert lived_in(PIET, D(2026, 2, 1)) == WINTERSWIJK
    assert lived_in(PIET, D(2026, 10, 1)) == WINTERSWIJK
    # Anna, untouched: one residence from before the history began.
    assert history(ANNA) == [(AALTEN, None, None)]
    before = everything()
    again = mutations(write, moved, D(2026, 2, 3))
    assert (again.created, again.updated) == (0, 0)
    assert everything() == before


def test_move_by_mutations_without_settling_date_starts_on_the_peildatum(region, write):
    extract(write, [row(PIET, AALTEN, D(2015, 5, 1))], D(2025, 10, 1))
    mutations(
        write,
        [
            f"{PIET},V,2026-02-01,,,{AALTEN},,",
            f"{PIET},I,2026-02-01,Naam,2012-03-04,{DOETINCHEM},,",
        ],
        D(2026, 2, 3),
    )
    assert history(PIET) == [
        (AALTEN, D(2015, 5, 1), D(2026, 2, 3)),
        (DOETINCHEM, D(2026, 2, 3), None),
    ]


def test_move_by_a_new_full_extract(region, write):
    extract(write, [row(PIET, AALTEN, D(2015, 5, 1)), row(ANNA, AALTEN)], D(2025, 10, 1))
    # A year later Piet lives in Winterswijk since 15 June; Anna moved to Doetinchem,
    # the extract gives no settling date for her.
    second = [row(PIET, WINTERSWIJK, D(2026, 6, 15)), row(ANNA, DOETINCHEM)]
    extract(write, second, D(2026, 10, 1))
    assert history(PIET) == [
        (AALTEN, D(2015, 5, 1), D(2026, 6, 15)),
        (WINTERSWIJK, D(2026, 6, 15), None),
    ]
    assert history(ANNA) == [(AALTEN, None, D(2026, 10, 1)), (DOETINCHEM, D(2026, 10, 1), None)]
    day = D(2025, 10, 1)
    assert (lived_in(PIET, day), lived_in(ANNA, day)) == (AALTEN, AALTEN)
    day = D(2026, 10, 1)
    assert (lived_in(PIET, day), lived_in(ANNA, day)) == (WINTERSWIJK, DOETINCHEM)
    before = everything()
    again = extract(write, second, D(2026, 10, 1))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert everything() == before


def test_a_settling_date_before_the_open_residence_is_not_used(region, write):
    extract(write, [row(PIET, AALTEN, D(2020, 1, 1))], D(2025, 10, 1))
    # The new municipality reports a settling date before the one Piet already has.
    extract(write, [row(PIET, WINTERSWIJK, D(2019, 6, 1))], D(2026, 10, 1))
    assert history(PIET) == [
        (AALTEN, D(2020, 1, 1), D(2026, 10, 1)),
        (WINTERSWIJK, D(2026, 10, 1), None),
    ]


def test_a_move_of_a_person_outside_the_extracts_municipalities(region, write):
    """A person moving from Aalten to Winterswijk turns up in Winterswijk's extract
    only: the history follows them there."""
    extract(write, [row(PIET, AALTEN, D(2015, 5, 1)), row(ANNA, AALTEN)], D(2025, 10, 1))
    extract(write, [row(PIET, WINTERSWIJK, D(2026, 3, 1))], D(2026, 4, 1), WINTERSWIJK)
    assert history(PIET) == [
        (AALTEN, D(2015, 5, 1), D(2026, 3, 1)),
        (WINTERSWIJK, D(2026, 3, 1), None),
    ]
    assert history(ANNA) == [(AALTEN, None, None)]


# -- leaving and coming back ---------------------------------------------------------


def test_move_out_and_return(region, write):
    extract(write, [row(PIET, AALTEN, D(2015, 5, 1)), row(ANNA, AALTEN)], D(2025, 10, 1))
    gone = extract(write, [row(ANNA, AALTEN)], D(2026, 1, 1))
    assert gone.moved_out == 1
    assert history(PIET) == [(AALTEN, D(2015, 5, 1), D(2026, 1, 1))]
    assert lived_in(PIET, D(2025, 12, 31)) == AALTEN
    assert lived_in(PIET, D(2026, 1, 1)) is None
    # Back, with the BRP's old settling date: the new residence starts on the peildatum.
    back = [row(PIET, AALTEN, D(2015, 5, 1)), row(ANNA, AALTEN)]
    extract(write, back, D(2026, 4, 1))
    assert history(PIET) == [
        (AALTEN, D(2015, 5, 1), D(2026, 1, 1)),
        (AALTEN, D(2026, 4, 1), None),
    ]
    assert lived_in(PIET, D(2026, 2, 1)) is None
    assert lived_in(PIET, D(2026, 10, 1)) == AALTEN
    before = everything()
    extract(write, back, D(2026, 4, 1))
    assert everything() == before
    # Away again, and back in Doetinchem with a settling date of its own.
    extract(write, [row(ANNA, AALTEN)], D(2026, 7, 1))
    extract(write, [row(PIET, DOETINCHEM, D(2026, 8, 15)), row(ANNA, AALTEN)], D(2026, 10, 1))
    assert history(PIET)[1:] == [
        (AALTEN, D(2026, 4, 1), D(2026, 7, 1)),
        (DOETINCHEM, D(2026, 8, 15), None),
    ]


def test_move_out_and_return_by_mutations(region, write):
    extract(write, [row(PIET, AALTEN, D(2015, 5, 1))], D(2025, 10, 1))
    mutations(write, [f"{PIET},V,2026-01-10,,,{AALTEN},,"], D(2026, 1, 11))
    assert history(PIET) == [(AALTEN, D(2015, 5, 1), D(2026, 1, 10))]
    mutations(write, [f"{PIET},I,2026-05-01,Naam,2012-03-04,{AALTEN},2026-05-01,"], D(2026, 5, 2))
    assert history(PIET) == [
        (AALTEN, D(2015, 5, 1), D(2026, 1, 10)),
        (AALTEN, D(2026, 5, 1), None),
    ]


def test_death_closes_the_residence_on_the_day(region, write):
    extract(write, [row(PIET, AALTEN, D(2015, 5, 1)), row(ANNA, AALTEN)], D(2025, 10, 1))
    mutations(write, [f"{PIET},O,2026-02-10,,,,,2026-02-08"], D(2026, 2, 10))
    assert history(PIET) == [(AALTEN, D(2015, 5, 1), D(2026, 2, 8))]
    assert lived_in(PIET, D(2026, 2, 7)) == AALTEN
    assert lived_in(PIET, D(2026, 2, 8)) is None
    # By the full extract too, and again: nothing more.
    died = [row(ANNA, AALTEN, None, D(2026, 3, 1))]
    extract(write, died, D(2026, 4, 1))
    extract(write, died, D(2026, 4, 1))
    assert history(ANNA) == [(AALTEN, None, D(2026, 3, 1))]
    assert history(PIET) == [(AALTEN, D(2015, 5, 1), D(2026, 2, 8))]


def test_moved_and_died_in_one_file(region, write):
    extract(write, [row(PIET, AALTEN, D(2015, 5, 1))], D(2025, 10, 1))
    lines = [
        f"{PIET},V,2026-01-05,,,{AALTEN},,",
        f"{PIET},I,2026-01-05,Naam,2012-03-04,{WINTERSWIJK},2026-01-05,",
        f"{PIET},O,2026-02-20,,,,,",
    ]
    mutations(write, lines, D(2026, 3, 1))
    expected = [
        (AALTEN, D(2015, 5, 1), D(2026, 1, 5)),
        (WINTERSWIJK, D(2026, 1, 5), D(2026, 2, 20)),
    ]
    assert history(PIET) == expected
    mutations(write, lines, D(2026, 3, 1))
    assert history(PIET) == expected


def test_aging_out_closes_the_residence(region, write):
    old = make_bsn(11_000_301)
    extract(write, [f"{old};Oud;2002-01-01;{AALTEN};2010-01-01;"], D(2025, 10, 1))
    result = extract(write, [row(PIET, AALTEN)], D(2026, 2, 1))
    assert result.aged_out == 1
    assert history(old) == [(AALTEN, D(2010, 1, 1), D(2026, 2, 1))]


# -- the start of the history ----------------------------------------------------------


def test_history_starts_with_the_first_full_extract(region, write):
    assert history_starts_on() is None
    mutations(write, [f"{SEM},I,2025-06-01,Naam,2019-11-30,{AALTEN},,"], D(2025, 6, 2))
    assert history_starts_on() is None  # mutations alone do not begin it
    assert history(SEM) == [(AALTEN, None, None)]
    # A rejected extract does not either.
    bad = run_import("brp", write(HEADER + f"{PIET};Naam;2012-03-04;0202;;\n"))
    assert bad.rejected == 1 and history_starts_on() is None
    extract(write, [row(PIET, AALTEN), row(SEM, AALTEN)], D(2025, 10, 1))
    assert history_starts_on() == D(2025, 10, 1)
    # Persons the history meets later without a settling date start on the peildatum.
    extract(write, [row(PIET, AALTEN), row(SEM, AALTEN), row(ANNA, AALTEN)], D(2026, 10, 1))
    assert history_starts_on() == D(2025, 10, 1)
    assert history(PIET) == [(AALTEN, None, None)]
    assert history(ANNA) == [(AALTEN, D(2026, 10, 1), None)]
    log = ImportLog.objects.filter(kind="brp").order_by("-started_at").first()
    assert log.options["woonhistorie"] is True


def test_imports_before_the_history_do_not_count(region, write):
    """An installation that imported before it kept the history: its history starts
    with the first full extract that kept it."""
    ImportLog.objects.create(
        kind="brp",
        file_name="oud.csv",
        sha256="0" * 64,
        actor="test",
        started_at=dt.datetime(2024, 10, 2, tzinfo=dt.UTC),
        options={"gemeente": [], "peildatum": "2024-10-01", "skip_invalid": False},
        outcome="applied",
    )
    assert history_starts_on() is None
    extract(write, [row(PIET, AALTEN)], D(2025, 10, 1))
    assert history_starts_on() == D(2025, 10, 1)


# -- the reconciliation itself -----------------------------------------------------------


def test_sync_of_all_persons_repairs_and_then_changes_nothing(region):
    p1 = PersonFactory(municipality__code=AALTEN, settled_on=D(2018, 1, 1))
    p2 = PersonFactory(municipality__code=WINTERSWIJK, moved_out_on=D(2026, 1, 1))
    p3 = PersonFactory(
        municipality__code=DOETINCHEM, died_on=D(2025, 1, 1), settled_on=D(2025, 6, 1)
    )
    first = sync_residences(D(2026, 3, 1))
    assert (first.opened, first.closed) == (2, 0)
    assert history(p1.bsn) == [(AALTEN, D(2018, 1, 1), None)]
    assert history(p2.bsn) == [(WINTERSWIJK, None, D(2026, 1, 1))]
    assert history(p3.bsn) == []  # settled after dying: no day to cover
    again = sync_residences(D(2026, 3, 1))
    assert (again.opened, again.closed) == (0, 0)
    # Persons changed outside an import are reconciled by the next full run.
    Person.objects.filter(pk=p1.pk).update(municipality_id=WINTERSWIJK, settled_on=D(2026, 2, 2))
    Person.objects.filter(pk=p2.pk).update(moved_out_on=None, settled_on=D(2026, 2, 1))
    third = sync_residences(D(2026, 3, 1))
    assert (third.opened, third.closed) == (2, 1)
    assert history(p1.bsn) == [
        (AALTEN, D(2018, 1, 1), D(2026, 2, 2)),
        (WINTERSWIJK, D(2026, 2, 2), None),
    ]
    assert history(p2.bsn) == [
        (WINTERSWIJK, None, D(2026, 1, 1)),
        (WINTERSWIJK, D(2026, 2, 1), None),
    ]


def test_sync_keeps_to_the_persons_written_since(region, clock):
    early = PersonFactory(municipality__code=AALTEN)
    clock.shift(dt.timedelta(seconds=5))
    since = dt.datetime.now(dt.UTC)
    late = PersonFactory(municipality__code=AALTEN)
    assert sync_residences(D(2026, 3, 1), since=since).opened == 1
    assert history(late.bsn) and not history(early.bsn)
    # After the first fill, the general path keeps to the scope as well.
    Person.objects.filter(pk=late.pk).update(municipality_id=DOETINCHEM)
    early.save()  # written now: in scope
    result = sync_residences(D(2026, 3, 1), since=since)
    assert (result.opened, result.closed) == (2, 1)


def test_one_open_residence_per_person_and_no_end_before_start(region):
    person = PersonFactory(municipality__code=AALTEN)
    Residence.objects.create(person=person, municipality_id=AALTEN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Residence.objects.create(person=person, municipality_id=WINTERSWIJK)
    with pytest.raises(IntegrityError), transaction.atomic():
        Residence.objects.create(
            person=person, municipality_id=WINTERSWIJK, start=D(2026, 2, 1), end=D(2026, 1, 1)
        )


# -- the back-fill migration ------------------------------------------------------------


def test_backfill_gives_every_person_one_residence(region):
    backfill = importlib.import_module("rbl.registry.migrations.0010_backfill_residences")
    here = PersonFactory(municipality__code=AALTEN, settled_on=D(2016, 8, 1))
    unknown = PersonFactory(municipality__code=WINTERSWIJK)
    moved = PersonFactory(municipality__code=AALTEN, moved_out_on=D(2025, 11, 1))
    died = PersonFactory(
        municipality__code=DOETINCHEM, settled_on=D(2014, 1, 1), died_on=D(2025, 3, 3)
    )
    aged = PersonFactory(municipality__code=AALTEN, aged_out_on=D(2026, 1, 1))
    both = PersonFactory(
        municipality__code=AALTEN, moved_out_on=D(2025, 9, 1), died_on=D(2025, 7, 1)
    )
    bad = PersonFactory(municipality__code=AALTEN, settled_on=D(2025, 6, 1), died_on=D(2025, 1, 1))
    with connection.cursor() as cursor:
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        backfill.backfill(None, editor)
    assert history(here.bsn) == [(AALTEN, D(2016, 8, 1), None)]
    assert history(unknown.bsn) == [(WINTERSWIJK, None, None)]
    assert history(moved.bsn) == [(AALTEN, None, D(2025, 11, 1))]
    assert history(died.bsn) == [(DOETINCHEM, D(2014, 1, 1), D(2025, 3, 3))]
    assert history(aged.bsn) == [(AALTEN, None, D(2026, 1, 1))]
    assert history(both.bsn) == [(AALTEN, None, D(2025, 7, 1))]
    assert history(bad.bsn) == [(AALTEN, None, D(2025, 1, 1))]
    # What the imports keep afterwards agrees with it: a full run changes nothing.
    before = everything()
    sync_residences(D(2026, 3, 1))
    assert everything() == before


# -- query helpers ---------------------------------------------------------------------


def test_on_covers_start_and_not_end(region):
    person = PersonFactory(municipality__code=AALTEN)
    old = Residence.objects.create(
        person=person, municipality_id=AALTEN, start=None, end=D(2026, 2, 1)
    )
    new = Residence.objects.create(person=person, municipality_id=WINTERSWIJK, start=D(2026, 2, 1))
    assert list(Residence.objects.on(D(1990, 1, 1))) == [old]
    assert list(Residence.objects.on(D(2026, 1, 31))) == [old]
    assert list(Residence.objects.on(D(2026, 2, 1))) == [new]
    assert list(Residence.objects.on(D(2099, 1, 1))) == [new]


def test_resident_on_with_municipalities_and_grouping(region):
    a = PersonFactory(municipality__code=WINTERSWIJK)
    b = PersonFactory(municipality__code=AALTEN)
    c = PersonFactory(municipality__code=AALTEN)
    PersonFactory(municipality__code=AALTEN)  # no history: never counted
    Residence.objects.create(person=a, municipality_id=AALTEN, start=None, end=D(2026, 2, 1))
    Residence.objects.create(person=a, municipality_id=WINTERSWIJK, start=D(2026, 2, 1))
    Residence.objects.create(person=b, municipality_id=AALTEN, start=D(2025, 10, 2))
    Residence.objects.create(person=c, municipality_id=AALTEN, end=D(2025, 12, 1))
    day = D(2025, 10, 1)
    assert sorted(Person.objects.resident_on(day).values_list("pk", "municipality_on")) == [
        (a.pk, AALTEN),
        (c.pk, AALTEN),
    ]
    assert list(Person.objects.resident_on(day, [WINTERSWIJK])) == []
    later = Person.objects.resident_on(D(2026, 10, 1), [WINTERSWIJK, AALTEN])
    assert sorted(later.values_list("pk", "municipality_on")) == [
        (a.pk, WINTERSWIJK),
        (b.pk, AALTEN),
    ]
    # Grouped per municipality, with other filters chained on.
    counts = (
        Person.objects.resident_on(D(2026, 10, 1))
        .filter(birth_date__lte=D(2020, 1, 1))
        .values("municipality_on")
        .annotate(n=Count("pk"))
        .order_by("municipality_on")
    )
    assert [(r["municipality_on"], r["n"]) for r in counts] == [(AALTEN, 1), (WINTERSWIJK, 1)]


def test_municipality_at_expression(region):
    a = PersonFactory(municipality__code=WINTERSWIJK)
    Residence.objects.create(person=a, municipality_id=AALTEN, start=None, end=D(2026, 2, 1))
    Residence.objects.create(person=a, municipality_id=WINTERSWIJK, start=D(2026, 2, 1))
    from rbl.registry.models import Exemption

    for start in (D(2026, 1, 31), D(2026, 2, 1)):
        Exemption.objects.create(
            bsn=a.bsn, municipality_id=AALTEN, ground="5a", start=start, decided_on=start
        )
    Exemption.objects.create(
        bsn="999990639",
        municipality_id=AALTEN,
        ground="5a",
        start=D(2026, 1, 1),
        decided_on=D(2026, 1, 1),
    )
    rows = Exemption.objects.annotate(
        woonde=Residence.municipality_at_expression("bsn", "start")
    ).order_by("bsn", "start")
    assert [(e.bsn, e.start, e.woonde) for e in rows] == [
        (a.bsn, D(2026, 1, 31), AALTEN),
        (a.bsn, D(2026, 2, 1), WINTERSWIJK),
        ("999990639", D(2026, 1, 1), None),
    ]


# -- the property: a past day stays what it was ---------------------------------------------

PEOPLE = [make_bsn(12_000_000 + 7 * i) for i in range(4)]
ANCHOR = make_bsn(12_999_999)
DAYS = [D(2025, 10, 1), D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 1)]

# What happens to one person at one extract: stay, move (with a settling date
# inside the period or none), leave the region, come back, die.
step = st.sampled_from(["stay", "move", "move-nodate", "leave", "back", "back-olddate", "die"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plans=st.lists(st.lists(step, min_size=len(DAYS), max_size=len(DAYS)), min_size=4, max_size=4),
    towns=st.lists(st.sampled_from(REGION), min_size=4 * len(DAYS), max_size=4 * len(DAYS)),
)
def test_figures_of_a_past_peildatum_never_change(region, write, plans, towns):
    """Whatever extracts follow, the municipality each person lived in on every
    earlier peildatum is the one that extract gave; re-importing a file changes
    nothing; at most one residence is open per person and none overlap."""
    Person.objects.all().delete()  # the database is shared by the examples
    ImportLog.objects.all().delete()
    state = {bsn: {"town": None, "settled": None, "dead": False} for bsn in PEOPLE}
    expected: list[dict[str, str | None]] = []
    towns_left = iter(towns)
    for k, day in enumerate(DAYS):
        period_start = DAYS[k - 1] + dt.timedelta(days=1) if k else D(2010, 1, 1)
        rows, truth = [row(ANCHOR, AALTEN, D(2010, 1, 1))], {}
        for bsn, plan in zip(PEOPLE, plans, strict=True):
            me, what, town = state[bsn], plan[k], next(towns_left)
            if me["dead"]:
                truth[bsn] = None
                continue
            here = me["town"] is not None
            if what in ("leave", "die") and not here:
                pass  # stays away
            elif what == "leave":
                me["town"] = None
            elif here and (what == "stay" or town == me["town"]):
                pass  # a move inside the municipality keeps the settling date
            elif what in ("move", "back", "stay"):
                me["town"], me["settled"] = town, period_start + dt.timedelta(days=10)
            elif what == "move-nodate":
                me["town"], me["settled"] = town, None
            elif what == "back-olddate":
                me["town"] = town  # the BRP gives the settling date it had before
            if me["town"] is None:
                truth[bsn] = None
                continue
            died = None
            if what == "die" and here:
                died, me["dead"] = period_start + dt.timedelta(days=20), True
            rows.append(row(bsn, me["town"], me["settled"], died))
            truth[bsn] = None if died else me["town"]
        extract(write, rows, day)
        before = everything()
        extract(write, rows, day)
        assert everything() == before
        expected.append(truth)
        for j, past in enumerate(DAYS[: k + 1]):
            seen = dict(Person.objects.resident_on(past).values_list("bsn", "municipality_on"))
            for bsn in PEOPLE:
                assert seen.get(bsn) == expected[j][bsn], (bsn, past, history(bsn))
    open_rows = Residence.objects.filter(end__isnull=True).values("person").annotate(n=Count("id"))
    assert all(r["n"] == 1 for r in open_rows)
    for bsn in PEOPLE:
        periods = history(bsn)
        for (_, _, end), (_, start, _) in zip(periods, periods[1:], strict=False):
            assert end is not None and start is not None and end <= start


def test_sync_puts_the_planner_settings_back(region, on_postgres):
    """PostgreSQL: a big import turns nested loops off for its transaction; the
    reconciliation turns them on (and hash joins off for a few persons among many
    residences) only while it runs."""
    if not on_postgres:
        pytest.skip("planner settings: PostgreSQL only")
    people = [PersonFactory(municipality__code=AALTEN) for _ in range(30)]
    sync_residences(D(2026, 3, 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_residence")
        cursor.execute("SET LOCAL enable_nestloop = off")
        # The last one written: one person in scope among 30 residences.
        Person.objects.filter(pk=people[-1].pk).update(municipality_id=WINTERSWIJK)
        result = sync_residences(D(2026, 3, 1), since=people[-1].updated_at)
        cursor.execute(
            "SELECT current_setting('enable_nestloop'), current_setting('enable_hashjoin'), "
            "current_setting('enable_mergejoin')"
        )
        assert cursor.fetchone() == ("off", "on", "on")
    assert (result.opened, result.closed) == (1, 1)
    assert history(people[-1].bsn)[-1] == (WINTERSWIJK, D(2026, 3, 1), None)


def test_person_page_shows_the_residence_history(db, client, settings):
    from django.urls import reverse

    from tests.web.world import build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()
    person = world.persons["own"]
    Residence.objects.create(
        person=person, municipality=world.winterswijk, start=D(2026, 2, 1), end=D(2026, 2, 1)
    )  # covers no day: not shown
    Residence.objects.create(person=person, municipality=world.aalten, start=D(2026, 2, 1))
    Residence.objects.create(person=person, municipality=world.winterswijk, end=D(2026, 2, 1))
    client.force_login(world.users["lpa-aalten"])
    page = client.get(reverse("web:person", args=[person.pk])).content.decode()
    table = page.split("Woonhistorie")[1].split("</table>")[0]
    rows = [" ".join(r.split()) for r in table.split("<tr>")[2:]]
    assert [r.count(world.winterswijk.name) for r in rows] == [1, 0]
    assert "onbekend" in rows[0] and "01-02-2026" in rows[0]
    assert "01-02-2026" in rows[1] and "nu" in rows[1] and world.aalten.name in rows[1]


def test_a_big_first_fill_builds_the_indexes_afterwards(region, write, monkeypatch):
    """A first fill of many persons drops the history's indexes (and on PostgreSQL
    its keys) and builds them again: all are back, and still hold."""
    from rbl.registry import residence

    monkeypatch.setattr(residence, "BIG_FIRST_FILL", 1)
    with connection.cursor() as cursor:
        before = connection.introspection.get_constraints(cursor, "registry_residence")
    extract(write, [row(PIET, AALTEN, D(2015, 5, 1)), row(ANNA, WINTERSWIJK)], D(2025, 10, 1))
    with connection.cursor() as cursor:
        after = connection.introspection.get_constraints(cursor, "registry_residence")
    assert set(after) == set(before)
    assert {"residence_one_open", "residence_person", "residence_mun_end"} <= set(after)
    assert history(PIET) == [(AALTEN, D(2015, 5, 1), None)]
    with pytest.raises(IntegrityError), transaction.atomic():
        Residence.objects.create(person=Person.objects.get(bsn=PIET), municipality_id=AALTEN)
