from django.apps import AppConfig


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rbl.cases"
    label = "cases"
    verbose_name = "Zaken"

    def ready(self) -> None:
        from rbl.cases import imports  # noqa: F401  (registers verzuimmeldingen and vsv)
        from rbl.cases.receivers import (
            follow_moves_after_person_import,
            link_reports_after_person_import,
        )
        from rbl.registry.signals import import_applied

        import_applied.connect(link_reports_after_person_import, dispatch_uid="cases-link-reports")
        import_applied.connect(follow_moves_after_person_import, dispatch_uid="cases-follow-moves")
