from django.urls import path

from care_navigation import safety_plan_views, views

app_name = "care_navigation"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:case_id>/", views.case_page, name="case"),
    path("cases/<int:case_id>/contacts/", views.contact_add, name="contact_add"),
    path("cases/<int:case_id>/needs/", views.need_add, name="need_add"),
    path("cases/<int:case_id>/referrals/", views.referral_add, name="referral_add"),
    path("cases/<int:case_id>/notes/", views.note_add, name="note_add"),
    path(
        "cases/<int:case_id>/need-requests/<int:request_id>/",
        views.need_request_decide,
        name="need_request_decide",
    ),
    path("cases/<int:case_id>/extend/", views.case_extend, name="case_extend"),
    path("cases/<int:case_id>/assign/", views.case_assign, name="case_assign"),
    path("cases/<int:case_id>/claim/", views.case_claim, name="case_claim"),
    path("cases/<int:case_id>/person/", views.person_confirm, name="person_confirm"),
    path("referrals/<int:referral_id>/", views.referral_change, name="referral_change"),
    path("people/<int:person_id>/safety-plan/", safety_plan_views.safety_plan, name="safety_plan"),
    path(
        "calls/<int:call_id>/safety-plan/",
        safety_plan_views.call_safety_plan,
        name="call_safety_plan",
    ),
    path("services/", views.directory, name="directory"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
]
