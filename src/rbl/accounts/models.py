"""Staff users and their roles per municipality (R-01, R-04, R-60)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coördinator / teamleider"
    ADMINISTRATIE = "administratie", "Administratief medewerker"
    LPA = "lpa", "Leerplichtambtenaar"
    KPA = "kpa", "Kwalificatieplichtambtenaar"
    RMC = "rmc", "RMC-trajectbegeleider"
    BOA = "boa", "BOA"
    BELEID = "beleid", "Beleidsmedewerker"
    PRIVACY = "privacy", "Functionaris gegevensbescherming"
    BEHEER = "beheer", "Applicatiebeheerder"
    AUDITOR = "auditor", "Auditor (alleen lezen)"


# Roles whose holders work with person-level files of their municipalities.
CASEWORK_ROLES = frozenset(
    {Role.COORDINATOR, Role.ADMINISTRATIE, Role.LPA, Role.KPA, Role.RMC, Role.BOA, Role.AUDITOR}
)


class User(AbstractUser):
    """A staff member of the executing municipality."""

    function = models.CharField("functie", max_length=100, blank=True)

    class Meta:
        verbose_name = "medewerker"
        verbose_name_plural = "medewerkers"

    def municipality_codes(self, roles: frozenset[str] | set[str] | None = None) -> set[str]:
        """Codes of the municipalities for which the user holds one of `roles`."""
        qs = self.role_assignments.all()
        if roles is not None:
            qs = qs.filter(role__in=list(roles))
        return set(qs.values_list("municipality_id", flat=True))

    def has_role(self, *roles: str) -> bool:
        return self.role_assignments.filter(role__in=roles).exists()


class RoleAssignment(models.Model):
    """One role of a user for one municipality; a user may hold many."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("rol", max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.CASCADE, related_name="role_assignments"
    )

    class Meta:
        verbose_name = "rol"
        verbose_name_plural = "rollen"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "municipality"], name="unique_role_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.municipality_id}"
