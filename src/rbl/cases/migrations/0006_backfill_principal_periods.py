"""Back-fill the principal periods of the cases that existed before them.

A case's history of principals is in its events: it was opened on `opened_on`
(the creation event holds no municipality), and every handover to another
municipality wrote an event of kind "gemeente" with `van_gemeente` and
`naar_gemeente` at the moment `at`; the handover's day is that moment's date
in the region's time zone, as `handover_to_municipality` takes it. So:

- a case without such an event: one open period of `principal` from `opened_on`
  (one INSERT ... SELECT in the database, for the great majority);
- a case with them: the first event's `van_gemeente` from `opened_on`, then
  each `naar_gemeente` from its event's day (never before the period it
  follows; end exclusive), the last one open.

Two things the events cannot say are resolved as follows: a municipality code
that no longer exists is left out (its days go to the municipality that
followed it); and should the last municipality of the events differ from the
case's `principal` (a change no event recorded), `principal` takes over from
the day the case was last saved. Cases that already have a period are left as
they are, so the migration can be run on a database that has some.
"""

from django.db import migrations
from django.utils import timezone

HANDOVER = "gemeente"
BATCH = 2000


def _periods(case, events, known: set[str]) -> list[list]:
    """[[municipality, start, end], ...] of one case from its handover events."""
    first = events[0].data.get("van_gemeente") or case.principal_id
    periods = [[first, case.opened_on, None]]
    for event in events:
        to = event.data.get("naar_gemeente")
        if not to or to == periods[-1][0]:
            continue
        day = max(timezone.localtime(event.at).date(), periods[-1][1])
        periods[-1][2] = day
        periods.append([to, day, None])
    if periods[-1][0] != case.principal_id:
        day = max(timezone.localtime(case.updated_at).date(), periods[-1][1])
        periods[-1][2] = day
        periods.append([case.principal_id, day, None])
    # Leave out unknown municipalities: the next period starts where they did.
    kept: list[list] = []
    start = None
    for municipality, begin, end in periods:
        start = begin if start is None else start
        if municipality in known:
            kept.append([municipality, start, end])
            start = None
    return kept


def backfill(apps, schema_editor) -> None:
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    PrincipalPeriod = apps.get_model("cases", "PrincipalPeriod")
    Municipality = apps.get_model("organisation", "Municipality")
    db = schema_editor.connection.alias

    known = set(Municipality.objects.using(db).values_list("code", flat=True))
    done = set(PrincipalPeriod.objects.using(db).values_list("case_id", flat=True).distinct())
    handed_over = (
        CaseEvent.objects.using(db)
        .filter(kind=HANDOVER)
        .exclude(case_id__in=done)
        .values_list("case_id", flat=True)
        .distinct()
    )
    case_ids = sorted(set(handed_over))
    for i in range(0, len(case_ids), BATCH):
        chunk = case_ids[i : i + BATCH]
        events: dict[int, list] = {}
        for event in (
            CaseEvent.objects.using(db)
            .filter(kind=HANDOVER, case_id__in=chunk)
            .only("case_id", "at", "data")
            .order_by("case_id", "at", "pk")
        ):
            events.setdefault(event.case_id, []).append(event)
        rows = []
        for case in (
            Case.objects.using(db)
            .filter(pk__in=chunk)
            .only("pk", "principal_id", "opened_on", "updated_at")
        ):
            for municipality, start, end in _periods(case, events[case.pk], known):
                rows.append(
                    PrincipalPeriod(
                        case_id=case.pk, municipality_id=municipality, start=start, end=end
                    )
                )
        PrincipalPeriod.objects.using(db).bulk_create(rows, batch_size=BATCH)

    # Every other case: one open period from its opening day, in the database.
    q = schema_editor.quote_name
    periods, cases = PrincipalPeriod._meta.db_table, Case._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(periods)} ({q('case_id')}, {q('municipality_id')}, "
            f"{q('start')}, {q('end')}) "
            f"SELECT c.{q('id')}, c.{q('principal_id')}, c.{q('opened_on')}, NULL "
            f"FROM {q(cases)} c WHERE NOT EXISTS "
            f"(SELECT 1 FROM {q(periods)} p WHERE p.{q('case_id')} = c.{q('id')})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_principal_period"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
