from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "wres.web"
    label = "web"
    verbose_name = "SC-WRES web service"
