from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = "Dispatch"

    def ready(self) -> None:
        from dispatch import receivers
        from triage.signals import replay_calls_requested

        replay_calls_requested.connect(
            receivers.calls_for_what_if, dispatch_uid="dispatch.calls_for_what_if"
        )
