from django.apps import AppConfig


class CareNavigationConfig(AppConfig):
    name = "care_navigation"
    verbose_name = "Care navigation"

    def ready(self) -> None:
        from care_navigation import receivers
        from dispatch.signals import people_shown, people_shown_to, referral_made

        referral_made.connect(
            receivers.open_case_on_referral, dispatch_uid="care_navigation.open_case_on_referral"
        )
        people_shown.connect(
            receivers.care_for_people_shown, dispatch_uid="care_navigation.care_for_people_shown"
        )
        people_shown_to.connect(
            receivers.safety_plans_for_viewer,
            dispatch_uid="care_navigation.safety_plans_for_viewer",
        )
