"""What applies to a case of each type.

A verlofaanvraag or a vrijstelling is a request that is decided on, not
absence worked back to school: the Methodische Aanpak Schoolverzuim does not
apply, so no MAS route and no Halt or proces-verbaal, and only the activities
that fit a decision (a conversation with the parents or the youth, contact
with the school, a letter; for an exemption also a home visit or a referral
for the medical advice), and no MAS terms among the tasks. Documents, tasks,
handing over and closing apply to every case.

The case page shows only what applies; the services refuse the rest with a
Dutch reason (CaseRuleError), so a form posted anyway changes nothing.
"""

from __future__ import annotations

from rbl.cases.models import ActivityKind, CaseType, TaskKind
from rbl.cases.services.errors import CaseRuleError

# The case types outside the MAS, with how a sentence names such a case.
OUTSIDE_MAS: dict[str, str] = {
    CaseType.VERLOF: "een verlofaanvraag",
    CaseType.VRIJSTELLING: "een vrijstelling",
}

_ACTIVITIES: dict[str, tuple[str, ...]] = {
    CaseType.VERLOF: (
        ActivityKind.GESPREK_OUDERS,
        ActivityKind.GESPREK_JONGERE,
        ActivityKind.SCHOOLCONTACT,
        ActivityKind.BRIEF,
        ActivityKind.OVERIG,
    ),
    CaseType.VRIJSTELLING: (
        ActivityKind.GESPREK_OUDERS,
        ActivityKind.GESPREK_JONGERE,
        ActivityKind.SCHOOLCONTACT,
        ActivityKind.HUISBEZOEK,
        ActivityKind.DOORVERWIJZING,
        ActivityKind.BRIEF,
        ActivityKind.OVERIG,
    ),
}


# The MAS terms (control letter, art. 22 term after a warning, absence record)
# do not apply outside it; a leave case has its decision term.
_TASKS: dict[str, tuple[str, ...]] = {
    CaseType.VERLOF: (TaskKind.VERLOF_BESLISSEN, TaskKind.OPVOLGING),
    CaseType.VRIJSTELLING: (TaskKind.OPVOLGING,),
}


def has_mas(case_type: str) -> bool:
    """Whether the MAS (route, Halt/PV) applies to cases of this type."""
    return case_type not in OUTSIDE_MAS


def activity_kinds(case_type: str) -> list[tuple[str, str]]:
    """The activities (value, label) that can be recorded on a case of this type."""
    allowed = _ACTIVITIES.get(case_type)
    return [(k.value, k.label) for k in ActivityKind if allowed is None or k in allowed]


def task_kinds(case_type: str) -> list[tuple[str, str]]:
    """The tasks (value, label) that can be added to a case of this type."""
    allowed = _TASKS.get(case_type)
    return [(k.value, k.label) for k in TaskKind if allowed is None or k in allowed]


def check_route(case_type: str) -> None:
    if not has_mas(case_type):
        raise CaseRuleError(f"Bij {OUTSIDE_MAS[case_type]} hoort geen MAS-route.")


def check_handhaving(case_type: str) -> None:
    if not has_mas(case_type):
        raise CaseRuleError(f"Bij {OUTSIDE_MAS[case_type]} horen geen Halt en geen proces-verbaal.")


def check_activity(case_type: str, kind: str) -> None:
    if kind not in {value for value, _ in activity_kinds(case_type)}:
        label = ActivityKind(kind).label if kind in ActivityKind.values else kind
        which = OUTSIDE_MAS.get(case_type, "deze zaak")
        raise CaseRuleError(f"De activiteit '{label}' hoort niet bij {which}.")


def check_task(case_type: str, kind: str) -> None:
    if kind not in {value for value, _ in task_kinds(case_type)}:
        label = TaskKind(kind).label if kind in TaskKind.values else kind
        which = OUTSIDE_MAS.get(case_type, "deze zaak")
        raise CaseRuleError(f"De taak '{label}' hoort niet bij {which}.")
