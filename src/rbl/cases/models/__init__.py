"""Models of the cases app, one module per subject."""

from .case import (
    RELATIEF_TYPES,
    RMC_TYPES,
    Activity,
    ActivityKind,
    AppendOnlyModel,
    Case,
    CaseEvent,
    CaseStatus,
    CaseType,
    ClosingReason,
    EventKind,
    ImmutableError,
    MasRoute,
    OwnershipPeriod,
    PrincipalChangeError,
    duo_reason_for,
)
from .consent import ParentsConsent
from .handhaving import Handhaving, HandhavingKind, HandhavingOutcome
from .jco import JcoOutcome
from .leave import ExemptionReminder, LeaveArticle, LeaveDecider, LeaveDecision, LeaveRequest
from .melding import DuoStatus, DuoStatusExport, MeldingSoort, VerzuimMelding, VsvMelding
from .principal import PrincipalPeriod, count_per_principal, principal_at
from .register import (
    ExemptionRegisterExport,
    ExemptionRegisterLine,
    ExemptionWithdrawal,
    RegisterMutation,
)
from .work import (
    AgeGroup,
    AssignmentRule,
    CaseSettings,
    Substitution,
    Task,
    TaskKind,
)

__all__ = [
    "RELATIEF_TYPES",
    "RMC_TYPES",
    "Activity",
    "ActivityKind",
    "AgeGroup",
    "AppendOnlyModel",
    "AssignmentRule",
    "Case",
    "CaseEvent",
    "CaseSettings",
    "CaseStatus",
    "CaseType",
    "ClosingReason",
    "DuoStatus",
    "DuoStatusExport",
    "EventKind",
    "ExemptionRegisterExport",
    "ExemptionRegisterLine",
    "ExemptionReminder",
    "ExemptionWithdrawal",
    "Handhaving",
    "HandhavingKind",
    "HandhavingOutcome",
    "ImmutableError",
    "JcoOutcome",
    "LeaveArticle",
    "LeaveDecider",
    "LeaveDecision",
    "LeaveRequest",
    "MasRoute",
    "MeldingSoort",
    "OwnershipPeriod",
    "ParentsConsent",
    "PrincipalChangeError",
    "PrincipalPeriod",
    "RegisterMutation",
    "Substitution",
    "Task",
    "TaskKind",
    "VerzuimMelding",
    "VsvMelding",
    "count_per_principal",
    "duo_reason_for",
    "principal_at",
]
