"""HTTP API: door devices, enrolled at a gate by a QR code, listed and revoked."""

from __future__ import annotations

import base64
import io
import uuid

import qrcode
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import (
    BEARER,
    PROTOCOL,
    READ,
    actor,
    authenticate,
    ceremony_access,
    ensure_access,
    permission_somewhere,
)
from shared.web import service_context

from ..devices import (
    create_device,
    device_status,
    enrolment_code,
    enrolment_url,
    get_device,
    list_devices,
    revoke_device,
)
from ..models import Device
from .device_schemas import DeviceInSchema, DeviceSchema, EnrolmentSchema

blp = Blueprint("devices", __name__, url_prefix="/api", description="Door devices")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}


def qr_png_data_url(text: str) -> str:
    """A PNG QR code of ``text``, as a ``data:`` URL an ``<img>`` shows."""
    image = qrcode.make(text, box_size=8, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def shown(device: Device) -> dict:
    """A device as the API shows it, with its status."""
    return {
        "id": device.id,
        "ceremony_id": device.ceremony_id,
        "gate": device.gate,
        "name": device.name,
        "status": device_status(device),
        "created_at": device.created_at,
        "enrol_until": device.enrol_until,
        "enrolled_at": device.enrolled_at,
        "expires_at": device.expires_at,
        "revoked_at": device.revoked_at,
        "last_scan_at": device.last_scan_at,
    }


@blp.route("/ceremonies/<uuid:ceremony_id>/devices")
class CeremonyDevices(MethodView):
    @ceremony_access(PROTOCOL)
    @blp.arguments(DeviceInSchema)
    @blp.response(201, EnrolmentSchema)
    @blp.doc(security=BEARER)
    def post(self, body, ceremony_id: uuid.UUID):
        """Enrol a door device at a gate (protocol): its QR code works once, for 15 minutes.

        When the ceremony names its gates, the device's gate must be one of them (422 naming
        ``gate`` otherwise).
        """
        principal = authenticate()
        context = service_context()
        with context.database.transaction() as session:
            device = create_device(
                session,
                ceremony_id,
                body["gate"],
                body.get("name"),
                created_by=principal.account_id or principal.credential_id,
                actor=actor(),
            )
            url = enrolment_url(context.settings.public_url, enrolment_code(context.signer, device))
            return {**shown(device), "enrol_url": url, "qr_png": qr_png_data_url(url)}

    @ceremony_access(PROTOCOL, READ)
    @blp.response(200, DeviceSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """List a ceremony's door devices, newest first, with their latest scan."""
        with service_context().database.transaction() as session:
            return [shown(device) for device in list_devices(session, ceremony_id)]


@blp.route("/devices/<uuid:device_id>/revoke")
class DeviceRevoke(MethodView):
    @permission_somewhere(PROTOCOL)
    @blp.response(200, DeviceSchema)
    @blp.doc(security=BEARER)
    def post(self, device_id: uuid.UUID):
        """Revoke a door device (protocol): every service refuses it within a moment."""
        context = service_context()
        with context.database.transaction() as session:
            ensure_access(get_device(session, device_id).ceremony_id, PROTOCOL)
            device = revoke_device(session, device_id, actor=actor())
            answer = shown(device)
        # This process's own copy of the revocation counts at once, not after the cache's second.
        context.credentials.forget()
        return answer
