"""HTTP API: the delivery log, and sending an email again."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from shared.access import (
    BEARER,
    MANAGE,
    READ,
    actor,
    authenticate,
    ensure_access,
    holds_anywhere,
    permission_somewhere,
    readable_ceremonies,
)
from shared.errors import DomainError
from shared.web import service_context

from ..compose.identity import identity
from ..deliver.log import get_delivery, list_deliveries, resend_delivery
from ..models import ceremonies
from .schemas import DeliveryQuerySchema, DeliverySchema

blp = Blueprint("deliveries", __name__, url_prefix="/api", description="Delivery log")


@blp.route("/deliveries")
class Deliveries(MethodView):
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliverySchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, filters):
        """List emails and what became of them, newest first (organiser)."""
        principal = authenticate()
        if not holds_anywhere(principal, READ):
            raise DomainError("forbidden", "This needs read.", kind="forbidden")
        if filters.get("ceremony") is not None:
            ensure_access(filters["ceremony"], READ)
        with service_context().database.transaction() as session:
            known = [row.id for row in session.execute(select(ceremonies.c.id))]
            readable = readable_ceremonies(principal, known, READ)
            return list_deliveries(session, **filters, only_ceremonies=readable)


@blp.route("/deliveries/<uuid:delivery_id>")
class DeliveryById(MethodView):
    @permission_somewhere(READ)
    @blp.response(200, DeliverySchema)
    @blp.doc(security=BEARER)
    def get(self, delivery_id: uuid.UUID):
        """Show one email of the log (organiser)."""
        with service_context().database.transaction() as session:
            delivery = get_delivery(session, delivery_id)
        ensure_access(delivery.ceremony_id, READ)
        return delivery


@blp.route("/deliveries/<uuid:delivery_id>/resend")
class DeliveryResend(MethodView):
    @permission_somewhere(MANAGE)
    @blp.response(202, DeliverySchema)
    @blp.doc(security=BEARER)
    def post(self, delivery_id: uuid.UUID):
        """Queue a sent or failed email again, as a new delivery with its own Message-ID."""
        with service_context().database.transaction() as session:
            ensure_access(get_delivery(session, delivery_id).ceremony_id, MANAGE)
            return resend_delivery(session, identity(), delivery_id, actor=actor())
