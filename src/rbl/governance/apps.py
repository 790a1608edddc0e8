from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Running the cooperation: the jaarkalender of recurring deadlines."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "rbl.governance"
    label = "governance"
