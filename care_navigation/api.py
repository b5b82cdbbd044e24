"""The care-navigation API under /api/v1/: cases, contacts, referrals, notifications.

A navigator sees only the cases assigned to them (another's case answers 404), supervisors
see all, anyone else gets 403. Views validate and call one service.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.request import Request
from rest_framework.response import Response

from access.api_permissions import perms_any
from access.api_throttles import THROTTLED, CreateThrottle
from care_navigation import selectors, services
from care_navigation.models import (
    SENSITIVE_NEED,
    Case,
    CaseExtension,
    CaseNeed,
    NeedRequest,
    Referral,
    Service,
)
from care_navigation.serializers import (
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    ContactCreateSerializer,
    ContactSerializer,
    NeedRequestSentSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    ReferralUpdateSerializer,
)
from dispatch.models import Call
from people.models import Person
from web.errors import error_response
from web.pagination import PAGE_PARAMETERS, Pagination, paginated

ERRORS = OpenApiResponse(description="Field errors: {field: [messages]}")
DENIED = OpenApiResponse(description="Not a navigator or supervisor")
NOT_YOURS = OpenApiResponse(description="No such case, or it is another navigator's")
NEED_REQUEST_SENT = (
    "The person already has an open case that is not yours: your needs were sent to its "
    "navigator as a request."
)
# Who may use care navigation at all; which cases they see is care_navigation.selectors'.
CAN_WORK_CASES = perms_any("care_navigation.work_caseload", "care_navigation.view_all_cases")


def _user_ref(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.get_username(), "name": selectors.navigator_name(user)}


def _case_body(case: Case, *, familiar: bool, extended: bool, needs: list[str]) -> dict[str, Any]:
    return {
        "id": case.pk,
        "person": {"id": case.person_id, "name": case.person.name},
        "status": case.status,
        "outcome": case.outcome or None,
        "source": case.source,
        "navigator": _user_ref(case.navigator),
        "call": case.call_id,
        "opened_at": case.opened_at,
        "first_contact_due": case.first_contact_due,
        "first_contact_at": case.first_contact_at,
        "closes_at": case.closes_at,
        "closed_at": case.closed_at,
        "connected_at": case.connected_at,
        "needs": needs,
        "flags": selectors.case_flags(case, familiar=familiar, extended=extended),
    }


def _detail_response(request: Request, case: Case, *, status: int = http.HTTP_200_OK) -> Response:
    d = selectors.case_detail(case=case, user=request.user, request=request._request)
    body = _case_body(d.case, familiar=d.familiar_neighbor, extended=bool(d.extensions), needs=[])
    body.update(
        {
            "needs": [{"need": n.need, "detail": n.detail} for n in d.needs],
            "contacts": d.contacts,
            "referrals": d.referrals,
            "notes": d.notes,
            "extensions": d.extensions,
            "timeline": [
                {"at": e.at, "kind": e.kind, "text": e.text, "case_id": e.case_id}
                for e in d.timeline
            ],
            "person_matches": [
                {
                    "person": {"id": m.person.pk, "name": m.person.name},
                    "score": m.score,
                    "reasons": list(m.reasons),
                }
                for m in d.matches
            ],
            "failed_attempts_in_row": d.case.failed_attempts_in_row,
        }
    )
    return Response(CaseDetailSerializer(body).data, status=status)


@extend_schema(
    methods=["GET"],
    operation_id="cases_list",
    summary="Cases: a navigator's own, or every case for a supervisor",
    parameters=[OpenApiParameter("status", str, enum=Case.Status.values), *PAGE_PARAMETERS],
    responses={200: paginated("PaginatedCaseList", CaseSerializer(many=True)), 403: DENIED},
)
@extend_schema(
    methods=["POST"],
    summary="Open a case from a call (the person consented)",
    description="When the person already has an open case that is not the caller's, nothing "
    "is written to it: the needs go to its navigator as a request (202), who accepts or "
    "declines it on the case page.",
    request=CaseCreateSerializer,
    responses={
        201: CaseDetailSerializer,
        202: NeedRequestSentSerializer,
        400: ERRORS,
        403: DENIED,
        429: THROTTLED,
    },
)
@api_view(["GET", "POST"])
@permission_classes([CAN_WORK_CASES])
@throttle_classes([CreateThrottle])
def cases(request: Request) -> Response:
    if request.method == "POST":
        return _case_create(request)
    rows = selectors.cases_visible_to(request.user).select_related("person", "navigator")
    wanted = request.query_params.get("status", "")
    if wanted:
        if wanted not in Case.Status.values:
            return Response(
                {"status": [f"must be one of {', '.join(Case.Status.values)}"]},
                status=http.HTTP_400_BAD_REQUEST,
            )
        rows = rows.filter(status=wanted)
    rows = (
        rows.annotate(extended=Exists(CaseExtension.objects.filter(case=OuterRef("pk"))))
        .prefetch_related(
            Prefetch(
                "needs",
                queryset=CaseNeed.objects.exclude(need=SENSITIVE_NEED).only("case_id", "need"),
            )
        )
        .order_by("-opened_at", "-id")
    )
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request) or []
    familiar = selectors.familiar_neighbor_ids({c.person_id for c in page})
    body = [
        _case_body(
            c,
            familiar=c.person_id in familiar,
            extended=c.extended,
            needs=[n.need for n in c.needs.all()],
        )
        for c in page
    ]
    return paginator.get_paginated_response(CaseSerializer(body, many=True).data)


def _case_create(request: Request) -> Response:
    serializer = CaseCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    call = Call.objects.filter(pk=data["call"]).first()
    if call is None:
        return Response({"call": [f"call {data['call']} does not exist"]}, status=400)
    person = None
    if data.get("person"):
        person = Person.objects.filter(pk=data["person"]).first()
        if person is None:
            return Response({"person": [f"person {data['person']} does not exist"]}, status=400)
    try:
        case = services.case_open_from_call(
            call=call,
            by=request.user,
            needs=data["needs"],
            person=person,
            person_name=data.get("person_name", ""),
            date_of_birth=data.get("date_of_birth"),
            phone=data.get("phone", ""),
            request=request._request,
        )
    except ValidationError as exc:
        return error_response(exc)
    if isinstance(case, NeedRequest):
        # Another navigator's case: nothing of it is told, not even its id.
        return Response(
            NeedRequestSentSerializer({"detail": NEED_REQUEST_SENT, "need_request": case.pk}).data,
            status=http.HTTP_202_ACCEPTED,
        )
    return _detail_response(request, case, status=http.HTTP_201_CREATED)


@extend_schema(
    summary="One case in full (the read is audited)",
    responses={200: CaseDetailSerializer, 403: DENIED, 404: NOT_YOURS},
)
@api_view(["GET"])
def case_detail(request: Request, case_id: int) -> Response:
    case = selectors.case_get_for(user=request.user, case_id=case_id, request=request._request)
    return _detail_response(request, case)


@extend_schema(
    summary="Log a contact attempt",
    request=ContactCreateSerializer,
    responses={201: ContactSerializer, 400: ERRORS, 403: DENIED, 404: NOT_YOURS, 429: THROTTLED},
)
@api_view(["POST"])
@throttle_classes([CreateThrottle])
def case_contacts(request: Request, case_id: int) -> Response:
    case = selectors.case_get_for(
        user=request.user, case_id=case_id, request=request._request, purpose="write"
    )
    serializer = ContactCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        contact = services.contact_log(
            case=case, by=request.user, request=request._request, **serializer.validated_data
        )
    except ValidationError as exc:
        return error_response(exc)
    return Response(ContactSerializer(contact).data, status=http.HTTP_201_CREATED)


@extend_schema(
    summary="Refer the person to a service for a need",
    request=ReferralCreateSerializer,
    responses={201: ReferralSerializer, 400: ERRORS, 403: DENIED, 404: NOT_YOURS, 429: THROTTLED},
)
@api_view(["POST"])
@throttle_classes([CreateThrottle])
def case_referrals(request: Request, case_id: int) -> Response:
    case = selectors.case_get_for(
        user=request.user, case_id=case_id, request=request._request, purpose="write"
    )
    serializer = ReferralCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    service = None
    if data.get("service"):
        service = Service.objects.filter(pk=data["service"]).first()
        if service is None:
            return Response(
                {"service": [f"service {data['service']} is not in the directory"]}, status=400
            )
    try:
        referral = services.referral_create(
            case=case,
            by=request.user,
            need=data["need"],
            service=service,
            service_name=data.get("service_name", ""),
            note=data.get("note", ""),
            request=request._request,
        )
    except ValidationError as exc:
        return error_response(exc)
    return Response(ReferralSerializer(referral).data, status=http.HTTP_201_CREATED)


@extend_schema(
    summary="Change a referral's status, appointment or note",
    description="Statuses move referred -> scheduled -> connected, or to declined, "
    "waitlisted, unavailable; any other move is a 400 naming the allowed ones.",
    request=ReferralUpdateSerializer,
    responses={200: ReferralSerializer, 400: ERRORS, 403: DENIED, 404: NOT_YOURS},
)
@api_view(["PATCH"])
@permission_classes([CAN_WORK_CASES])
def referral_detail(request: Request, referral_id: int) -> Response:
    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None:
        raise Http404("no such referral")
    selectors.case_get_for(
        user=request.user, case_id=referral.case_id, request=request._request, purpose="write"
    )
    serializer = ReferralUpdateSerializer(data=request.data, partial=True)
    serializer.is_valid(raise_exception=True)
    try:
        updated = services.referral_update(
            referral=referral,
            by=request.user,
            request=request._request,
            **serializer.validated_data,
        )
    except ValidationError as exc:
        return error_response(exc)
    return Response(ReferralSerializer(updated).data)


@extend_schema(
    summary="My notifications, unread first",
    parameters=[OpenApiParameter("unread", bool, description="Only the unread ones")],
    responses={200: NotificationSerializer(many=True), 403: DENIED},
)
@api_view(["GET"])
@permission_classes([CAN_WORK_CASES])
def notifications(request: Request) -> Response:
    unread = request.query_params.get("unread", "").lower() in ("1", "true", "yes")
    rows = selectors.notification_list(user=request.user, unread_only=unread)
    for row in rows:
        row.navigator = selectors.navigator_name(row.case.navigator)  # type: ignore[attr-defined]
    return Response(NotificationSerializer(rows, many=True).data)


@extend_schema(
    summary="Mark notifications read (by id, or all)",
    request=NotificationReadSerializer,
    responses={200: OpenApiResponse(description="{marked: n}"), 403: DENIED},
)
@api_view(["POST"])
@permission_classes([CAN_WORK_CASES])
def notifications_read(request: Request) -> Response:
    serializer = NotificationReadSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    ids = serializer.validated_data["ids"]
    if serializer.validated_data["all"]:
        ids = list(selectors.notifications_for(user=request.user).values_list("pk", flat=True))
    marked = services.notification_mark_read(user=request.user, notification_ids=ids)
    return Response({"marked": marked})
