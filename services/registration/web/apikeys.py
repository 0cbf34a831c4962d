"""HTTP API: API keys for automation, shown once, listed and revoked.

A key for one ceremony is made by whoever may grant roles there (its owners, an admin) and
holds one of the ceremony roles; a suite-wide key, any role, is made by an admin alone.
"""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import (
    BEARER,
    GRANT,
    SUITE_ADMIN,
    actor,
    authenticate,
    ensure_access,
    ensure_suite,
    permission_somewhere,
)
from shared.web import service_context

from ..apikeys import (
    create_api_key,
    get_api_key,
    key_request,
    key_status,
    list_api_keys,
    revoke_api_key,
)
from ..models import ApiKey
from .device_schemas import ApiKeyInSchema, ApiKeyQuerySchema, ApiKeySchema, NewApiKeySchema

blp = Blueprint("apikeys", __name__, url_prefix="/api", description="API keys")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}


def shown(row: ApiKey) -> dict:
    """A key's record as the API shows it."""
    return {
        "id": row.id,
        "name": row.name,
        "role": row.role,
        "ceremony_id": row.ceremony_id,
        "status": key_status(row),
        "created_at": row.created_at,
        "expires_at": row.expires_at,
        "revoked_at": row.revoked_at,
    }


def ensure_may_manage_keys(ceremony_id: uuid.UUID | None) -> None:
    """The keys of a ceremony are its granters'; suite-wide keys, an admin's."""
    if ceremony_id is None:
        ensure_suite(SUITE_ADMIN)
    else:
        ensure_access(ceremony_id, GRANT)


@blp.route("/apikeys")
class ApiKeys(MethodView):
    @permission_somewhere(GRANT)
    @blp.arguments(ApiKeyInSchema)
    @blp.response(201, NewApiKeySchema)
    @blp.doc(security=BEARER)
    def post(self, body):
        """Make an API key (owner of its ceremony, or admin for a suite-wide one); the key is
        in this answer only."""
        ensure_may_manage_keys(body["ceremony_id"])
        request = key_request(
            body["name"], body["role"], body["ceremony_id"], days=body["expires_in_days"]
        )
        principal = authenticate()
        context = service_context()
        with context.database.transaction() as session:
            row, key = create_api_key(
                session,
                context.signer,
                request,
                created_by=principal.account_id or principal.credential_id,
                actor=actor(),
            )
            return {**shown(row), "key": key}

    @permission_somewhere(GRANT)
    @blp.arguments(ApiKeyQuerySchema, location="query")
    @blp.response(200, ApiKeySchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, query):
        """List API keys, newest first: one ceremony's (its owners), or every one (admin)."""
        ensure_may_manage_keys(query["ceremony_id"])
        with service_context().database.transaction() as session:
            return [shown(row) for row in list_api_keys(session, query["ceremony_id"])]


@blp.route("/apikeys/<uuid:key_id>/revoke")
class ApiKeyRevoke(MethodView):
    @permission_somewhere(GRANT)
    @blp.response(200, ApiKeySchema)
    @blp.doc(security=BEARER)
    def post(self, key_id: uuid.UUID):
        """Revoke an API key: every service refuses it within a moment."""
        context = service_context()
        with context.database.transaction() as session:
            ensure_may_manage_keys(get_api_key(session, key_id).ceremony_id)
            answer = shown(revoke_api_key(session, key_id, actor=actor()))
        # This process's own copy of the revocation counts at once, not after the cache's second.
        context.credentials.forget()
        return answer
