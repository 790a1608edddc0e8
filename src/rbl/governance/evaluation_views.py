"""The evaluation of the cooperation (R-52): the year's goals with status,
explanation and live evidence (printable), and the coordinator's form.

Read by the coordinator, policy advisers and application management; kept by
the coordinator (accounts.access.may_read_evaluation, may_edit_evaluation)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from rbl.accounts.access import may_edit_evaluation, may_read_evaluation
from rbl.governance import evaluation
from rbl.governance.forms import GoalForm
from rbl.governance.models import EvaluationGoal

FIELDS = ("year", "position", "title", "status", "explanation", "evidence")


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("jaar", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not may_read_evaluation(request.user):
        raise PermissionDenied("De evaluatie is er voor de coördinator, beleid en beheer.")
    today = timezone.localdate()
    year = _year(request)
    rows = evaluation.goal_rows(request.user, year, today)
    known = sorted(
        set(EvaluationGoal.objects.values_list("year", flat=True)) | {today.year, year},
        reverse=True,
    )
    context = {
        "year": year,
        "years": known,
        "rows": rows,
        "counts": evaluation.status_counts(rows),
        "today": today,
        "may_edit": may_edit_evaluation(request.user),
    }
    return render(request, "governance/evaluation.html", context)


def _form_page(request: HttpRequest, goal: EvaluationGoal | None) -> HttpResponse:
    if not may_edit_evaluation(request.user):
        raise PermissionDenied("Alleen de coördinator werkt de evaluatie bij.")
    if request.method == "POST":
        form = GoalForm(request.POST, instance=goal)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in FIELDS}
            try:
                saved = evaluation.save_goal(
                    goal,
                    request.user,
                    base_version=form.cleaned_data["base_version"],
                    **fields,
                )
            except evaluation.StaleGoal as exc:
                data = request.POST.copy()
                data["base_version"] = str(EvaluationGoal.objects.get(pk=goal.pk).version)
                form = GoalForm(data, instance=goal)
                form.is_valid()
                form.add_error(None, str(exc))
                return render(
                    request,
                    "governance/goal_form.html",
                    {"form": form, "goal": EvaluationGoal.objects.get(pk=goal.pk)},
                    status=409,
                )
            messages.success(request, f"Doel “{saved.title}” opgeslagen.")
            return redirect(f"{reverse('governance:evaluation')}?jaar={saved.year}")
        status = 400
    else:
        initial = {"base_version": goal.version} if goal else {"year": _year(request)}
        form = GoalForm(instance=goal, initial=initial)
        status = 200
    return render(request, "governance/goal_form.html", {"form": form, "goal": goal}, status=status)


@login_required
def goal_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_edit_evaluation(request.user):
        raise PermissionDenied("Alleen de coördinator werkt de evaluatie bij.")
    return _form_page(request, get_object_or_404(EvaluationGoal, pk=pk))
