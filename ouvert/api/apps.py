from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ouvert.api"
    label = "api"
    verbose_name = "API"
