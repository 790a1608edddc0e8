from django.apps import AppConfig


class BrpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rbl.brp"
    label = "brp"
    verbose_name = "BRP bevragen"
