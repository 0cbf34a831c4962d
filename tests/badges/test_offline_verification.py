"""The README's offline verification example, run as it is written against real certificates:
only the code, the downloaded public keys and the name printed on the paper."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature

from tests.badges.test_certificate_api import certificate_of, course_set, released

__all__ = ["course_set", "released"]  # fixtures used below

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def verify_offline():
    """``verify_offline`` as the README defines it, from its marked code block."""
    text = README.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- offline-verification -->\n```python\n(.*?)```\n<!-- /offline-verification -->",
        text,
        re.DOTALL,
    )
    assert block, "the README's offline verification example is missing"
    namespace: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)
    return namespace["verify_offline"]


@pytest.fixture
def downloaded(client, course_set, released, organiser_headers):
    """The public keys as a verifier downloads them, and each holder's certificate."""
    keys = client.get(f"/api/ceremonies/{course_set}/certificate-keys").json
    held = {
        who: certificate_of(client, course_set, organiser_headers, registration_id)
        for who, registration_id in released.items()
    }
    return keys, held


def test_a_genuine_certificate_verifies_offline_with_the_name_on_the_paper(
    verify_offline, downloaded
):
    keys, held = downloaded
    said = verify_offline(held["diallo"]["code"], keys, "Fatou Diallo")
    assert said == {
        "certificate_id": held["diallo"]["id"],
        "kind": "completion",
        "result": "distinction",
        "name_matches": True,
    }
    assert verify_offline(held["bernard"]["code"].lower(), keys, " Claire Bernard ")["kind"] == (
        "attendance"
    )
    expert = verify_offline(held["expert"]["code"], keys, "Omar Haddad")
    assert (expert["kind"], expert["result"]) == ("appreciation", None)


def test_another_name_on_the_paper_does_not_match(verify_offline, downloaded):
    keys, held = downloaded
    assert verify_offline(held["zhang"]["code"], keys, "Zhang Wel")["name_matches"] is False


def test_an_altered_code_fails_offline(verify_offline, downloaded):
    keys, held = downloaded
    code = held["bernard"]["code"]
    # The kind-and-result byte (offset 37) lies in characters 59–60: claim another result.
    altered = code[:60] + ("A" if code[60] != "A" else "B") + code[61:]
    with pytest.raises(InvalidSignature):
        verify_offline(altered, keys, "Claire Bernard")


def test_a_badge_code_is_not_a_certificate_offline(verify_offline, downloaded, client):
    keys, _ = downloaded
    with pytest.raises(ValueError, match="not a certificate code"):
        verify_offline("A" * 152, keys, "Anyone")
