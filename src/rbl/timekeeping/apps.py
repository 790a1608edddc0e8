from django.apps import AppConfig


class TimekeepingConfig(AppConfig):
    name = "rbl.timekeeping"
    verbose_name = "Tijdregistratie"
    default_auto_field = "django.db.models.BigAutoField"
