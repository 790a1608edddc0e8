"""The case page and its forms: add an activity or conversation, choose the
MAS route, close with a reason, hand the case over (R-26), add a task and
mark it done (R-27). Each form carries the case version the user
saw; a concurrent change answers with a Dutch conflict message (409) instead
of overwriting it (R-64).

Only what applies to the case's type is shown (rbl.cases.services.case_types):
a verlofaanvraag or vrijstelling has no MAS route and fewer activities; a
form posted anyway is refused with the reason (400) and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rbl.accounts.access import can_edit_case
from rbl.accounts.models import Role, User
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases import mas as mas_steps
from rbl.cases.models import Case, CaseEvent, EventKind, LeaveRequest
from rbl.cases.services import case_types
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.history import describe_events
from rbl.cases.services.leave import decide_leave
from rbl.cases.services.lifecycle import (
    assign_case,
    cases_due_for_rmc_handover,
    choose_route,
    close_case,
    handover_to_rmc,
    record_parents_choice,
)
from rbl.cases.services.tasks import finish_task, schedule_task
from rbl.law.status import birthday
from rbl.letters.views import case_documents_context
from rbl.timekeeping.services import add_activity_with_time
from rbl.web.forms import (
    HANDOVER_RMC,
    ActivityForm,
    CloseForm,
    ConsentForm,
    HandoverForm,
    LeaveDecisionForm,
    RouteForm,
    TaskDoneForm,
    TaskForm,
)
from rbl.web.queries import case_for_page

# Who can take a case over: the officers who work cases, and the coordinator.
OWNER_ROLES = (Role.LPA, Role.KPA, Role.RMC, Role.COORDINATOR)

PREFIXES = {
    "activity": "act_%s",
    "route": "route_%s",
    "close": "close_%s",
    "handover": "ho_%s",
    "task": "task_%s",
    "task_done": "done_%s",
    "leave_decision": "besluit_%s",
    "consent": "ouders_%s",
}


def _load(request: HttpRequest, case_id: int) -> Case:
    case = case_for_page(request.user, case_id)
    if case is None:
        raise Http404
    return case


def _leave_request(case: Case) -> LeaveRequest | None:
    """The leave request of a verlof case (R-24), else None."""
    return LeaveRequest.objects.filter(case=case).first()


def _officers(case: Case) -> list[tuple[str, str]]:
    """Active officers (LPA, KPA, RMC, coordinator) of the case's municipality
    who can take the case over, other than its owner."""
    users = (
        User.objects.filter(
            is_active=True,
            role_assignments__municipality_id=case.principal_id,
            role_assignments__role__in=[r.value for r in OWNER_ROLES],
        )
        .exclude(pk=case.owner_id or 0)
        .distinct()
        .order_by("last_name", "username")
    )
    return [(u.username, u.get_full_name() or u.username) for u in users]


def _history(case: Case) -> list[tuple[CaseEvent, str]]:
    """The case's events, newest first, each with what happened in plain Dutch
    (rbl.cases.services.history; one extra query per kind of name)."""
    events = list(case.events.select_related("actor").order_by("-at", "-pk"))
    return list(zip(events, describe_events(events), strict=True))


def _mas_context(
    case: Case,
    events: list[tuple[CaseEvent, str]],
    activities: list[Any],
    handhaving: list[Any],
) -> dict[str, Any]:
    """The route's standard steps (rbl.cases.mas), each ticked by its first
    activity or, for Halt and PV, by the referral started on the case."""
    started_by = {
        e.data.get("handhaving"): e.actor
        for e, _ in events
        if e.kind == EventKind.HANDHAVING and e.data.get("soort")
    }
    steps = mas_steps.checklist(
        case.route,
        activities,
        [(h.kind, h.opened_on, started_by.get(h.pk)) for h in handhaving],
    )
    return {"mas_steps": steps, "mas_steps_open": sum(1 for s in steps if not s.done)}


def _consent_offered(case: Case) -> bool:
    """The youth's choice about the parents is asked from their 16th birthday."""
    person = case.person
    return bool(person and timezone.localdate() >= birthday(person.birth_date, 16))


