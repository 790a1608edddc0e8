from django.apps import AppConfig


class ChainConfig(AppConfig):
    name = "rbl.chain"
    verbose_name = "Ketenpartners"
