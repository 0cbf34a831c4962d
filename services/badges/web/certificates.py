"""HTTP API: releasing and revoking certificates, their PDFs, and verifying a code."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from shared.access import (
    BEARER,
    MANAGE,
    READ,
    actor,
    authenticate,
    bearer_token,
    ceremony_access,
    ensure_access,
    ensure_ceremony,
    holds_anywhere,
    organiser_or_guest,
    permission_somewhere,
    presented_credential,
)
from shared.auth import kind_of
from shared.errors import DomainError, not_found
from shared.web import service_context

from ..certificates.documents import certificate_document, handover_documents, verify_url
from ..certificates.issuing import certificate_row, revoke
from ..certificates.release import release
from ..certificates.verification import verify
from ..models import certificates, registrations
from ..printing.certificates import render_certificate, render_certificates
from ..projections import known_ceremony
from ..signing import codes
from ..signing.keys import ceremony_public_keys
from .badges import CAPABILITY
from .certificate_schemas import (
    MAX_CODE_CHARS,
    CertificateKeysSchema,
    CertificateSchema,
    ReleaseResultSchema,
    ReleaseSchema,
    RevokeSchema,
    VerificationSchema,
)

blp = Blueprint("certificates", __name__, url_prefix="/api", description="Certificates")


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            # A certificate names its holder: no shared cache may keep it.
            "Cache-Control": "private, no-store",
        },
    )


def _view(row) -> dict:
    public_url = service_context().settings.public_url
    return {
        **row._mapping,
        "verify_url": verify_url(public_url, row.code),
        "pdf_url": f"{public_url}/api/certificates/{row.id}.pdf",
    }


def _presents_credential() -> bool:
    """A token or session (not a guest's capability) is presented, as organiser_or_guest reads."""
    token = bearer_token() or request.args.get("capability") or None
    if token is None:
        return presented_credential()[0] is not None
    return kind_of(token) is not None


def _readable_certificate(certificate_id: uuid.UUID):
    """The certificate, for a reader of its ceremony or its holder's own link."""
    if _presents_credential():
        # Refused before the lookup: a caller without any reading role learns nothing.
        if not holds_anywhere(authenticate(), READ):
            raise DomainError("forbidden", "This needs the read permission.", kind="forbidden")
    elif not (bearer_token() or request.args.get("capability")):
        raise DomainError(
            "unauthorized",
            "A credential or the holder's own link is required.",
            kind="unauthorized",
        )
    with service_context().database.transaction() as session:
        row = certificate_row(session, certificate_id)
    principal = organiser_or_guest(row.registration_id, capability_in_query=True)
    ensure_ceremony(principal, row.ceremony_id, READ)
    return row


@blp.route("/ceremonies/<uuid:ceremony_id>/certificates/release")
class CertificateRelease(MethodView):
    @ceremony_access(MANAGE)
    @blp.arguments(ReleaseSchema)
    @blp.response(200, ReleaseResultSchema)
    @blp.doc(security=BEARER)
    def post(self, fields, ceremony_id: uuid.UUID):
        """Release a ceremony's certificates to the graduates whose result earns one (organiser).

        Afterwards a result set or changed issues or revokes on its own. 409 ``course_not_found``
        without a course, ``no_results`` before any graduate has a result.
        """
        with service_context().database.transaction() as session:
            return release(
                session, ceremony_id, only_admitted=fields["only_admitted"], actor=actor()
            )


@blp.route("/ceremonies/<uuid:ceremony_id>/certificates")
class CeremonyCertificates(MethodView):
    @ceremony_access(READ)
    @blp.response(200, CertificateSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """A ceremony's certificates, issued and revoked, oldest first (its readers)."""
        with service_context().database.transaction() as session:
            known_ceremony(session, ceremony_id)
            rows = session.execute(
                select(certificates)
                .where(certificates.c.ceremony_id == ceremony_id)
                .order_by(certificates.c.issued_at, certificates.c.id)
            )
            return [_view(row) for row in rows]


@blp.route("/ceremonies/<uuid:ceremony_id>/certificates.pdf")
class CeremonyCertificatesPdf(MethodView):
    @ceremony_access(READ)
    @blp.response(200, content_type="application/pdf")
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """Every issued certificate in one PDF, in hand-over order (its readers); 404 if none.

        Completion and attendance in the order the roll is called, then appreciation by
        family name.
        """
        with service_context().database.transaction() as session:
            docs = handover_documents(session, ceremony_id, service_context().settings.public_url)
        return _pdf(render_certificates(docs), f"certificates-{ceremony_id}.pdf")


@blp.route("/certificates/<uuid:certificate_id>")
class Certificate(MethodView):
    @blp.response(200, CertificateSchema)
    @blp.doc(security=BEARER, parameters=[CAPABILITY])
    def get(self, certificate_id: uuid.UUID):
        """One certificate (its ceremony's readers, or the holder's own link)."""
        return _view(_readable_certificate(certificate_id))


@blp.route("/certificates/<uuid:certificate_id>.pdf")
class CertificatePdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    @blp.doc(security=BEARER, parameters=[CAPABILITY])
    def get(self, certificate_id: uuid.UUID):
        """One certificate as an A4 landscape PDF (its ceremony's readers, or the holder's link)."""
        row = _readable_certificate(certificate_id)
        with service_context().database.transaction() as session:
            doc = certificate_document(session, row, service_context().settings.public_url)
        return _pdf(render_certificate(doc), f"certificate-{row.id}.pdf")


@blp.route("/certificates/<uuid:certificate_id>/revoke")
class CertificateRevoke(MethodView):
    @permission_somewhere(MANAGE)
    @blp.arguments(RevokeSchema)
    @blp.response(200, CertificateSchema)
    @blp.doc(security=BEARER)
    def post(self, fields, certificate_id: uuid.UUID):
        """Revoke a certificate (organiser); 409 ``already_revoked``; it then verifies so."""
        database = service_context().database
        with database.transaction() as session:
            ceremony_id = certificate_row(session, certificate_id).ceremony_id
        ensure_access(ceremony_id, MANAGE)
        with database.transaction() as session:
            row = revoke(session, certificate_id, reason=fields["reason"], actor=actor())
            return _view(row)


@blp.route("/registrations/<uuid:registration_id>/certificate.pdf")
class RegistrationCertificatePdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    @blp.doc(security=BEARER, parameters=[CAPABILITY])
    def get(self, registration_id: uuid.UUID):
        """The registration's current certificate as PDF (its ceremony's readers, or the
        guest's own link); a graduate's certificate before one of appreciation."""
        principal = organiser_or_guest(registration_id, capability_in_query=True)
        database = service_context().database
        with database.transaction() as session:
            ceremony_id = session.execute(
                select(registrations.c.ceremony_id).where(registrations.c.id == registration_id)
            ).scalar_one_or_none()
        if ceremony_id is None:
            raise not_found("registration", registration_id)
        ensure_ceremony(principal, ceremony_id, READ)
        with database.transaction() as session:
            row = session.execute(
                select(certificates)
                .where(
                    certificates.c.registration_id == registration_id,
                    certificates.c.status == "issued",
                )
                .order_by((certificates.c.kind == "appreciation"), certificates.c.issued_at.desc())
                .limit(1)
            ).first()
            if row is None:
                raise DomainError(
                    "certificate_not_found",
                    "This registration holds no certificate.",
                    kind="not_found",
                )
            doc = certificate_document(session, row, service_context().settings.public_url)
        return _pdf(render_certificate(doc), f"certificate-{row.id}.pdf")


@blp.route("/verify/<code>")
class CertificateVerification(MethodView):
    @blp.response(200, VerificationSchema)
    def get(self, code: str):
        """Whether a certificate code is genuine, revoked or not genuine, and what it says
        (anyone; what a QR code's page shows)."""
        if len(code) > MAX_CODE_CHARS:
            message = f"A certificate code has at most {MAX_CODE_CHARS} characters."
            raise DomainError("code_too_long", message, kind="invalid", errors={"code": [message]})
        with service_context().database.transaction() as session:
            return asdict(verify(session, code))


@blp.route("/ceremonies/<uuid:ceremony_id>/certificate-keys")
class CertificateKeys(MethodView):
    @blp.response(200, CertificateKeysSchema)
    def get(self, ceremony_id: uuid.UUID):
        """A ceremony's public keys, to verify its certificates offline (anyone)."""
        with service_context().database.transaction() as session:
            known_ceremony(session, ceremony_id)
            rows = ceremony_public_keys(session, ceremony_id)
        keys = [
            {
                "kid": row.kid,
                "public_key": codes.public_key_b64(
                    Ed25519PublicKey.from_public_bytes(row.public_key)
                ),
                "created_at": row.created_at,
                "active": row.active,
            }
            for row in rows
        ]
        return {"ceremony_id": ceremony_id, "keys": keys}