def _page(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    may_edit = can_edit_case(request.user, case)
    editable = may_edit and not case.is_closed
    initial = {"version": case.version}
    leave = _leave_request(case)
    mas = case_types.has_mas(case.type)
    forms_: dict[str, forms.Form] = {
        "activity": ActivityForm(initial=initial, auto_id="act_%s"),
        "close": CloseForm(initial=initial, auto_id="close_%s"),
        "task": TaskForm(initial=initial, auto_id="task_%s"),
    }
    if mas:
        forms_["route"] = RouteForm(
            initial={**initial, "route": case.route or None}, auto_id="route_%s"
        )
    if editable:
        forms_["handover"] = HandoverForm(
            initial=initial, auto_id="ho_%s", officers=_officers(case)
        )
    # An objection against the decision is registered in the objections app
    # (rbl.objections), which mirrors it onto the leave request.
    if leave is not None and may_edit and not leave.decision:
        forms_["leave_decision"] = LeaveDecisionForm(initial=initial, auto_id="besluit_%s")
    consent_offered = _consent_offered(case)
    if editable and consent_offered:
        forms_["consent"] = ConsentForm(initial=initial, auto_id="ouders_%s")
    forms_.update(bound or {})
    kinds = case_types.activity_kinds(case.type)
    wanted = request.GET.get("activiteit")
    if wanted in dict(kinds) and not forms_["activity"].is_bound:
        forms_["activity"].initial["kind"] = wanted  # a step of the checklist
    forms_["activity"].fields["kind"].choices = kinds
    forms_["task"].fields["kind"].choices = case_types.task_kinds(case.type)
    activities = list(case.activities.select_related("author").order_by("-date", "-pk"))
    events = _history(case)
    handhaving = list(case.handhaving.select_related("handler"))
    context: dict[str, Any] = {
        **(_mas_context(case, events, activities, handhaving) if mas else {}),
        "case": case,
        "person": case.person,
        "editable": editable,
        "mas": mas,
        "leave": leave,
        "leave_overdue": bool(
            leave and not leave.decision and leave.decision_due_on < timezone.localdate()
        ),
        "former_owner_only": not editable and not case.is_closed,
        "meldingen": list(case.meldingen.select_related("school").order_by("-meldingsdatum")),
        "activities": activities,
        "events": events,
        "tasks": list(case.tasks.select_related("assignee").order_by("done_on", "due_on")),
        "handhaving": handhaving,
        "consent_offered": consent_offered,
        "consents": list(case.consents.select_related("recorded_by")),
        "forms": forms_,
        **case_documents_context(case, editable=editable),
    }
    return render(request, "web/case.html", context, status=status)


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _load(request, case_id)
    log_access(request.user, Action.VIEW, case=case, purpose="zaak", path=request.path)
    return _page(request, case)


def _act(
    request: HttpRequest,
    case_id: int,
    form_class: type[forms.Form],
    key: str,
    apply: Callable[[Case, dict[str, Any], int], Any],
    done: str,
    form_kwargs: Callable[[Case], dict[str, Any]] | None = None,
    applies: Callable[[Case], None] | None = None,
) -> HttpResponse:
    """`applies` raises CaseRuleError when the form does not apply to this case
    (its type): the reason is shown and nothing changes (400)."""
    case = _load(request, case_id)
    prefix = PREFIXES[key]
    extra = form_kwargs(case) if form_kwargs else {}
    form = form_class(request.POST, auto_id=prefix, **extra)
    if not can_edit_case(request.user, case):
        messages.error(request, "U mag deze zaak niet wijzigen.")
        return _page(request, case, status=403)
    if applies is not None:
        try:
            applies(case)
        except CaseRuleError as exc:
            messages.error(request, exc.message)
            return _page(request, case, status=400)
    if not form.is_valid():
        return _page(request, case, bound={key: form}, status=400)
    data = form.cleaned_data
    try:
        result = apply(case, data, data["version"])
    except ConcurrentEditError as exc:
        fresh = _load(request, case_id)
        kept = form_class(
            {**request.POST.dict(), "version": fresh.version}, auto_id=prefix, **extra
        )
        messages.error(request, exc.message)
        return _page(request, fresh, bound={key: kept}, status=409)
    except CaseRuleError as exc:
        form.add_error(None, exc.message)
        return _page(request, case, bound={key: form}, status=400)
    log_access(request.user, Action.CHANGE, case=case, purpose=done, path=request.path)
    messages.success(request, done)
    # A handover to RMC continues in a new case: show that one.
    target = result.pk if isinstance(result, Case) and result.pk != case.pk else case.pk
    return redirect(reverse("web:case", args=[target]))


@login_required
@require_POST
def add_activity_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        return add_activity_with_time(
            case,
            data["kind"],
            author=request.user,
            expected_version=version,
            on=data["date"],
            notes=data["notes"],
            minutes=data.get("minutes"),
        )

    return _act(request, case_id, ActivityForm, "activity", apply, "Activiteit vastgelegd.")


@login_required
@require_POST
def choose_route_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        return choose_route(
            case, data["route"], actor=request.user, expected_version=version, note=data["note"]
        )

    return _act(
        request,
        case_id,
        RouteForm,
        "route",
        apply,
        "Route vastgelegd.",
        applies=lambda case: case_types.check_route(case.type),
    )


@login_required
@require_POST
def close_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        return close_case(
            case, data["reason"], actor=request.user, expected_version=version, note=data["note"]
        )

    return _act(request, case_id, CloseForm, "close", apply, "Zaak afgesloten.")


@login_required
@require_POST
def handover_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Hand the case to another officer, or to RMC at 18 (R-26). The former
    owner keeps reading the case (rbl.accounts.access), not changing it."""

    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        officer = None
        if data["officer"]:
            officer = User.objects.filter(username=data["officer"], is_active=True).first()
        if data["to"] == HANDOVER_RMC:
            if not cases_due_for_rmc_handover(timezone.localdate()).filter(pk=case.pk).exists():
                raise CaseRuleError(
                    "Alleen een open leerplicht- of kwalificatieplichtzaak van een "
                    "jongere van 18 jaar of ouder gaat over naar RMC."
                )
            kwargs = {"to_user": officer} if officer is not None else {}
            return handover_to_rmc(
                case, actor=request.user, expected_version=version, note=data["note"], **kwargs
            )
        return assign_case(
            case,
            officer,
            actor=request.user,
            expected_version=version,
            note=data["note"],
            handover=True,
        )

    return _act(
        request,
        case_id,
        HandoverForm,
        "handover",
        apply,
        "Zaak overgedragen.",
        form_kwargs=lambda case: {"officers": _officers(case)},
    )


@login_required
@require_POST
def add_task_view(request: HttpRequest, case_id: int) -> HttpResponse:
    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        return schedule_task(
            case,
            data["kind"],
            data["title"],
            data["due_on"],
            expected_version=version,
            actor=request.user,
        )

    return _act(request, case_id, TaskForm, "task", apply, "Taak toegevoegd.")


@login_required
@require_POST
def task_done_view(request: HttpRequest, case_id: int, task_id: int) -> HttpResponse:
    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        return finish_task(task_id, case=case, expected_version=version, actor=request.user)

    return _act(request, case_id, TaskDoneForm, "task_done", apply, "Taak afgerond.")


def _the_leave_request(case: Case) -> LeaveRequest:
    leave = _leave_request(case)
    if leave is None:
        raise CaseRuleError("Bij deze zaak hoort geen verlofaanvraag.")
    return leave


@login_required
@require_POST
def leave_decision_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record the decision on the leave request: toegekend, deels or afgewezen (R-24)."""

    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        return decide_leave(
            _the_leave_request(case),
            data["decision"],
            actor=request.user,
            expected_version=version,
            decided_on=data["decided_on"],
            note=data["note"],
        )

    return _act(request, case_id, LeaveDecisionForm, "leave_decision", apply, "Besluit vastgelegd.")


@login_required
@require_POST
def consent_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record, from 16, whether the youth lets the parents hear the reasons (R-21)."""

    def apply(case: Case, data: dict[str, Any], version: int) -> Any:
        return record_parents_choice(
            case,
            data["parents_may_hear"],
            actor=request.user,
            expected_version=version,
            on=data["decided_on"],
        )

    return _act(request, case_id, ConsentForm, "consent", apply, "Keuze van de jongere vastgelegd.")
