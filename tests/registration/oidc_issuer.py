"""A real OpenID provider for tests, built on Authlib's server side and served on 127.0.0.1.

It publishes its discovery document and its RS256 key (JWKS), answers the authorization
endpoint by approving at once whoever the test says is signed in there (``person``), and issues
codes, access tokens and signed ID tokens at its token endpoint, with PKCE and the nonce
checked. Its userinfo endpoint answers for its access tokens.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Error, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.core.models import AuthorizationCodeMixin
from flask import Flask, jsonify, request
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


@dataclass
class Person:
    """Who is signed in at the provider, and the claims it makes about them."""

    subject: str
    email: str
    email_verified: bool = True
    name: str | None = None


@dataclass
class _Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope):
        allowed = {"openid", "email", "profile"}
        return " ".join(part for part in (scope or "").split() if part in allowed)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint != "token" or method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class _Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    person: Person
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


def _user_info(person: Person, scope: str) -> UserInfo:
    info = UserInfo(sub=person.subject)
    if "email" in scope.split():
        info.update(email=person.email, email_verified=person.email_verified)
    if "profile" in scope.split() and person.name:
        info["name"] = person.name
    return info


class OidcIssuer:
    """The provider: start it, register the client, set ``person``, and stop it."""

    def __init__(self) -> None:
        self.person: Person | None = None
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig"})
        self.clients: dict[str, _Client] = {}
        self._codes: dict[str, _Code] = {}
        self._tokens: dict[str, tuple[Person, str]] = {}
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def register_client(self, client_id: str, client_secret: str, redirect_uri: str) -> None:
        """Let a relying party sign people in, back to ``redirect_uri``."""
        self.clients[client_id] = _Client(client_id, client_secret, [redirect_uri])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- the Flask app of the provider --------------------------------------------------------

    def _app(self) -> Flask:
        app = Flask("oidc_issuer")
        issuer = self
        server = AuthorizationServer(
            app, query_client=self.clients.get, save_token=self._save_token
        )

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, request):
                payload = request.payload
                issuer._codes[code] = _Code(
                    code=code,
                    client_id=request.client.get_client_id(),
                    redirect_uri=payload.redirect_uri,
                    scope=request.scope,
                    person=request.user,
                    nonce=payload.data.get("nonce"),
                    code_challenge=payload.data.get("code_challenge"),
                    code_challenge_method=payload.data.get("code_challenge_method"),
                    auth_time=int(time.time()),
                )

            def query_authorization_code(self, code, client):
                found = issuer._codes.get(code)
                return found if found and found.client_id == client.get_client_id() else None

            def delete_authorization_code(self, authorization_code):
                issuer._codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.person

        class IdTokens(OpenIDCode):
            def exists_nonce(self, nonce, request):
                return any(code.nonce == nonce for code in issuer._codes.values())

            def resolve_client_private_key(self, client):
                return issuer.key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": issuer.key.kid}

            def get_client_claims(self, client):
                return {"iss": issuer.url, "aud": [client.get_client_id()]}

            def generate_user_info(self, user, scope):
                return _user_info(user, scope)

        server.register_grant(CodeGrant, [IdTokens(require_nonce=True), CodeChallenge()])

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return {
                "issuer": issuer.url,
                "authorization_endpoint": f"{issuer.url}/authorize",
                "token_endpoint": f"{issuer.url}/token",
                "userinfo_endpoint": f"{issuer.url}/userinfo",
                "jwks_uri": f"{issuer.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "code_challenge_methods_supported": ["S256"],
            }

        @app.get("/jwks")
        def jwks():
            return {"keys": [issuer.key.as_dict(private=False)]}

        @app.get("/authorize")
        def authorize():
            # No login form: whoever the test put there is signed in and consents.
            try:
                grant = server.get_consent_grant(end_user=issuer.person)
            except OAuth2Error as error:
                return jsonify(error=error.error, error_description=error.description), 400
            return server.create_authorization_response(grant=grant, grant_user=issuer.person)

        @app.post("/token")
        def token():
            return server.create_token_response()

        @app.get("/userinfo")
        def userinfo():
            scheme, _, access_token = request.headers.get("Authorization", "").partition(" ")
            known = issuer._tokens.get(access_token) if scheme.lower() == "bearer" else None
            if known is None:
                return jsonify(error="invalid_token"), 401
            person, scope = known
            return dict(_user_info(person, scope))

        return app

    def _save_token(self, token, request) -> None:
        self._tokens[token["access_token"]] = (request.user, token.get("scope", ""))
