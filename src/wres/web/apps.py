from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "wres.web"
    label = "web"
    verbose_name = "SC-WRES web service"

    def ready(self) -> None:
        from wres.web import sessions  # noqa: F401 - connects the sign-in signal (the absolute time-out starts there)
