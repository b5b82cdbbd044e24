from django.urls import path

from dispatch.views import board, call_location, field, intake

app_name = "dispatch"

urlpatterns = [
    path("intake/", intake.intake, name="intake"),
    path("intake/recommend/", intake.recommend, name="intake_recommend"),
    path("intake/context/", intake.context_panel, name="intake_context"),
    path("board/", board.board, name="board"),
    path("calls/<int:call_id>/", board.call_page, name="call"),
    path("calls/<int:call_id>/assign/", board.assign, name="assign"),
    path("calls/<int:call_id>/hold/", board.hold, name="hold"),
    path("calls/<int:call_id>/fall-back/", board.fall_back, name="fall_back"),
    path("calls/<int:call_id>/handoff/", board.handoff, name="handoff"),
    path("calls/<int:call_id>/backup/", board.backup, name="backup"),
    path("calls/<int:call_id>/location/", call_location.call_locate_view, name="call_locate"),
    path("units/<int:unit_id>/status/", board.unit_status, name="unit_status"),
    path("ccd/", field.ccd_queue, name="ccd_queue"),
    path("ccd/<int:call_id>/resolve/", field.ccd_resolve_view, name="ccd_resolve"),
    path("ccd/<int:call_id>/convert/", field.ccd_convert_view, name="ccd_convert"),
    path("my-unit/", field.responder, name="responder"),
    path("my-unit/status/", field.responder_status, name="responder_status"),
    path("my-unit/backup/", field.responder_backup, name="responder_backup"),
    path("my-unit/clear/", field.responder_clear, name="responder_clear"),
]
