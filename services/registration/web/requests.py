"""HTTP API: the organisers' queue of public requests to register, approved or declined."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import (
    BEARER,
    MANAGE,
    READ,
    actor,
    ceremony_access,
    ensure_access,
    permission_somewhere,
)
from shared.web import service_context

from ..registration_requests import approve_request, decline_request, get_request, list_requests
from .schemas import (
    RegistrationRequestSchema,
    RegistrationSchema,
    RequestQuerySchema,
)

blp = Blueprint(
    "registration_requests", __name__, url_prefix="/api", description="Registration requests"
)


@blp.route("/ceremonies/<uuid:ceremony_id>/registration-requests")
class CeremonyRequests(MethodView):
    @ceremony_access(READ)
    @blp.arguments(RequestQuerySchema, location="query")
    @blp.response(200, RegistrationRequestSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, filters, ceremony_id: uuid.UUID):
        """A ceremony's public requests, oldest first (organiser); filter by ``status``."""
        with service_context().database.transaction() as session:
            return list_requests(session, ceremony_id, **filters)


def _ensure_organiser_of(session, request_id: uuid.UUID) -> None:
    ensure_access(get_request(session, request_id).ceremony_id, MANAGE)


@blp.route("/registration-requests/<uuid:request_id>/approve")
class RequestApprove(MethodView):
    @permission_somewhere(MANAGE)
    @blp.response(201, RegistrationSchema)
    @blp.doc(security=BEARER)
    def post(self, request_id: uuid.UUID):
        """Let a request in (organiser): a seat if one is free, else the waitlist."""
        with service_context().database.transaction() as session:
            _ensure_organiser_of(session, request_id)
            return approve_request(session, request_id, actor=actor())


@blp.route("/registration-requests/<uuid:request_id>/decline")
class RequestDecline(MethodView):
    @permission_somewhere(MANAGE)
    @blp.response(200, RegistrationRequestSchema)
    @blp.doc(security=BEARER)
    def post(self, request_id: uuid.UUID):
        """Decline a request (organiser); the guest is told by email."""
        with service_context().database.transaction() as session:
            _ensure_organiser_of(session, request_id)
            return decline_request(session, request_id, actor=actor())
