from django.urls import path

from dispatch.views import board, call, call_location, field, intake, police, roster

app_name = "dispatch"

urlpatterns = [
    path("intake/", intake.intake, name="intake"),
    path("intake/recommend/", intake.recommend, name="intake_recommend"),
    path("intake/context/", intake.context_panel, name="intake_context"),
    path("board/", board.board, name="board"),
    path("my-calls/", call.my_calls, name="my_calls"),
    path("calls/<int:call_id>/", call.call_page, name="call"),
    path("calls/<int:call_id>/notes/", call.note, name="note"),
    path("calls/<int:call_id>/supplements/", call.supplement, name="supplement"),
    path("calls/<int:call_id>/cancel/", call.cancel, name="cancel"),
    path("calls/<int:call_id>/merge/", call.merge, name="merge"),
    path("calls/<int:call_id>/acknowledge/", call.alert_ack, name="alert_ack"),
    path("calls/<int:call_id>/assign/", board.assign, name="assign"),
    path("calls/<int:call_id>/reassign/", board.reassign, name="reassign"),
    path("calls/<int:call_id>/hold/", board.hold, name="hold"),
    path("calls/<int:call_id>/fall-back/", call.fall_back, name="fall_back"),
    path("calls/<int:call_id>/handoff/", police.handoff, name="handoff"),
    path("calls/<int:call_id>/transfer-988/", police.transfer_988, name="transfer_988"),
    path("calls/<int:call_id>/police-arrived/", police.police_arrived, name="police_arrived"),
    path("handoffs/", police.police_handoff, name="police_handoff"),
    path("calls/<int:call_id>/backup/", board.backup, name="backup"),
    path("calls/<int:call_id>/location/", call_location.call_locate_view, name="call_locate"),
    path("units/<int:unit_id>/status/", board.unit_status, name="unit_status"),
    path("roster/", roster.roster, name="roster"),
    path("roster/shifts/", roster.roster_shift_add, name="roster_shift_add"),
    path(
        "roster/shifts/<int:shift_id>/delete/",
        roster.roster_shift_remove,
        name="roster_shift_remove",
    ),
    path("ccd/", field.ccd_queue, name="ccd_queue"),
    path("ccd/<int:call_id>/resolve/", field.ccd_resolve_view, name="ccd_resolve"),
    path("ccd/<int:call_id>/convert/", field.ccd_convert_view, name="ccd_convert"),
    path("my-unit/", field.responder, name="responder"),
    path("my-unit/sw.js", field.responder_worker, name="responder_worker"),
    path("my-unit/status/", field.responder_status, name="responder_status"),
    path("my-unit/backup/", field.responder_backup, name="responder_backup"),
    path("my-unit/clear/", field.responder_clear, name="responder_clear"),
    path(
        "my-unit/police-arrived/",
        police.responder_police_arrived,
        name="responder_police_arrived",
    ),
    path("my-unit/note/", field.responder_note, name="responder_note"),
]
