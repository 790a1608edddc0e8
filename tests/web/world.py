"""A small region for the web and API tests: Aalten (0197) and Winterswijk
(0294), the demo users of interfaces.md, one youth with a case in each
municipality, and one user per role holding that role for Aalten only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from rbl.accounts.models import Role, User
from rbl.cases.models import Case, Task, TaskKind
from rbl.organisation.models import Municipality, Region
from rbl.registry.models import ImportLog, ImportOutcome, Person
from tests.cases.factories import CaseFactory, staff
from tests.factories import PersonFactory, SchoolFactory

PASSWORD = "demo-wachtwoord"
AALTEN, WINTERSWIJK = "0197", "0294"
# Roles of the access matrix; each matrix user holds its role for Aalten only.
MATRIX_ROLES = [r.value for r in Role]


@dataclass
class World:
    aalten: Municipality
    winterswijk: Municipality
    users: dict[str, User]
    persons: dict[str, Person]  # "own" (Aalten) and "other" (Winterswijk)
    cases: dict[str, Case]
    import_log: ImportLog

    def matrix_user(self, role: str) -> User:
        return self.users[f"m-{role}"]


def _user(username: str, role: str, *municipalities: Municipality) -> User:
    user = staff(username, role, *municipalities)
    user.set_password(PASSWORD)
    user.first_name = username.split("-")[0].capitalize()
    user.last_name = "Test"
    user.save()
    # Every world user has an authenticator app; browser logins type its code.
    TOTPDevice.objects.create(user=user, name="telefoon", confirmed=True)
    return user


def build_world() -> World:
    region, _ = Region.objects.get_or_create(name="Achterhoek")
    aalten, _ = Municipality.objects.update_or_create(
        code=AALTEN, defaults={"name": "Aalten", "region": region}
    )
    winterswijk, _ = Municipality.objects.update_or_create(
        code=WINTERSWIJK, defaults={"name": "Winterswijk", "region": region}
    )
    both = (aalten, winterswijk)
    users = {
        "coordinator": _user("coordinator", Role.COORDINATOR, *both),
        "administratie": _user("administratie", Role.ADMINISTRATIE, *both),
        "lpa-aalten": _user("lpa-aalten", Role.LPA, aalten),
        "lpa-winterswijk": _user("lpa-winterswijk", Role.LPA, winterswijk),
        "kpa-regio": _user("kpa-regio", Role.KPA, *both),
        "rmc-regio": _user("rmc-regio", Role.RMC, *both),
        "boa-regio": _user("boa-regio", Role.BOA, *both),
        "beleid-winterswijk": _user("beleid-winterswijk", Role.BELEID, winterswijk),
        "privacy": _user("privacy", Role.PRIVACY, *both),
        "beheer": _user("beheer", Role.BEHEER, *both),
    }
    for role in MATRIX_ROLES:
        users[f"m-{role}"] = _user(f"m-{role}", role, aalten)
    school = SchoolFactory(name="Het Assink Lyceum", municipality_code=AALTEN)
    persons = {
        "own": PersonFactory(
            municipality=aalten, surname="Jansen", given_names="Sanne", prefix="de"
        ),
        "other": PersonFactory(municipality=winterswijk, surname="Bakker", given_names="Tim"),
    }
    today = timezone.localdate()
    cases = {
        "own": CaseFactory(
            person=persons["own"],
            owner=users["lpa-aalten"],
            school=school,
            opened_on=today - dt.timedelta(days=30),
        ),
        "other": CaseFactory(
            person=persons["other"],
            owner=users["lpa-winterswijk"],
            opened_on=today - dt.timedelta(days=30),
        ),
    }
    for case in cases.values():
        Task.objects.create(
            case=case,
            kind=TaskKind.VERZUIMSTAAT,
            title="Verzuimstaat opvragen",
            due_on=today - dt.timedelta(days=3),
            assignee=case.owner,
        )
    now = timezone.now()
    log = ImportLog.objects.create(
        kind="brp",
        file_name="brp.csv",
        sha256="0" * 64,
        actor="administratie",
        started_at=now,
        finished_at=now,
        counts={"rows": 2, "rejected": 1},
        errors=[{"line": 3, "column": "bsn", "reason": "BSN voldoet niet aan de elfproef"}],
        outcome=ImportOutcome.REJECTED,
    )
    return World(aalten, winterswijk, users, persons, cases, log)
