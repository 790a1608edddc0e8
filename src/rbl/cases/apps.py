from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rbl.cases"
    label = "cases"
    verbose_name = "Zaken"

    def ready(self) -> None:
        from rbl.cases import imports  # noqa: F401  (registers verzuimmeldingen and vsv)
