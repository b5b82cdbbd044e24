from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from access import api as access_api
from care_navigation import api as care_api
from care_navigation import safety_plan_api
from dashboards import api as dashboards_api
from dispatch import after_intake_api, ccd_api, field_api, location_api, police_api, roster_api
from dispatch import api as dispatch_api
from heart import views
from interop import api as interop_api
from triage import api as triage_api

docs_view = SpectacularSwaggerSplitView.as_view(
    url_name="api-schema", template_name="heart/swagger_ui.html"
)

urlpatterns = [
    path("", views.api_root, name="api-root"),
    path("auth/token/", access_api.token_obtain, name="api-token"),
    path("me/", access_api.me, name="api-me"),
    path("calls/", dispatch_api.calls, name="api-calls"),
    path("calls/<int:call_id>/", dispatch_api.call_detail, name="api-call"),
    path("calls/<int:call_id>/assign/", dispatch_api.call_assign, name="api-call-assign"),
    path("calls/<int:call_id>/clear/", field_api.call_clear_api, name="api-call-clear"),
    path("calls/<int:call_id>/notes/", after_intake_api.call_notes_api, name="api-call-notes"),
    path(
        "calls/<int:call_id>/supplements/",
        after_intake_api.call_supplements_api,
        name="api-call-supplements",
    ),
    path("calls/<int:call_id>/cancel/", after_intake_api.call_cancel_api, name="api-call-cancel"),
    path("calls/<int:call_id>/merge/", after_intake_api.call_merge_api, name="api-call-merge"),
    path(
        "calls/<int:call_id>/alerts/acknowledge/",
        after_intake_api.call_alert_ack_api,
        name="api-call-alert-ack",
    ),
    path("calls/<int:call_id>/backup/", field_api.call_backup, name="api-call-backup"),
    path("calls/<int:call_id>/reassign/", field_api.call_reassign_api, name="api-call-reassign"),
    path("calls/<int:call_id>/ccd/resolve/", ccd_api.call_ccd_resolve, name="api-call-ccd-resolve"),
    path("calls/<int:call_id>/ccd/convert/", ccd_api.call_ccd_convert, name="api-call-ccd-convert"),
    path("calls/<int:call_id>/eido/", interop_api.call_eido_detail, name="api-call-eido"),
    path("eido/", interop_api.eido_transfer, name="api-eido"),
    path(
        "calls/<int:call_id>/police-arrival/",
        police_api.call_police_arrival,
        name="api-call-police-arrival",
    ),
    path(
        "calls/<int:call_id>/transfer-988/",
        police_api.call_transfer_988_api,
        name="api-call-transfer-988",
    ),
    path("handoffs/", police_api.handoffs, name="api-handoffs"),
    path("ccd/queue/", ccd_api.ccd_queue, name="api-ccd-queue"),
    path("calls/<int:call_id>/location/", location_api.call_location, name="api-call-location"),
    path("geocode/", location_api.geocode, name="api-geocode"),
    path("basemap/", location_api.basemap, name="api-basemap"),
    path("units/", dispatch_api.units, name="api-units"),
    path("units/<int:unit_id>/status/", field_api.unit_status, name="api-unit-status"),
    path("units/<int:unit_id>/position/", dispatch_api.unit_position, name="api-unit-position"),
    path("board/", dispatch_api.board, name="api-board"),
    path("roster/", roster_api.roster, name="api-roster"),
    path("roster/<int:shift_id>/", roster_api.roster_shift, name="api-roster-shift"),
    path("triage/evaluate/", triage_api.triage_evaluate, name="api-triage-evaluate"),
    path("triage/rulesets/", triage_api.triage_rulesets, name="api-triage-rulesets"),
    path("cases/", care_api.cases, name="api-cases"),
    path("cases/<int:case_id>/", care_api.case_detail, name="api-case"),
    path("cases/<int:case_id>/contacts/", care_api.case_contacts, name="api-case-contacts"),
    path("cases/<int:case_id>/referrals/", care_api.case_referrals, name="api-case-referrals"),
    path("referrals/<int:referral_id>/", care_api.referral_detail, name="api-referral"),
    path(
        "people/<int:person_id>/safety-plan/",
        safety_plan_api.person_safety_plan,
        name="api-person-safety-plan",
    ),
    path(
        "calls/<int:call_id>/safety-plan/",
        safety_plan_api.call_safety_plan,
        name="api-call-safety-plan",
    ),
    path("notifications/", care_api.notifications, name="api-notifications"),
    path("notifications/read/", care_api.notifications_read, name="api-notifications-read"),
    path("exports/calls-gpl/", dashboards_api.calls_gpl, name="api-export-calls-gpl"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs_view, name="api-docs"),
]
