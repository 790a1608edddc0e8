from django.apps import AppConfig


class LawConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rbl.law"
    label = "law"
