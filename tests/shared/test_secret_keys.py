"""The secret: a key per purpose, rotation with previous secrets, weak secrets refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from itsdangerous import URLSafeSerializer

from services.badges.signing import codes
from services.badges.signing.keys import KeyRing
from services.badges.signing.sealing import SealedKeyError, open_private_key, seal_private_key
from services.registration.app import create_app
from services.registration.service import SERVICE
from shared.auth import MANAGE_REGISTRATION, AuthError, Signer
from shared.config import ConfigurationError, load_settings
from shared.secret_keys import SecretKeys, check_secret
from tests.conftest import make_settings, migrated

OLD = "an-old-secret-that-was-replaced-0123456789"
NEW = "the-new-secret-after-rotation-9876543210"
REPO = Path(__file__).resolve().parents[2]


def test_each_purpose_has_a_key_of_its_own():
    keys = SecretKeys(NEW)
    assert len({keys.key("bearer-token"), keys.key("capability"), NEW.encode()}) == 3


def test_a_token_of_the_previous_secret_opens_only_while_it_is_listed():
    old_token = Signer(OLD).issue_token("admin")
    assert Signer(SecretKeys(NEW, (OLD,))).verify_token(old_token).role == "admin"
    with pytest.raises(AuthError):
        Signer(NEW).verify_token(old_token)
    new_token = Signer(SecretKeys(NEW, (OLD,))).issue_token("staff")
    with pytest.raises(AuthError):
        Signer(OLD).verify_token(new_token)  # new tokens are signed with the new key only


def test_links_signed_before_keys_were_derived_still_open():
    # How a guest's link was signed before: the secret itself, with the capability salt.
    legacy = URLSafeSerializer(NEW, salt="ceremony.capability").dumps(
        {"p": MANAGE_REGISTRATION, "s": "1234", "x": 4_102_444_800}
    )
    assert Signer(NEW).verify_capability(MANAGE_REGISTRATION, legacy) == "1234"


def test_a_badge_key_sealed_under_the_previous_secret_still_opens():
    key = codes.generate_key()
    sealed = seal_private_key(key, OLD)
    with pytest.raises(SealedKeyError):
        open_private_key(sealed, NEW)
    assert codes.key_id(open_private_key(sealed, NEW, OLD).public_key()) == codes.key_id(
        key.public_key()
    )


def test_a_guest_link_made_before_rotation_opens_after_it(tmp_path, organiser_headers):
    from tests.registration.conftest import ceremony_body, register

    before = migrated(SERVICE, make_settings("registration", tmp_path, secret_key=OLD))
    old_app = create_app(before)
    client = old_app.test_client()
    old_headers = {"Authorization": f"Bearer {Signer(OLD).issue_token('admin')}"}
    ceremony = client.post("/api/ceremonies", json=ceremony_body(), headers=old_headers).json
    manage = register(client, ceremony["id"], "ada@example.org").json["manage_url"]
    path = "/" + manage.split("/", 3)[3]

    rotated = create_app(before.with_overrides(secret_key=NEW, previous_secret_keys=(OLD,)))
    assert rotated.test_client().get(path).status_code == 200
    forgotten = create_app(before.with_overrides(secret_key=NEW))
    assert forgotten.test_client().get(path).status_code == 404


def test_badges_keep_signing_with_a_key_sealed_before_rotation(tmp_path):
    import uuid

    from services.badges.service import SERVICE as BADGES
    from shared.db import Database

    settings = migrated(BADGES, make_settings("badges", tmp_path))
    database = Database(settings.database_url)
    ceremony_id = uuid.uuid4()
    with database.transaction() as session:
        kid = KeyRing(OLD).ensure_key(session, ceremony_id)
    with database.transaction() as session, pytest.raises(SealedKeyError):
        KeyRing(NEW).signing_key(session, ceremony_id)
    with database.transaction() as session:
        signing = KeyRing(SecretKeys(NEW, (OLD,))).signing_key(session, ceremony_id)
    assert signing.kid == kid
    database.dispose()


def example_secrets() -> list[str]:
    """The secret values the deployment examples carry."""
    found = []
    for path in (REPO / "deploy/k8s/base/secret.example.yaml", REPO / "deploy/.env.example"):
        found += re.findall(r"CEREMONY_SECRET_KEY[:=]\s*(\S+)", path.read_text())
    return found


@pytest.mark.parametrize("secret", ["short", "x" * 31, *example_secrets()])
def test_a_weak_or_example_secret_refuses_to_start(tmp_path, secret):
    settings = make_settings("registration", tmp_path, secret_key=secret)
    with pytest.raises(ConfigurationError, match="CEREMONY_SECRET_KEY"):
        create_app(settings)


def test_the_examples_carry_a_placeholder_that_is_refused():
    assert example_secrets(), "the Kubernetes example names a placeholder"
    for secret in example_secrets():
        with pytest.raises(ValueError):
            check_secret(secret)


def test_previous_secrets_are_read_from_the_environment_and_checked(tmp_path):
    environ = {
        "CEREMONY_VAR_DIR": str(tmp_path),
        "CEREMONY_SECRET_KEY": NEW,
        "CEREMONY_PREVIOUS_SECRET_KEYS": f"{OLD}, ",
    }
    assert load_settings("badges", environ).secret_keys() == SecretKeys(NEW, (OLD,))
    environ["CEREMONY_PREVIOUS_SECRET_KEYS"] = "too-short"
    with pytest.raises(ConfigurationError, match="CEREMONY_PREVIOUS_SECRET_KEYS"):
        load_settings("badges", environ).secret_keys()
