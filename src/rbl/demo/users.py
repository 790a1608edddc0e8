"""The demo region's configuration: municipalities, blocks and the demo users
of interfaces.md ("Demo users"), expressed as a region spec so that the demo
is set up by the same loader as `rbl regio`."""

from __future__ import annotations

import datetime as dt

from rbl.demo.reference import EXECUTING, load_reference
from rbl.organisation.regio_file import MunicipalitySpec, ParticipationSpec, RegionSpec, StaffSpec

DEMO_REGION_NAME = "Demoregio Achterhoek"
DEMO_PASSWORD = "demo"
AGREEMENT_START = dt.date(2021, 1, 1)

# username, first name, last name, function, {role: codes or "alle"}
_STAFF: tuple[tuple[str, str, str, str, dict[str, object]], ...] = (
    ("coordinator", "Marieke", "Jansen", "coördinator leerplicht en RMC", {"coordinator": "alle"}),
    ("administratie", "Esther", "Hulshof", "administratief medewerker", {"administratie": "alle"}),
    ("lpa-aalten", "Henk", "Wolters", "leerplichtambtenaar", {"lpa": ["0197"]}),
    ("lpa-winterswijk", "Sanne", "te Winkel", "leerplichtambtenaar", {"lpa": ["0294"]}),
    ("kpa-regio", "Rik", "Elferink", "kwalificatieplichtambtenaar", {"kpa": "alle"}),
    ("rmc-regio", "Anouk", "Bruggink", "RMC-trajectbegeleider", {"rmc": "alle"}),
    ("boa-regio", "Gert", "Lensink", "leerplichtambtenaar met BOA-akte", {"boa": "alle"}),
    ("beleid-winterswijk", "Ruud", "Nijhof", "beleidsmedewerker onderwijs", {"beleid": ["0294"]}),
    ("privacy", "Judith", "Reinders", "functionaris gegevensbescherming", {"privacy": "alle"}),
    ("beheer", "Bas", "Kamphuis", "applicatiebeheerder", {"beheer": "alle"}),
    # The rest of the team: every municipality has its own officer (one contact per school).
    ("lpa-doetinchem", "Linda", "Geurink", "leerplichtambtenaar", {"lpa": ["0222"]}),
    ("lpa-montferland", "Dennis", "Hermsen", "leerplichtambtenaar", {"lpa": ["1955", "1509"]}),
    ("lpa-berkelland", "Inge", "Wissink", "leerplichtambtenaar", {"lpa": ["1859", "1586"]}),
    ("lpa-bronckhorst", "Paul", "Roerdink", "leerplichtambtenaar", {"lpa": ["1876"]}),
)

#: The logins of the contract (interfaces.md), in the order they are printed.
CONTRACT_USERS = tuple(s[0] for s in _STAFF[:10])

#: Doesburg, the smallest, keeps its own leerplicht officer and administration
#: (BRP, DUO, the absoluut check, letters) and takes part in the regional
#: coordination and quality (block 4) only: the demo's municipality outside the
#: regional administration (R-02, rbl.demo.administered).
OWN_ADMINISTRATION = "0221"
# Bronckhorst takes no part in the BOA block (block 2, which it takes, includes
# the BOA work); Doesburg only in block 4; everyone else in all four.
_NO_BLOCK = {("1876", 3), (OWN_ADMINISTRATION, 1), (OWN_ADMINISTRATION, 2), (OWN_ADMINISTRATION, 3)}


def demo_region_spec() -> RegionSpec:
    reference = load_reference()
    codes = tuple(f.code for f in reference)
    municipalities = tuple(
        MunicipalitySpec(
            code=f.code,
            name=f.name,
            signature_text=f"Burgemeester en wethouders van de gemeente {f.name},\nnamens dezen,",
            address=f"Postbus {100 + index * 7}\n{f.name}",
            participations=tuple(
                ParticipationSpec(block=block, start=AGREEMENT_START, end=None)
                for block in (1, 2, 3, 4)
                if (f.code, block) not in _NO_BLOCK
            ),
        )
        for index, f in enumerate(reference)
    )
    staff = tuple(
        StaffSpec(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.invalid",
            function=function,
            set_password=False,
            roles=tuple(
                (role, codes if targets == "alle" else tuple(targets))
                for role, targets in roles.items()
            ),
        )
        for username, first, last, function, roles in _STAFF
    )
    return RegionSpec(
        name=DEMO_REGION_NAME,
        executing=EXECUTING,
        municipalities=municipalities,
        staff=staff,
        agreement_kind="dienstverleningsovereenkomst",
        agreement_start=AGREEMENT_START,
        agreement_years=4,
        notice_months=12,
        control_term_days=14,
    )


def describe_roles(username: str) -> str:
    """'Leerplichtambtenaar — Aalten' style description for the printed logins."""
    from rbl.accounts.models import Role

    reference = {f.code: f.name for f in load_reference()}
    for name, _, _, _, roles in _STAFF:
        if name == username:
            parts = []
            for role, targets in roles.items():
                where = (
                    "alle gemeenten"
                    if targets == "alle"
                    else ", ".join(reference[c] for c in targets)  # type: ignore[union-attr]
                )
                parts.append(f"{Role(role).label} — {where}")
            return "; ".join(parts)
    return ""
