"""The data-quality report (R-35): what must be fixed, who fixes it, and where
officers and municipalities record differently.

The items (`QualityKind`), each a definition on a queryset:

- zonder_eigenaar: open cases without an owner, or whose owner is no longer
  an active user;
- te_lang_open: open cases opened more than the region's term for their type
  ago (`QualitySettings.open_term`, defaults in `DEFAULT_OPEN_TERM_DAYS`);
- zonder_route: open cases of a MAS type (`ROUTE_TYPES`) without a recorded
  route, opened more than the route term ago (default 42 days);
- melding_niet_gekoppeld: absence reports whose BSN matches no person ("niet
  gekoppeld"), dated more than `unlinked_report_days` ago (default 7);
- import_niet_verwerkt: imports rejected or failed with no later applied
  import of the same kind, and web imports still waiting for a worker a day
  after they were started;
- signaal_zonder_brief: open absoluut-verzuim signals without a control letter
  after a week (`Signal.objects.without_letter`);
- school_onbekend: placeholder schools made for a BRIN that a DUO file named
  and the schools file did not (formats.md).

Each day's boundary: a case opened exactly the term ago is not yet reported,
one a day older is.

The case items are also a filter of the case lists (`kwaliteit=` on
`/team/`, `/werk/` and the API, `rbl.web.filters.CaseFilter`), built from
`case_problem_q` below, so each number on the report equals the list its
link opens.

Who answers for an item: the owner of the case (te_lang_open, zonder_route);
for items without an owner the central administration of the municipality
(the coordinator where a municipality has no administration), and for the
items of no municipality (reports, imports, schools) the administration of
the region. An item open `escalation_days` or longer also goes to the
coordinators (`rbl.reporting.weekly`).

The comparison of officers and municipalities (`comparisons`) is over the
cases opened in the last `comparison_days` (default 365) of the region:

- share closed as "overig": of the closed cases, those with closing reason
  `overig`;
- share without a chosen route: of the cases of a MAS type whose route term
  has passed (open or closed), those without a route;
- median days to the first activity: over the cases of `ACTIVITY_TYPES`, the
  days from opening to the first activity; a case without any activity
  counts the days it has been open (until today, or until it was closed).

An officer (the case's current owner) or municipality (the principal) is
compared only with at least `min_cases` cases in the measure. The regional
median is the median of those values; a value is flagged when it is above
`outlier_factor` (2) times the median *and* above a floor: 10 percentage
points for a share, 7 days for the days. The floor is the rule for a median
of 0: twice 0 is 0, and one "overig" case in thirty is no outlier.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from rbl.absoluut.models import Signal
from rbl.accounts.access import grants, visible_cases, visible_meldingen, visible_signals
from rbl.accounts.models import User
from rbl.cases.models import Activity, Case, CaseStatus, CaseType, ClosingReason, VerzuimMelding
from rbl.organisation.models import Municipality, Region, School
from rbl.registry.models import ImportJob, ImportJobState, ImportLog, ImportOutcome
from rbl.reporting.models import (
    ACTIVITY_TYPES,
    CASE_KINDS,
    ROUTE_TYPES,
    QualityKind,
    QualitySettings,
)

#: A web import still waiting for (or running in) a worker this long is "not applied".
STALE_IMPORT = dt.timedelta(days=1)
#: Floors of the outlier rule (see the module docstring).
SHARE_FLOOR = 0.10
DAYS_FLOOR = 7.0

FULL, OWN = "volledig", "eigen"


# --- terms ------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """The settings of every region, read once: region id -> settings (None:
    municipalities outside any region); `regional` for items of no municipality."""

    by_region: dict[int | None, QualitySettings]
    regional: QualitySettings

    def of(self, region_id: int | None) -> QualitySettings:
        return self.by_region.get(region_id, self.regional)


def load_terms() -> Terms:
    rows = {row.region_id: row for row in QualitySettings.objects.all()}
    default = QualitySettings()
    by_region: dict[int | None, QualitySettings] = {
        pk: rows.get(pk, default) for pk in Region.objects.values_list("pk", flat=True)
    }
    by_region[None] = default
    regional = next(iter(sorted(rows.values(), key=lambda r: r.pk)), default)
    return Terms(by_region, regional)


def quality_settings(municipality: Municipality | None = None) -> QualitySettings:
    """The terms of the region of `municipality` (or of the first region that
    set them); an unsaved row with the defaults when none are set."""
    terms = load_terms()
    if municipality is not None:
        return terms.of(municipality.region_id)
    return terms.regional


# --- the definitions ---------------------------------------------------------------


def _regions_q(region_ids: set[int | None], terms: Terms, prefix: str) -> Q:
    if region_ids >= set(terms.by_region):
        return Q()
    clauses = []
    ids = sorted(r for r in region_ids if r is not None)
    if ids:
        clauses.append(Q(**{f"{prefix}__in": ids}))
    if None in region_ids:
        clauses.append(Q(**{f"{prefix}__isnull": True}))
    return reduce(or_, clauses)


def _open() -> Q:
    return ~Q(status=CaseStatus.AFGESLOTEN)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def case_problem_q(kind: str, today: dt.date, terms: Terms | None = None) -> Q:
    """The open cases that have problem `kind` on `today`, as one filter on Case."""
    terms = terms or load_terms()
    region = "principal__region"
    if kind == QualityKind.ZONDER_EIGENAAR:
        return _open() & (Q(owner__isnull=True) | Q(owner__is_active=False))
    if kind == QualityKind.TE_LANG_OPEN:
        groups: dict[tuple[int, frozenset], list[str]] = defaultdict(list)
        for case_type in CaseType.values:
            per_days: dict[int, set] = defaultdict(set)
            for region_id, row in terms.by_region.items():
                per_days[row.open_term(case_type)].add(region_id)
            for days, region_ids in per_days.items():
                groups[(days, frozenset(region_ids))].append(case_type)
        clauses = [
            Q(type__in=sorted(types), opened_on__lt=today - _days(days))
            & _regions_q(set(region_ids), terms, region)
            for (days, region_ids), types in sorted(groups.items(), key=lambda g: g[0][0])
        ]
        return _open() & reduce(or_, clauses)
    if kind == QualityKind.ZONDER_ROUTE:
        per_days: dict[int, set] = defaultdict(set)
        for region_id, row in terms.by_region.items():
            per_days[row.route_term_days].add(region_id)
        clauses = [
            Q(opened_on__lt=today - _days(days)) & _regions_q(region_ids, terms, region)
            for days, region_ids in sorted(per_days.items())
        ]
        return _open() & Q(route="", type__in=sorted(ROUTE_TYPES)) & reduce(or_, clauses)
    raise ValueError(f"no case item: {kind}")


def unlinked_reports(reports: QuerySet, today: dt.date, terms: Terms | None = None) -> QuerySet:
    """Reports of `reports` that wait longer than the term for their youth."""
    terms = terms or load_terms()
    days = terms.regional.unlinked_report_days
    return reports.filter(
        person__isnull=True, case__isnull=True, meldingsdatum__lt=today - _days(days)
    )


def signals_without_letter(signals: QuerySet, today: dt.date) -> QuerySet:
    """Open signals that waited more than a week for their control letter."""
    return signals.filter(pk__in=Signal.objects.without_letter(today).values("pk"))


def placeholder_schools() -> QuerySet:
    return School.objects.filter(placeholder=True).order_by("brin", "vestiging")


@dataclass(frozen=True)
class ImportProblem:
    """An import that was rejected, failed or never ran (no personal values)."""

    key: str
    kind: str
    file_name: str
    at: dt.datetime
    outcome: str
    log_id: int | None
    has_errors: bool


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def import_problems(today: dt.date) -> list[ImportProblem]:
    """Imports rejected or failed without a later applied import of the same
    kind, and web imports waiting for a worker for more than a day."""
    applied = ImportLog.objects.filter(
        kind=OuterRef("kind"), outcome__in=[ImportOutcome.APPLIED, ImportOutcome.PARTIAL]
    )
    end = _midnight(today + _days(1))
    logs = (
        ImportLog.objects.filter(
            outcome__in=[ImportOutcome.REJECTED, ImportOutcome.FAILED], started_at__lt=end
        )
        .filter(~Exists(applied.filter(started_at__gt=OuterRef("started_at"))))
        .order_by("-started_at", "-pk")
    )
    problems = [
        ImportProblem(
            key=f"import:{log.pk}",
            kind=log.kind,
            file_name=log.file_name,
            at=log.started_at,
            outcome=log.get_outcome_display(),
            log_id=log.pk,
            has_errors=bool(log.errors),
        )
        for log in logs
    ]
    stale = end - _days(1) - STALE_IMPORT
    jobs = (
        ImportJob.objects.filter(
            Q(state=ImportJobState.FAILED, log__isnull=True, created_at__lt=end)
            | Q(state__in=[ImportJobState.WAITING, ImportJobState.RUNNING], created_at__lt=stale)
        )
        .filter(~Exists(applied.filter(started_at__gt=OuterRef("created_at"))))
        .order_by("-created_at")
    )
    problems += [
        ImportProblem(
            key=f"importtaak:{job.pk}",
            kind=job.kind,
            file_name=job.file_name,
            at=job.created_at,
            outcome=(
                "Mislukt"
                if job.state == ImportJobState.FAILED
                else "Niet verwerkt (wacht op een verwerker)"
            ),
            log_id=None,
            has_errors=False,
        )
        for job in jobs
    ]
    return problems


# --- the items found on one day (for the weekly run) ---------------------------------


@dataclass(frozen=True)
class Detected:
    kind: str
    key: str
    municipality_id: str | None
    owner_id: int | None  # the active owner who answers for it; None: the administration


def detect(today: dt.date, terms: Terms | None = None) -> list[Detected]:
    """Every item of the whole installation on `today`."""
    terms = terms or load_terms()
    found: list[Detected] = []
    for kind in CASE_KINDS:
        rows = Case.objects.filter(case_problem_q(kind, today, terms)).values_list(
            "pk", "principal_id", "owner_id", "owner__is_active"
        )
        for pk, code, owner_id, active in rows.order_by("pk"):
            owner = owner_id if active and kind != QualityKind.ZONDER_EIGENAAR else None
            found.append(Detected(kind, f"zaak:{pk}", code, owner))
    for pk, code in (
        Signal.objects.without_letter(today).values_list("pk", "municipality_id").order_by("pk")
    ):
        found.append(Detected(QualityKind.SIGNAAL_ZONDER_BRIEF, f"signaal:{pk}", code, None))
    for pk in (
        unlinked_reports(VerzuimMelding.objects.all(), today, terms)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        found.append(Detected(QualityKind.MELDING_NIET_GEKOPPELD, f"melding:{pk}", None, None))
    for problem in import_problems(today):
        found.append(Detected(QualityKind.IMPORT_NIET_VERWERKT, problem.key, None, None))
    for pk in placeholder_schools().values_list("pk", flat=True):
        found.append(Detected(QualityKind.SCHOOL_ONBEKEND, f"school:{pk}", None, None))
    return found


# --- links ---------------------------------------------------------------------------


def _url(name: str, params: dict[str, Any] | None = None, anchor: str = "") -> str:
    url = reverse(name)
    if params:
        url += "?" + urlencode(params)
    return url + (f"#{anchor}" if anchor else "")


def case_list_url(kind: str, *, mine: bool = False, **params: Any) -> str:
    """The case list that shows exactly the cases of item `kind`: the user's
    own open cases (`mine`, "Mijn werk") or the team's, narrowed by `params`
    (gemeente, eigenaar, type)."""
    query = {"kwaliteit": kind, **{k: v for k, v in params.items() if v}}
    return _url("web:my-work" if mine else "web:team", query)


def fix_url(kind: str) -> str:
    """Where the items of no case are fixed."""
    if kind == QualityKind.SIGNAAL_ZONDER_BRIEF:
        # "Termijn verstreken" lists exactly these (Signal.objects.without_letter),
        # with a link on to Brieven where the letters are made.
        return _url("web:overdue", anchor="h-zonder-brief")
    if kind == QualityKind.MELDING_NIET_GEKOPPELD:
        return _url("reporting:unlinked")
    # The report lists these itself (no personal values), with the way on to
    # the import page and the error reports.
    if kind == QualityKind.IMPORT_NIET_VERWERKT:
        return _url("reporting:quality", anchor="h-importen")
    if kind == QualityKind.SCHOOL_ONBEKEND:
        return _url("reporting:quality", anchor="h-scholen")
    raise ValueError(kind)


# --- the report for one user -----------------------------------------------------------


def report_mode(user: Any) -> str | None:
    """FULL for who changes the cases of municipalities (coordinator, central
    administration: every item of those municipalities), OWN for the officers
    who read them (their own items and their own figures), None otherwise."""
    g = grants(user)
    if g.edit_cases:
        return FULL
    if g.all_cases:
        return OWN
    return None


@dataclass(frozen=True)
class Finding:
    """A number on the report: `count` items of `kind` of one municipality (None:
    all, or no municipality) answered for by `owner` (None: the administration
    or all owners), and the page where they are fixed."""

    kind: str
    label: str
    count: int
    municipality: Municipality | None
    owner: User | None
    url: str


@dataclass(frozen=True)
class Cell:
    count: int
    url: str | None


@dataclass
class ItemRow:
    kind: str
    label: str
    explanation: str
    total: Cell
    cells: list[Cell | None]  # per municipality column; None: not per municipality
    sub: bool = False  # one case type of te_lang_open


@dataclass
class OwnerRow:
    owner: User
    cells: list[Cell]  # te_lang_open, zonder_route


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    share: bool

    @property
    def floor(self) -> float:
        return SHARE_FLOOR if self.share else DAYS_FLOOR


MEASURES: tuple[Measure, ...] = (
    Measure("overig", "Afgesloten met reden ‘overig’", True),
    Measure("zonder_route", "Zonder gekozen MAS-route", True),
    Measure("eerste_activiteit", "Mediaan dagen tot eerste activiteit", False),
)


@dataclass(frozen=True)
class Value:
    value: float | None  # None: fewer cases than the minimum
    n: int  # the cases the measure is over
    part: int | None  # for a share: how many of them
    flagged: bool = False


@dataclass
class CompareRow:
    label: str
    url: str
    values: list[Value]
    owner_id: int | None = None
    code: str | None = None

    @property
    def flagged(self) -> bool:
        return any(v.flagged for v in self.values)


@dataclass
class CompareTable:
    """One side of the comparison: the officers, or the municipalities."""

    medians: list[float | None]
    thresholds: list[float | None]
    rows: list[CompareRow]

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.rows if r.flagged)


@dataclass
class Comparison:
    region: Region | None
    since: dt.date
    factor: float
    min_cases: int
    officers: CompareTable
    municipalities: CompareTable


@dataclass
class QualityReport:
    today: dt.date
    mode: str
    municipalities: list[Municipality]
    rows: list[ItemRow]
    owners: list[OwnerRow]
    imports: list[ImportProblem]
    schools: list[School]
    comparisons: list[Comparison]
    findings: list[Finding] = field(default_factory=list)
    terms: QualitySettings | None = None

    @property
    def total(self) -> int:
        return sum(r.total.count for r in self.rows if not r.sub)


def _owner_name(user: User) -> str:
    return user.get_full_name() or user.username


EXPLANATION = {
    QualityKind.ZONDER_EIGENAAR: "Open zaken zonder eigenaar, of met een eigenaar die niet meer actief is.",
    QualityKind.TE_LANG_OPEN: "Open zaken die langer open zijn dan de termijn voor hun soort.",
    QualityKind.ZONDER_ROUTE: (
        "Open zaken van een soort met MAS-route waarvoor na de termijn nog geen route is gekozen."
    ),
    QualityKind.MELDING_NIET_GEKOPPELD: (
        "Verzuimmeldingen van DUO waarvan het BSN (nog) bij geen jongere in de registratie hoort."
    ),
    QualityKind.IMPORT_NIET_VERWERKT: (
        "Afgekeurde of mislukte imports zonder latere geslaagde import van dezelfde soort, "
        "en imports die langer dan een dag op verwerking wachten."
    ),
    QualityKind.SIGNAAL_ZONDER_BRIEF: (
        "Open signalen absoluut verzuim die langer dan een week op hun controlebrief wachten."
    ),
    QualityKind.SCHOOL_ONBEKEND: (
        "Scholen die in een DUO-bestand voorkwamen maar niet in het scholenbestand."
    ),
}


def _case_findings(
    kind: str, base: QuerySet, today: dt.date, terms: Terms
) -> list[tuple[str, int | None, str, int]]:
    """(principal, owner id, type, count) of the cases of `base` with problem `kind`."""
    rows = (
        base.filter(case_problem_q(kind, today, terms))
        .values_list("principal_id", "owner_id", "type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return list(rows)


def quality_report(user: Any, today: dt.date | None = None) -> QualityReport | None:
    """The report as `user` may see it (None: not for this user)."""
    mode = report_mode(user)
    if mode is None:
        return None
    today = today or timezone.localdate()
    terms = load_terms()
    g = grants(user)
    if mode == FULL:
        scope = sorted(g.all_cases)
        base = visible_cases(user, today).filter(principal_id__in=scope)
        kinds = list(CASE_KINDS)
    else:
        scope = []
        base = visible_cases(user, today).filter(owner=user)
        kinds = [QualityKind.TE_LANG_OPEN, QualityKind.ZONDER_ROUTE]
    municipalities = list(Municipality.objects.filter(code__in=scope).order_by("name"))
    by_code = {m.code: m for m in municipalities}
    scope_param = "regio" if len(scope) > 1 else (scope[0] if scope else "")
    rows: list[ItemRow] = []
    findings: list[Finding] = []
    per_owner: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def case_link(kind: str, **params: Any) -> str:
        if mode == OWN:
            return case_list_url(kind, mine=True, type=params.get("type"))
        params.setdefault("gemeente", scope_param)
        return case_list_url(kind, **params)

    grouped = {k: _case_findings(k, base, today, terms) for k in kinds}
    owner_ids = {o for k in kinds for _, o, _, _ in grouped[k] if o is not None}
    owners = {u.pk: u for u in User.objects.filter(pk__in=owner_ids)}
    for kind in kinds:
        per_code: dict[str, int] = defaultdict(int)
        per_type: dict[str, int] = defaultdict(int)
        for code, owner_id, case_type, n in grouped[kind]:
            per_code[code] += n
            per_type[case_type] += n
            if owner_id is not None and kind != QualityKind.ZONDER_EIGENAAR:
                per_owner[owner_id][kind] += n
            findings.append(
                Finding(
                    kind=kind,
                    label=QualityKind(kind).label,
                    count=n,
                    municipality=by_code.get(code),
                    owner=owners.get(owner_id),
                    url=case_link(kind, gemeente=code if mode == FULL else None),
                )
            )
        total = sum(per_code.values())
        cells: list[Cell | None] = [
            Cell(per_code.get(m.code, 0), case_link(kind, gemeente=m.code)) for m in municipalities
        ]
        rows.append(
            ItemRow(
                kind,
                QualityKind(kind).label,
                EXPLANATION[kind],
                Cell(total, case_link(kind)),
                cells if mode == FULL else [],
            )
        )
        if kind == QualityKind.TE_LANG_OPEN:
            for case_type in CaseType.values:
                if not per_type.get(case_type):
                    continue
                terms_of_type = {row.open_term(case_type) for row in _used_terms(terms, scope)}
                label = CaseType(case_type).label
                if len(terms_of_type) == 1:
                    label += f" (langer dan {terms_of_type.pop()} dagen)"
                sub_cells: list[Cell | None] = []
                if mode == FULL:
                    counts = _type_counts(grouped[kind], case_type)
                    sub_cells = [
                        Cell(
                            counts.get(m.code, 0),
                            case_link(kind, gemeente=m.code, type=case_type),
                        )
                        for m in municipalities
                    ]
                rows.append(
                    ItemRow(
                        kind,
                        label,
                        "",
                        Cell(per_type[case_type], case_link(kind, type=case_type)),
                        sub_cells,
                        sub=True,
                    )
                )

    imports: list[ImportProblem] = []
    schools: list[School] = []
    if mode == FULL:
        # Signals without a letter: for who makes the letters (the "Termijn verstreken" list).
        letter_codes = sorted(g.edit_cases)
        signal_counts = dict(
            signals_without_letter(
                visible_signals(user, today).filter(municipality_id__in=letter_codes), today
            )
            .values_list("municipality_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        url = fix_url(QualityKind.SIGNAAL_ZONDER_BRIEF)
        rows.append(
            ItemRow(
                QualityKind.SIGNAAL_ZONDER_BRIEF,
                QualityKind.SIGNAAL_ZONDER_BRIEF.label,
                EXPLANATION[QualityKind.SIGNAAL_ZONDER_BRIEF],
                Cell(sum(signal_counts.values()), url),
                [
                    Cell(signal_counts.get(m.code, 0), url) if m.code in g.edit_cases else None
                    for m in municipalities
                ],
            )
        )
        for code, n in signal_counts.items():
            findings.append(
                Finding(
                    QualityKind.SIGNAAL_ZONDER_BRIEF,
                    QualityKind.SIGNAAL_ZONDER_BRIEF.label,
                    n,
                    by_code.get(code),
                    None,
                    url,
                )
            )
        unlinked = unlinked_reports(visible_meldingen(user, today), today, terms).count()
        imports = import_problems(today)
        schools = list(placeholder_schools())
        for kind, count in (
            (QualityKind.MELDING_NIET_GEKOPPELD, unlinked),
            (QualityKind.IMPORT_NIET_VERWERKT, len(imports)),
            (QualityKind.SCHOOL_ONBEKEND, len(schools)),
        ):
            url = fix_url(kind)
            rows.append(
                ItemRow(
                    kind,
                    QualityKind(kind).label,
                    EXPLANATION[kind],
                    Cell(count, url),
                    [None for _ in municipalities],
                )
            )
            if count:
                findings.append(Finding(kind, QualityKind(kind).label, count, None, None, url))

    owner_rows = [
        OwnerRow(
            owners[pk],
            [
                Cell(
                    per_owner[pk].get(kind, 0),
                    case_link(kind, eigenaar=owners[pk].username),
                )
                for kind in (QualityKind.TE_LANG_OPEN, QualityKind.ZONDER_ROUTE)
            ],
        )
        for pk in sorted(per_owner, key=lambda pk: _owner_name(owners[pk]).lower())
    ]
    if mode == OWN:
        owner_rows = []
    region_ids = (
        set(Municipality.objects.filter(code__in=scope).values_list("region_id", flat=True))
        if mode == FULL
        else set(base.values_list("principal__region_id", flat=True).distinct())
    )
    comparisons = [
        _for_user(compare(region_id, today, terms), user, mode, scope, scope_param)
        for region_id in sorted(region_ids, key=lambda r: (r is None, r or 0))
    ]
    return QualityReport(
        today=today,
        mode=mode,
        municipalities=municipalities,
        rows=rows,
        owners=owner_rows,
        imports=imports,
        schools=schools,
        comparisons=comparisons,
        findings=findings,
        terms=_used_terms(terms, scope)[0] if scope else terms.regional,
    )


def _used_terms(terms: Terms, scope: list[str]) -> list[QualitySettings]:
    if not scope:
        return [terms.regional]
    region_ids = set(
        Municipality.objects.filter(code__in=scope).values_list("region_id", flat=True)
    )
    return [terms.of(r) for r in sorted(region_ids, key=lambda r: (r is None, r or 0))]


def _type_counts(grouped: list[tuple[str, int | None, str, int]], case_type: str) -> dict:
    counts: dict[str, int] = defaultdict(int)
    for code, _, t, n in grouped:
        if t == case_type:
            counts[code] += n
    return counts


def findings(user: Any, today: dt.date | None = None) -> list[Finding]:
    """The numbers of the report for `user`, one per item kind, municipality
    and owner (empty for a user the report is not for)."""
    report = quality_report(user, today)
    return report.findings if report is not None else []


# --- officers and municipalities compared --------------------------------------------


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _values(unit: list, min_cases: int) -> list[Value]:
    closed, overig, route_due, no_route, days = unit

    def share(n: int, part: int) -> Value:
        return Value(part / n if n >= min_cases else None, n, part)

    return [
        share(closed, overig),
        share(route_due, no_route),
        Value(_median(days) if len(days) >= min_cases else None, len(days), None),
    ]


def _table(values: dict[Any, list[Value]], factor: float) -> tuple[list, list]:
    medians: list[float | None] = []
    thresholds: list[float | None] = []
    for i, measure in enumerate(MEASURES):
        med = _median([v[i].value for v in values.values() if v[i].value is not None])
        medians.append(med)
        thresholds.append(None if med is None else max(factor * med, measure.floor))
    return medians, thresholds


def _flag(values: list[Value], limits: list[float | None]) -> list[Value]:
    return [
        Value(v.value, v.n, v.part, v.value is not None and t is not None and v.value > t)
        for v, t in zip(values, limits, strict=True)
    ]


def compare(region_id: int | None, today: dt.date, terms: Terms | None = None) -> Comparison:
    """The three measures per officer and per municipality of one region, over
    the cases opened in its comparison window (module docstring). Aggregates
    only: no person, no case."""
    terms = terms or load_terms()
    row = terms.of(region_id)
    since = today - _days(row.comparison_days)
    route_cut = today - _days(row.route_term_days)
    factor = float(row.outlier_factor)
    first = Subquery(
        Activity.objects.filter(case=OuterRef("pk")).order_by("date").values("date")[:1]
    )
    in_region = (
        Q(principal__region__isnull=True) if region_id is None else Q(principal__region=region_id)
    )
    cases = (
        Case.objects.filter(in_region, opened_on__gte=since, opened_on__lte=today)
        .annotate(first_activity=first)
        .values_list(
            "owner_id",
            "principal_id",
            "type",
            "status",
            "closing_reason",
            "route",
            "opened_on",
            "closed_on",
            "first_activity",
        )
        .order_by()
    )
    # Per officer and per municipality: closed, closed "overig", route due,
    # route due without a route, days to the first activity.
    officers: dict[int, list] = defaultdict(lambda: [0, 0, 0, 0, []])
    codes: dict[str, list] = defaultdict(lambda: [0, 0, 0, 0, []])
    for owner_id, code, case_type, status, reason, route, opened, closed, first_day in cases:
        units = [codes[code]] + ([officers[owner_id]] if owner_id is not None else [])
        for unit in units:
            if status == CaseStatus.AFGESLOTEN:
                unit[0] += 1
                unit[1] += reason == ClosingReason.OVERIG
            if case_type in ROUTE_TYPES and opened < route_cut:
                unit[2] += 1
                unit[3] += not route
            if case_type in ACTIVITY_TYPES:
                # Without an activity: the days it has been (or was) open.
                end = first_day or min(closed or today, today)
                unit[4].append(max(0, (end - opened).days))
    officer_values = {pk: _values(u, row.min_cases) for pk, u in officers.items()}
    code_values = {code: _values(u, row.min_cases) for code, u in codes.items()}
    o_medians, o_limits = _table(officer_values, factor)
    m_medians, m_limits = _table(code_values, factor)
    users = {u.pk: u for u in User.objects.filter(pk__in=list(officer_values))}
    names = dict(
        Municipality.objects.filter(code__in=list(code_values)).values_list("code", "name")
    )
    officer_rows = sorted(
        (
            CompareRow(_owner_name(users[pk]), "", _flag(v, o_limits), owner_id=pk)
            for pk, v in officer_values.items()
            if pk in users
        ),
        key=lambda r: r.label.lower(),
    )
    code_rows = sorted(
        (
            CompareRow(names.get(code, code), "", _flag(v, m_limits), code=code)
            for code, v in code_values.items()
        ),
        key=lambda r: r.label.lower(),
    )
    return Comparison(
        region=Region.objects.filter(pk=region_id).first() if region_id is not None else None,
        since=since,
        factor=factor,
        min_cases=row.min_cases,
        officers=CompareTable(o_medians, o_limits, officer_rows),
        municipalities=CompareTable(m_medians, m_limits, code_rows),
    )


def _for_user(
    comparison: Comparison, user: Any, mode: str, scope: list[str], scope_param: str
) -> Comparison:
    """The rows `user` sees, with their links: for the administration and the
    coordinator the municipalities of their scope and the officers with cases
    there; for an officer their own row only. The medians stay the region's."""
    since = comparison.since.isoformat()
    if mode == OWN:
        officers = [r for r in comparison.officers.rows if r.owner_id == user.pk]
        municipalities: list[CompareRow] = []
    else:
        active = set(
            visible_cases(user)
            .filter(principal_id__in=scope, opened_on__gte=comparison.since)
            .exclude(owner__isnull=True)
            .values_list("owner_id", flat=True)
            .distinct()
        )
        officers = [r for r in comparison.officers.rows if r.owner_id in active]
        municipalities = [r for r in comparison.municipalities.rows if r.code in scope]
    users = {u.pk: u for u in User.objects.filter(pk__in=[r.owner_id for r in officers])}
    for r in officers:
        params = {"eigenaar": users[r.owner_id].username, "geopend_vanaf": since}
        if mode == FULL:
            params["gemeente"] = scope_param
        r.url = _url("web:team", params)
    for r in municipalities:
        r.url = _url("web:team", {"gemeente": r.code, "geopend_vanaf": since})
    comparison.officers.rows = officers
    comparison.municipalities.rows = municipalities
    return comparison
