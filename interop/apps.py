from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Partner agencies (NENA EIDO)"

    def ready(self) -> None:
        from dispatch.signals import call_changed
        from interop import receivers

        call_changed.connect(
            receivers.partners_hear_back, dispatch_uid="interop.partners_hear_back"
        )
