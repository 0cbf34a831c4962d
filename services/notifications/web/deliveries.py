"""HTTP API: the delivery log, and sending an email again."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import BEARER, current_principal, ensure_ceremony, require_role
from shared.web import service_context

from ..compose.identity import identity
from ..deliver.log import get_delivery, list_deliveries, resend_delivery
from .schemas import DeliveryQuerySchema, DeliverySchema

blp = Blueprint("deliveries", __name__, url_prefix="/api", description="Delivery log")


@blp.route("/deliveries")
class Deliveries(MethodView):
    @require_role("organiser")
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliverySchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, filters):
        """List emails and what became of them, newest first (organiser)."""
        principal = current_principal()
        if filters.get("ceremony") is not None:
            ensure_ceremony(principal, filters["ceremony"])
        bound = [uuid.UUID(principal.ceremony_id)] if principal.ceremony_id else None
        with service_context().database.transaction() as session:
            return list_deliveries(session, **filters, only_ceremonies=bound)


@blp.route("/deliveries/<uuid:delivery_id>")
class DeliveryById(MethodView):
    @require_role("organiser")
    @blp.response(200, DeliverySchema)
    @blp.doc(security=BEARER)
    def get(self, delivery_id: uuid.UUID):
        """Show one email of the log (organiser)."""
        with service_context().database.transaction() as session:
            delivery = get_delivery(session, delivery_id)
        ensure_ceremony(current_principal(), delivery.ceremony_id)
        return delivery


@blp.route("/deliveries/<uuid:delivery_id>/resend")
class DeliveryResend(MethodView):
    @require_role("organiser")
    @blp.response(202, DeliverySchema)
    @blp.doc(security=BEARER)
    def post(self, delivery_id: uuid.UUID):
        """Queue a sent or failed email again, as a new delivery with its own Message-ID."""
        with service_context().database.transaction() as session:
            ensure_ceremony(current_principal(), get_delivery(session, delivery_id).ceremony_id)
            return resend_delivery(session, identity(), delivery_id)
