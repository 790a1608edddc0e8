from django.apps import AppConfig


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rbl.registry"
    label = "registry"
    verbose_name = "Jeugdregister"

    def ready(self) -> None:
        from rbl.registry.imports import kinds  # noqa: F401  (registers the file kinds)
