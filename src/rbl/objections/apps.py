from django.apps import AppConfig


class ObjectionsConfig(AppConfig):
    """Objections (bezwaren) against decisions and complaints (klachten) about
    an officer's conduct, with their Awb terms and a yearly overview."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "rbl.objections"
    label = "objections"
