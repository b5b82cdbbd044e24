from django.apps import AppConfig


class CareNavigationConfig(AppConfig):
    name = "care_navigation"
    verbose_name = "Care navigation"

    def ready(self) -> None:
        from care_navigation import receivers
        from dispatch.signals import people_shown, referral_made

        referral_made.connect(
            receivers.open_case_on_referral, dispatch_uid="care_navigation.open_case_on_referral"
        )
        people_shown.connect(
            receivers.care_for_people_shown, dispatch_uid="care_navigation.care_for_people_shown"
        )
