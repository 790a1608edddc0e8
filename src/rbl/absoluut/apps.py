from django.apps import AppConfig


class AbsoluutConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rbl.absoluut"
    label = "absoluut"
