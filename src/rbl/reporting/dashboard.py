"""The live dashboard: how the region is doing today (R-34).

Open cases by type and by how long they are open, by the youth's age band,
cases with an overdue task, the caseload per officer, the week's new cases,
absence reports and absoluut signals, and the new cases per month — for one
municipality or for all municipalities of the reader together.

Who sees what follows `rbl.accounts.access`: the municipalities are those of
the reader's `aggregates` grant. A reader who reads the cases of all those
municipalities gets every number as a link to the list behind it (the case
lists filter on the same definitions, `rbl.web.filters`); a reader without
case access (policy staff) gets the figures only, small counts hidden
(`rbl.reporting.disclosure`), no list and no officer.

The cost is a fixed number of queries, whatever the size of the region.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, Exists, OuterRef, Q, Value, When
from django.db.models.functions import TruncMonth
from django.urls import reverse

from rbl.absoluut.models import Signal
from rbl.accounts.models import User
from rbl.cases.models import Case, CaseStatus, CaseType, Task, VerzuimMelding
from rbl.cases.services.settings import case_settings
from rbl.organisation.models import Municipality
from rbl.reporting.bands import AGE_BANDS, DURATION_BANDS, age_q, duration_q
from rbl.reporting.charts import Bar, bar_chart
from rbl.reporting.disclosure import Grid, protect
from rbl.web.permissions import user_grants as grants

MONTHS = 12
MONTH_NAMES = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()
REGION = "regio"  # the case lists' `gemeente` value for all of the reader's municipalities


@dataclass(frozen=True)
class Scope:
    """Which municipalities are counted, and how the reader may see them."""

    codes: tuple[str, ...]
    names: dict[str, str]  # every municipality the reader may pick, code -> name
    gemeente: str  # the one picked, or "" for all together
    lists: bool  # numbers link to the case lists behind them
    threshold: int  # counts from 1 below this are hidden; 0 hides nothing

    @property
    def title(self) -> str:
        if self.gemeente:
            return self.names[self.gemeente]
        return "alle gemeenten" if len(self.names) > 1 else self.names[self.codes[0]]

    @property
    def link_gemeente(self) -> str:
        return self.gemeente or (self.codes[0] if len(self.codes) == 1 else REGION)


class UnknownMunicipality(ValueError):
    """The reader asked for a municipality outside their grant."""


def scope_for(user, gemeente: str = "") -> Scope | None:
    """The dashboard `user` may see, for `gemeente` (a CBS code) or all of
    theirs; None when the user sees no figures at all."""
    g = grants(user)
    if not g.aggregates:
        return None
    names = dict(
        Municipality.objects.filter(code__in=list(g.aggregates))
        .order_by("name")
        .values_list("code", "name")
    )
    if gemeente and gemeente not in names:
        raise UnknownMunicipality(gemeente)
    codes = (gemeente,) if gemeente else tuple(names)
    lists = set(codes) <= g.all_cases
    threshold = 0 if lists else settings.RBL_SMALL_COUNT_THRESHOLD
    return Scope(codes, names, gemeente, lists, threshold)


@dataclass(frozen=True)
class Figure:
    """One number as shown: its value, hidden ("< 5") or not, and its list."""

    value: int
    hidden: bool = False
    threshold: int = 0
    url: str = ""

    @property
    def text(self) -> str:
        if self.hidden:
            return f"< {self.threshold}"
        return f"{self.value:,}".replace(",", ".")

    @property
    def export_value(self) -> int | str:
        return self.text if self.hidden else self.value


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Figure]
    total: Figure | None = None


@dataclass
class Table:
    key: str
    title: str
    definition: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    totals: Row | None = None
    chart: str = ""
    column_totals_add_up: bool = True

    @property
    def header(self) -> list[str]:
        extra = ["Totaal"] if self.rows and self.rows[0].total is not None else []
        return [self.row_header, *self.columns, *extra]

    def export_rows(self) -> list[list]:
        out = []
        for row in [*self.rows, *([self.totals] if self.totals else [])]:
            cells = [c.export_value for c in row.cells]
            total = [row.total.export_value] if row.total is not None else []
            out.append([row.label, *cells, *total])
        return out


@dataclass
class Dashboard:
    scope: Scope
    today: dt.date
    week_start: dt.date
    key_figures: list[tuple[str, Figure]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


# --- links --------------------------------------------------------------------


def _linker(scope: Scope) -> Callable[..., str]:
    paths = {
        "team": reverse("web:team"),
        "overdue": reverse("web:overdue"),
        "thuiszitters": reverse("web:thuiszitters"),
    }

    def link(view: str, **params) -> str:
        if not scope.lists:
            return ""
        query = {"gemeente": scope.link_gemeente, **params}
        return f"{paths[view]}?{urlencode(query)}"

    return link


# --- building tables from counts ----------------------------------------------


def _grid_table(
    scope: Scope,
    *,
    key: str,
    title: str,
    definition: str,
    row_header: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: list[list[int]],
    cell_url: Callable[[int | None, int | None], str],
    row_totals: bool = True,
    column_totals_add_up: bool = True,
) -> Table:
    grid = protect(
        Grid(cells, row_totals=row_totals, grand_total=column_totals_add_up), scope.threshold
    )
    t = scope.threshold

    def fig(value: int, hidden: bool, i: int | None, j: int | None) -> Figure:
        return Figure(value, hidden, t, "" if hidden or value == 0 else cell_url(i, j))

    table_rows = [
        Row(
            label,
            [fig(cells[i][j], grid.hidden[i][j], i, j) for j in range(len(columns))],
            fig(grid.row_total(i), grid.row_hidden[i], i, None) if row_totals else None,
        )
        for i, label in enumerate(rows)
    ]
    totals = Row(
        "Totaal",
        [fig(grid.col_total(j), grid.col_hidden[j], None, j) for j in range(len(columns))],
        fig(grid.total, grid.total_hidden, None, None) if row_totals else None,
    )
    return Table(
        key,
        title,
        definition,
        row_header,
        list(columns),
        table_rows,
        totals,
        column_totals_add_up=column_totals_add_up,
    )


def _chart(table: Table, chart_id: str, title: str, column: int | None = None) -> str:
    bars = []
    for row in table.rows:
        f = row.total if column is None else row.cells[column]
        bars.append(Bar(row.label, f.value, f.text, f.hidden))
    return bar_chart(chart_id, title, bars)


# --- the counts -----------------------------------------------------------------


def _band_annotations(today: dt.date) -> dict:
    dur = CaseWhen(
        *[When(duration_q(b.key, today), then=Value(b.key)) for b in DURATION_BANDS],
        output_field=CharField(),
    )
    age = CaseWhen(
        *[When(age_q(b.key, today), then=Value(b.key)) for b in AGE_BANDS if b.key != "overig"],
        default=Value("overig"),
        output_field=CharField(),
    )
    return {"dur": dur, "age": age}


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _month_end(first: dt.date) -> dt.date:
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def build_dashboard(scope: Scope, today: dt.date) -> Dashboard:
    """Every figure of the dashboard for `scope` on `today`."""
    codes = list(scope.codes)
    link = _linker(scope)
    monday = today - dt.timedelta(days=today.weekday())
    board = Dashboard(scope, today, monday)
    cases = Case.objects.filter(principal_id__in=codes).order_by()
    open_cases = cases.exclude(status=CaseStatus.AFGESLOTEN)
    overdue = Exists(Task.objects.overdue(today).filter(case=OuterRef("pk")))

    # 1. Open cases by municipality, type, duration band and age band.
    by_type_dur: dict[tuple[str, str], int] = defaultdict(int)
    by_age: dict[str, int] = defaultdict(int)
    open_per_muni: dict[str, int] = defaultdict(int)
    for row in (
        open_cases.annotate(**_band_annotations(today))
        .values("principal_id", "type", "dur", "age")
        .annotate(n=Count("pk"))
    ):
        by_type_dur[row["type"], row["dur"]] += row["n"]
        by_age[row["age"]] += row["n"]
        open_per_muni[row["principal_id"]] += row["n"]

    # 2. Open cases with an overdue task, per municipality and owner.
    overdue_per_muni: dict[str, int] = defaultdict(int)
    overdue_per_owner: dict[int | None, int] = defaultdict(int)
    for row in (
        open_cases.filter(overdue).values("principal_id", "owner_id").annotate(n=Count("pk"))
    ):
        overdue_per_muni[row["principal_id"]] += row["n"]
        overdue_per_owner[row["owner_id"]] += row["n"]

    # 3. Thuiszitters: youth with a case that makes them one, per municipality.
    weeks = case_settings().thuiszitter_weeks
    thuis_cases = cases.thuiszitters(today, weeks=weeks)
    thuis = dict(
        thuis_cases.values("principal_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("principal_id", "n")
    )
    # All together a youth counts once, even with cases of two municipalities.
    thuis_total = thuis_cases.aggregate(n=Count("person_id", distinct=True))["n"]

    # 4. This week: new cases, and cases with a new absence report.
    report = Exists(VerzuimMelding.objects.filter(case=OuterRef("pk"), meldingsdatum__gte=monday))
    week = {
        row["principal_id"]: row
        for row in cases.alias(reported=report)
        .filter(Q(opened_on__gte=monday) | Q(reported=True))
        .values("principal_id")
        .annotate(
            new=Count("pk", filter=Q(opened_on__gte=monday)),
            reported=Count("pk", filter=Q(reported=True)),
        )
    }
    signals = dict(
        Signal.objects.filter(municipality_id__in=codes, opened_on__gte=monday)
        .order_by()
        .values("municipality_id")
        .annotate(n=Count("pk"))
        .values_list("municipality_id", "n")
    )

    # Per municipality (and the key figures, their totals).
    measures = [
        ("Open zaken", lambda c: open_per_muni[c], lambda **p: link("team", open="ja", **p)),
        ("Met verstreken termijn", lambda c: overdue_per_muni[c], lambda **p: link("overdue", **p)),
        ("Thuiszitters", lambda c: thuis.get(c, 0), lambda **p: link("thuiszitters", **p)),
        (
            "Nieuw deze week",
            lambda c: week.get(c, {}).get("new", 0),
            lambda **p: link("team", geopend_vanaf=monday.isoformat(), **p),
        ),
        (
            "Met nieuwe verzuimmelding deze week",
            lambda c: week.get(c, {}).get("reported", 0),
            lambda **p: link("team", melding_vanaf=monday.isoformat(), **p),
        ),
        ("Signalen absoluut verzuim deze week", lambda c: signals.get(c, 0), lambda **p: ""),
    ]

    def muni_url(i: int | None, j: int | None) -> str:
        make = measures[j][2] if j is not None else None
        if make is None:
            return ""
        return make(gemeente=codes[i]) if i is not None else make()

    munis = _grid_table(
        scope,
        key="gemeenten",
        title="Per gemeente",
        definition=(
            "Open zaken: niet afgesloten. Met verstreken termijn: open zaken met een taak "
            "waarvan de termijn voorbij is. Thuiszitters: jongeren met een open zaak absoluut "
            f"verzuim, langdurig verzuim of relatief verzuim van meer dan {weeks} weken. "
            f"Deze week: vanaf maandag {monday:%d-%m-%Y}. De gemeente is de opdrachtgever "
            "van de zaak; bij signalen de woongemeente."
        ),
        row_header="Gemeente",
        rows=[scope.names[c] for c in codes],
        columns=[m[0] for m in measures],
        cells=[[m[1](c) for m in measures] for c in codes],
        cell_url=muni_url,
        row_totals=False,
        column_totals_add_up=False,
    )
    munis.chart = _chart(munis, "grafiek-gemeenten", "Open zaken per gemeente", column=0)
    summed = munis.totals.cells[2]
    munis.totals.cells[2] = Figure(
        thuis_total,
        summed.hidden or 0 < thuis_total < scope.threshold,
        scope.threshold,
        summed.url if thuis_total else "",
    )
    board.key_figures = [(m[0], f) for m, f in zip(measures, munis.totals.cells, strict=True)]

    # Open cases by type and duration.
    types = list(CaseType)
    type_table = _grid_table(
        scope,
        key="open-soort-duur",
        title="Open zaken naar soort en duur",
        definition=(
            "Zaken die niet zijn afgesloten, naar soort en naar de tijd sinds de opening "
            f"(op {today:%d-%m-%Y})."
        ),
        row_header="Soort zaak",
        rows=[t.label for t in types],
        columns=[b.label for b in DURATION_BANDS],
        cells=[[by_type_dur[t.value, b.key] for b in DURATION_BANDS] for t in types],
        cell_url=lambda i, j: link(
            "team",
            open="ja",
            **({"type": types[i].value} if i is not None else {}),
            **({"duur": DURATION_BANDS[j].key} if j is not None else {}),
        ),
    )
    type_table.chart = _chart(type_table, "grafiek-soort", "Open zaken per soort")

    age_table = _grid_table(
        scope,
        key="open-leeftijd",
        title="Open zaken naar leeftijd van de jongere",
        definition=f"Zaken die niet zijn afgesloten, naar de leeftijd van de jongere op {today:%d-%m-%Y}.",
        row_header="Leeftijd",
        rows=[b.label for b in AGE_BANDS],
        columns=["Open zaken"],
        cells=[[by_age[b.key]] for b in AGE_BANDS],
        cell_url=lambda i, j: link(
            "team", open="ja", **({"leeftijd": AGE_BANDS[i].key} if i is not None else {})
        ),
        row_totals=False,
    )
    age_table.chart = _chart(age_table, "grafiek-leeftijd", "Open zaken per leeftijd", column=0)

    # The same number, open cases, must be hidden everywhere or nowhere.
    open_figures = [munis.totals.cells[0], type_table.totals.total, age_table.totals.cells[0]]
    if any(f.hidden for f in open_figures):
        hidden = Figure(open_figures[0].value, True, scope.threshold)
        munis.totals.cells[0] = hidden
        type_table.totals = Row("Totaal", type_table.totals.cells, hidden)
        age_table.totals.cells[0] = hidden
        board.key_figures[0] = (board.key_figures[0][0], hidden)

    # New cases per month.
    months = _months(today)
    per_month = dict(
        cases.filter(opened_on__gte=months[0])
        .annotate(month=TruncMonth("opened_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    per_month = {(m.date() if isinstance(m, dt.datetime) else m): n for m, n in per_month.items()}
    trend = _grid_table(
        scope,
        key="trend",
        title=f"Nieuwe zaken per maand, de laatste {MONTHS} maanden",
        definition="Zaken naar de maand waarin ze zijn geopend; de lopende maand tot en met vandaag.",
        row_header="Maand",
        rows=[f"{MONTH_NAMES[m.month - 1]} {m.year}" for m in months],
        columns=["Nieuwe zaken"],
        cells=[[per_month.get(m, 0)] for m in months],
        cell_url=lambda i, j: (
            link(
                "team",
                geopend_vanaf=months[i].isoformat(),
                geopend_tot=min(_month_end(months[i]), today).isoformat(),
            )
            if i is not None
            else link("team", geopend_vanaf=months[0].isoformat(), geopend_tot=today.isoformat())
        ),
        row_totals=False,
    )
    trend.chart = _chart(trend, "grafiek-trend", "Nieuwe zaken per maand", column=0)

    board.tables = [munis, type_table, age_table, trend]
    if scope.lists:
        board.tables.append(_caseload(scope, open_cases, overdue_per_owner, link))
    return board


def _caseload(scope: Scope, open_cases, overdue_per_owner, link) -> Table:
    """Open cases per owner, by status, with the cases whose term has passed."""
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in open_cases.values("owner_id", "status").annotate(n=Count("pk")):
        counts[row["owner_id"]][row["status"]] += row["n"]
    owners = {
        u.pk: u
        for u in User.objects.filter(pk__in=[k for k in counts if k is not None]).only(
            "username", "first_name", "last_name"
        )
    }
    ordered = sorted(
        owners.values(), key=lambda u: ((u.get_full_name() or u.username).lower(), u.pk)
    )
    keys: list[int | None] = [u.pk for u in ordered] + ([None] if None in counts else [])
    labels = [(u.get_full_name() or u.username) for u in ordered] + (
        ["Niet toegewezen"] if None in counts else []
    )
    statuses = [CaseStatus.OPEN, CaseStatus.IN_BEHANDELING]

    def url(i: int | None, j: int | None) -> str:
        if i is None or keys[i] is None:
            return ""
        who = {"eigenaar": owners[keys[i]].username}
        if j is None:
            return link("team", open="ja", **who)
        if j < 2:
            return link("team", status=statuses[j].value, **who)
        return link("overdue", **who)

    table = _grid_table(
        scope,
        key="caseload",
        title="Caseload per medewerker",
        definition=(
            "Open zaken per eigenaar: nieuw, in behandeling, en hoeveel daarvan een taak "
            "hebben waarvan de termijn voorbij is (die telt niet mee in het totaal)."
        ),
        row_header="Medewerker",
        rows=labels,
        columns=["Nieuw", "In behandeling", "Met verstreken termijn"],
        cells=[
            [
                counts[k][CaseStatus.OPEN],
                counts[k][CaseStatus.IN_BEHANDELING],
                overdue_per_owner.get(k, 0),
            ]
            for k in keys
        ],
        cell_url=url,
        row_totals=False,
        column_totals_add_up=False,
    )
    # The row total is open cases (new + in progress), not the overdue ones.
    table.columns.append("Open totaal")
    for i, row in enumerate(table.rows):
        n = row.cells[0].value + row.cells[1].value
        row.cells.append(Figure(n, False, 0, url(i, None) if n else ""))
    total = sum(r.cells[3].value for r in table.rows)
    table.totals.cells.append(Figure(total, False, 0, link("team", open="ja") if total else ""))
    table.chart = _chart(table, "grafiek-caseload", "Open zaken per medewerker", column=3)
    return table
