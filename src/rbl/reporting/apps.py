from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "rbl.reporting"
    label = "reporting"
    verbose_name = "Cijfers en datakwaliteit"
