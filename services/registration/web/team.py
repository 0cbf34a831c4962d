"""HTTP API: accounts (suite admin) and each ceremony's team and roles (owners)."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import BEARER, GRANT, READ, SUITE_ADMIN, actor, ceremony_access, suite_access
from shared.web import ErrorSchema, service_context

from ..accounts import list_accounts
from ..teams import (
    Member,
    add_account,
    change_role,
    invite_teammate,
    is_admin,
    set_disabled,
    team_of,
    withdraw_teammate,
)
from .account_schemas import (
    AccountInSchema,
    AccountSchema,
    MemberSchema,
    RoleChangeSchema,
    TeammateInSchema,
    present_account,
)

blp = Blueprint("team", __name__, url_prefix="/api", description="Teams and roles")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}


def _shown(session, member: Member) -> dict:
    return {
        "account": present_account(member.account, admin=is_admin(session, member.account.id)),
        "role": member.role,
        "gates": list(member.gates),
    }


def _done(answer):
    """The answer of a change: this process's cache of roles and refusals is stale now."""
    service_context().credentials.forget()
    return answer


# -- accounts (suite admin) -----------------------------------------------------------------


@blp.route("/accounts")
class Accounts(MethodView):
    @suite_access(SUITE_ADMIN)
    @blp.response(200, AccountSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self):
        """List every account (suite admin)."""
        with service_context().database.transaction() as session:
            return [
                present_account(account, admin=is_admin(session, account.id))
                for account in list_accounts(session)
            ]

    @suite_access(SUITE_ADMIN)
    @blp.arguments(AccountInSchema)
    @blp.response(201, AccountSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="account_exists")
    @blp.doc(security=BEARER)
    def post(self, args):
        """Create an account (suite admin); without a password, it is emailed a link to set
        one."""
        with service_context().database.transaction() as session:
            account = add_account(session, actor(), **args)
            shown = present_account(account, admin=args["admin"])
        return _done(shown)


@blp.route("/accounts/<uuid:account_id>/disable")
class AccountDisable(MethodView):
    @suite_access(SUITE_ADMIN)
    @blp.response(200, AccountSchema)
    @blp.doc(security=BEARER)
    def post(self, account_id: uuid.UUID):
        """Disable an account: its sessions are refused at once, everywhere (suite admin)."""
        with service_context().database.transaction() as session:
            account = set_disabled(session, actor(), account_id, disabled=True)
            shown = present_account(account, admin=is_admin(session, account.id))
        return _done(shown)


@blp.route("/accounts/<uuid:account_id>/enable")
class AccountEnable(MethodView):
    @suite_access(SUITE_ADMIN)
    @blp.response(200, AccountSchema)
    @blp.doc(security=BEARER)
    def post(self, account_id: uuid.UUID):
        """Enable a disabled account again; it signs in afresh (suite admin)."""
        with service_context().database.transaction() as session:
            account = set_disabled(session, actor(), account_id, disabled=False)
            shown = present_account(account, admin=is_admin(session, account.id))
        return _done(shown)


# -- a ceremony's team ----------------------------------------------------------------------


@blp.route("/ceremonies/<uuid:ceremony_id>/team")
class Team(MethodView):
    @ceremony_access(READ)
    @blp.response(200, MemberSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """The people holding a role on the ceremony."""
        with service_context().database.transaction() as session:
            return [_shown(session, member) for member in team_of(session, ceremony_id)]

    @ceremony_access(GRANT)
    @blp.arguments(TeammateInSchema)
    @blp.response(201, MemberSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="already_in_team")
    @blp.doc(security=BEARER)
    def post(self, args, ceremony_id: uuid.UUID):
        """Give someone a role on the ceremony (owner); a new address gets an account and an
        email to set its password."""
        with service_context().database.transaction() as session:
            member = invite_teammate(session, actor(), ceremony_id, **args)
            shown = _shown(session, member)
        return _done(shown)


@blp.route("/ceremonies/<uuid:ceremony_id>/team/<uuid:account_id>")
class Teammate(MethodView):
    @ceremony_access(GRANT)
    @blp.arguments(RoleChangeSchema)
    @blp.response(200, MemberSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="last_owner")
    @blp.doc(security=BEARER)
    def put(self, args, ceremony_id: uuid.UUID, account_id: uuid.UUID):
        """Change a teammate's role on the ceremony (owner)."""
        with service_context().database.transaction() as session:
            member = change_role(session, actor(), ceremony_id, account_id, **args)
            shown = _shown(session, member)
        return _done(shown)

    @ceremony_access(GRANT)
    @blp.response(204)
    @blp.alt_response(409, schema=ErrorSchema, description="last_owner")
    @blp.doc(security=BEARER)
    def delete(self, ceremony_id: uuid.UUID, account_id: uuid.UUID):
        """Take a teammate's role on the ceremony away (owner)."""
        with service_context().database.transaction() as session:
            withdraw_teammate(session, actor(), ceremony_id, account_id)
        _done(None)
