"""Template helpers of the web application."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from rbl.accounts.access import can_read_security_log, may_use_time
from rbl.web import opaque
from rbl.web.permissions import (
    does_casework,
    may_import,
    may_see_caseload,
    may_see_jco,
    may_see_registers,
    may_see_thuiszitters,
    user_grants,
)

register = template.Library()


@register.inclusion_tag("web/_nav.html", takes_context=True)
def main_menu(context: dict[str, Any]) -> dict[str, Any]:
    """The menu items this user may use, the current one marked."""
    request = context["request"]
    user = request.user
    items: list[tuple[str, str]] = []
    if user_grants(user).aggregates:
        items.append((reverse("reporting:dashboard"), "Dashboard"))
        items.append((reverse("reporting:annual"), "Jaarcijfers"))
    if does_casework(user):
        items += [
            (reverse("web:my-work"), "Mijn werk"),
            (reverse("web:team"), "Zaken team"),
            (reverse("web:overdue"), "Termijn verstreken"),
            (reverse("web:search"), "Zoeken"),
        ]
    elif getattr(user, "is_authenticated", False) and user.owned_cases.exists():
        # A fixed school contact without a case-work role works the cases assigned to them.
        items.append((reverse("web:my-work"), "Mijn werk"))
    if may_see_registers(user):
        items += [
            (reverse("web:leave"), "Verlofaanvragen"),
            (reverse("web:exemptions"), "Vrijstellingen"),
        ]
    if may_see_jco(user):
        items.append((reverse("cases:jco"), "JCO-lijst"))
    if may_see_thuiszitters(user):
        items.append((reverse("web:thuiszitters"), "Thuiszitters"))
    if may_see_caseload(user):
        items.append((reverse("web:caseload"), "Caseload"))
    if user_grants(user).access_log:
        items.append((reverse("web:access-log"), "Toegangslog"))
        items.append((reverse("audit:retention"), "Bewaartermijnen"))
    if can_read_security_log(user, user_grants(user)):
        items.append((reverse("accounts:security-log"), "Beveiligingslog"))
    if may_import(user):
        items.append((reverse("web:import"), "Importeren"))
    from rbl.accounts.access import exemption_register_municipalities

    if exemption_register_municipalities(user):  # DUO's exemptions register (rbl.cases)
        items.append((reverse("cases:duo-register"), "Vrijstellingen naar DUO"))
    if user_grants(user).edit_handhaving:  # the BOA's work list (and the coordinator's)
        items.append((reverse("handhaving:list"), "Halt en PV"))
    if user_grants(user).edit_cases:  # accounts.access.can_make_letters, from the cache
        items.append((reverse("letters:home"), "Brieven"))
        items.append((reverse("reporting:quality"), "Datakwaliteit"))
    from rbl.accounts.access import chain_export_municipalities

    if chain_export_municipalities(user):  # the SVB and BRP lists (rbl.chain)
        items.append((reverse("chain:lists"), "SVB en BRP"))
    from rbl.accounts.access import report_forwarding_municipalities

    if report_forwarding_municipalities(user):  # DUO reports of youth who moved away
        items.append((reverse("chain:reports"), "Meldingen verhuisde jongeren"))
    if user_grants(user).configures:
        items.append((reverse("letters:templates"), "Briefsjablonen"))
        items.append((reverse("accounts:api-tokens"), "API-sleutels"))
    from rbl.governance.services import may_see_calendar

    if may_see_calendar(user):
        items.append((reverse("governance:calendar"), "Jaarkalender"))
    from rbl.accounts.access import may_use_audits

    if may_use_audits(user):
        items.append((reverse("governance:audits"), "Audits"))
    from rbl.accounts.access import may_read_evaluation, may_read_handbook

    if may_read_handbook(user):
        items.append((reverse("governance:handbook"), "Werkwijzen"))
    if may_read_evaluation(user):
        items.append((reverse("governance:evaluation"), "Evaluatie"))
    if may_use_time(user):
        items.append((reverse("timekeeping:overview"), "Uren"))
    from rbl.accounts.access import may_use_objections, objection_overview_municipalities

    if may_use_objections(user):
        items.append((reverse("objections:list"), "Bezwaren en klachten"))
    elif objection_overview_municipalities(user):  # policy staff: only the yearly overview
        items.append((reverse("objections:overview"), "Bezwaren en klachten"))
    from rbl.accounts.access import may_configure_region

    if may_configure_region(user):
        items.append((reverse("organisation:setup"), "Inrichting"))
    try:
        from rbl.finance.views import may_use_finance

        if may_use_finance(user):
            items.append((reverse("finance:scenario"), "Financiën"))
    except Exception:  # finance screens absent or not routed
        pass
    return {"items": items, "current": request.path}


@register.filter
def person_id(pk: int) -> str:
    return opaque.person_id(pk)


@register.filter
def case_id(pk: int) -> str:
    return opaque.case_id(pk)
