from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rbl.accounts"
    label = "accounts"
    verbose_name = "medewerkers en inloggen"

    def ready(self) -> None:
        # The security log's receivers (logins, failures, lockouts).
        from rbl.accounts import security  # noqa: F401
        from rbl.accounts.sessions import connect

        connect()  # a password or role change ends the user's sessions
