"""Staff users and their roles per municipality (R-01, R-04, R-60)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
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
    # A service account is another system calling the API with a key made by
    # application management (ServiceToken); it never logs in to the screens.
    is_service_account = models.BooleanField("dienstaccount", default=False)

    class Meta:
        verbose_name = "medewerker"
        verbose_name_plural = "medewerkers"

    def set_password(self, raw_password) -> None:
        # A real change (not a rehash of the same password at login) ends the
        # user's other sessions once saved (rbl.accounts.sessions).
        from django.contrib.auth.hashers import check_password

        if raw_password is None or not check_password(raw_password, self.password):
            self._rbl_password_changed = True
        super().set_password(raw_password)

    def set_unusable_password(self) -> None:
        if self.has_usable_password():
            self._rbl_password_changed = True
        super().set_unusable_password()

    def role_pairs(self) -> frozenset[tuple[str, str]]:
        """The user's (role, municipality code) pairs: one query, once per web
        request (rbl.core.request_memo); every call asks outside a request."""
        from rbl.core.request_memo import remembered

        return remembered(
            ("role_pairs", self.pk),
            lambda: frozenset(self.role_assignments.values_list("role", "municipality_id")),
        )

    def municipality_codes(self, roles: frozenset[str] | set[str] | None = None) -> set[str]:
        """Codes of the municipalities for which the user holds one of `roles`."""
        return {code for role, code in self.role_pairs() if roles is None or role in roles}

    def has_role(self, *roles: str) -> bool:
        return any(role in roles for role, _ in self.role_pairs())


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


class SecurityEventKind(models.TextChoices):
    """What the security log records (R-63). Never a password, a code or a BSN."""

    LOGIN = "login", "Ingelogd"
    LOGIN_FAILED = "login_failed", "Inloggen mislukt"
    LOCKED = "locked", "Geblokkeerd na te veel mislukte pogingen"
    REFUSED_LOCKED = "refused_locked", "Poging geweigerd: geblokkeerd"
    UNLOCKED = "unlocked", "Blokkade opgeheven"
    LOGOUT = "logout", "Uitgelogd"
    SECOND_FACTOR_FAILED = "2fa_failed", "Tweede factor onjuist"
    SECOND_FACTOR_SETUP = "2fa_setup", "Tweede factor ingesteld"
    SECOND_FACTOR_RESET = "2fa_reset", "Tweede factor teruggezet"
    RECOVERY_CODE_USED = "recovery_used", "Herstelcode gebruikt"
    RECOVERY_CODES_NEW = "recovery_new", "Nieuwe herstelcodes gemaakt"
    OIDC_REFUSED = "oidc_refused", "Inloggen via identity provider geweigerd"
    TOKEN_CREATED = "token_created", "API-sleutel gemaakt"
    TOKEN_REVOKED = "token_revoked", "API-sleutel ingetrokken"
    TOKEN_REFUSED = "token_refused", "API-sleutel onjuist"
    TOKEN_THROTTLED = "token_throttled", "API geweigerd: te veel onjuiste sleutels"
    ROLE_GRANTED = "role_granted", "Rol gegeven"
    ROLE_REVOKED = "role_revoked", "Rol ingetrokken"
    PASSWORD_CHANGED = "password_changed", "Wachtwoord gewijzigd"
    SESSIONS_ENDED = "sessions_ended", "Andere sessies beëindigd"
    ACCOUNT_CREATED = "account_created", "Account aangemaakt"
    ACCOUNT_DEACTIVATED = "account_deactivated", "Account buiten gebruik gesteld"
    SETUP_CHANGED = "setup_changed", "Inrichting gewijzigd"
    RESTORED = "restored", "Reservekopie teruggezet"


class SecurityEventImmutableError(Exception):
    """The security log may only be appended to."""


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise SecurityEventImmutableError("Het beveiligingslog kan niet worden gewijzigd.")


class SecurityEvent(models.Model):
    """One line of the security log: who (or which attempted username), what, when.

    `username` is the name as typed at the login (it need not exist; nine digits
    are masked, a BSN is never stored); `user` the account it belongs to, when
    there is one; `actor` who did it for someone else (a role change, a token,
    an unlock), empty for the user themselves or a command."""

    at = models.DateTimeField("tijdstip", db_index=True)
    kind = models.CharField("gebeurtenis", max_length=20, choices=SecurityEventKind.choices)
    username = models.CharField("gebruikersnaam", max_length=150, blank=True)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="medewerker",
    )
    actor = models.CharField("door", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP-adres", null=True, blank=True)
    detail = models.CharField("toelichting", max_length=300, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = "beveiligingslogregel"
        verbose_name_plural = "beveiligingslog"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["username", "at"], name="securitylog_username_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise SecurityEventImmutableError("Het beveiligingslog kan niet worden gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SecurityEventImmutableError("Het beveiligingslog kan niet worden verwijderd.")


class UserSession(AbstractBaseSession):
    """A web session with the user it belongs to (rbl.accounts.sessions), so a
    password or role change can end that user's other sessions."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=True
    )

    class Meta:
        verbose_name = "sessie"
        verbose_name_plural = "sessies"

    @classmethod
    def get_session_store_class(cls):
        from rbl.accounts.sessions import SessionStore

        return SessionStore


class ServiceToken(models.Model):
    """An API key of a service account (`Authorization: Token …`), made by
    application management. Only a SHA-256 of the key is stored; the key is
    shown once, when it is made. A revoked key stays listed."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="service_tokens", verbose_name="dienstaccount"
    )
    name = models.CharField("omschrijving", max_length=100)
    prefix = models.CharField("begin van de sleutel", max_length=8)
    key_hash = models.CharField("SHA-256 van de sleutel", max_length=64, unique=True)
    created_at = models.DateTimeField("gemaakt")
    created_by = models.CharField("gemaakt door", max_length=150)
    last_used_at = models.DateTimeField("laatst gebruikt", null=True, blank=True)
    revoked_at = models.DateTimeField("ingetrokken", null=True, blank=True)
    revoked_by = models.CharField("ingetrokken door", max_length=150, blank=True)

    class Meta:
        verbose_name = "API-sleutel"
        verbose_name_plural = "API-sleutels"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"


class ApiAuthFailure(models.Model):
    """A request with a wrong API key, by client address: the throttle of the
    API's token authentication counts these (rbl.accounts.tokens)."""

    at = models.DateTimeField(db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["ip_address", "at"], name="apiauthfailure_ip_at")]
