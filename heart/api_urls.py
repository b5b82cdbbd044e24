from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import obtain_auth_token

from dispatch import api as dispatch_api
from heart import api
from triage import api as triage_api

docs_view = SpectacularSwaggerSplitView.as_view(
    url_name="api-schema", template_name="heart/swagger_ui.html"
)

urlpatterns = [
    path("", api.api_root, name="api-root"),
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("me/", api.me, name="api-me"),
    path("calls/", dispatch_api.calls, name="api-calls"),
    path("calls/<int:call_id>/", dispatch_api.call_detail, name="api-call"),
    path("calls/<int:call_id>/assign/", dispatch_api.call_assign, name="api-call-assign"),
    path("calls/<int:call_id>/clear/", dispatch_api.call_clear_api, name="api-call-clear"),
    path("units/", dispatch_api.units, name="api-units"),
    path("units/<int:unit_id>/status/", dispatch_api.unit_status, name="api-unit-status"),
    path("board/", dispatch_api.board, name="api-board"),
    path("triage/evaluate/", triage_api.triage_evaluate, name="api-triage-evaluate"),
    path("triage/rulesets/", triage_api.triage_rulesets, name="api-triage-rulesets"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", docs_view, name="api-docs"),
]
