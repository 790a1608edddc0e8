from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "rbl.letters"
    label = "letters"
    verbose_name = "Brieven en documenten"
