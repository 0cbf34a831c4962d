"""Releasing certificates: who gets which, the attended-only option, and what follows a release."""

from __future__ import annotations

import pytest

from services.badges.certificates.issuing import revoke
from services.badges.door.checkin import Scan, record_scan
from services.badges.issuing import live_badge
from services.badges.signing.certificates import parse_certificate_code
from services.badges.signing.keys import KeyRing
from shared.audit import SYSTEM
from shared.errors import DomainError
from shared.events import make_envelope
from shared.graduation import name_digest
from tests.badges.graduation import (
    course_envelope,
    events,
    graduate,
    graduate_envelope,
    held,
    release_now,
)
from tests.conftest import SECRET


@pytest.fixture
def course_set(feed, ceremony_id):
    feed.deliver(course_envelope(ceremony_id))
    return ceremony_id


def admit(database, registration_id):
    with database.transaction() as session:
        code = live_badge(session, registration_id).code
    verdict = record_scan(database, KeyRing(SECRET), Scan(code=code, gate="North"))
    assert verdict.result == "admitted", verdict.body


def kinds(database, registration_id, status="issued"):
    return [(c.kind, c.result) for c in held(database, registration_id) if c.status == status]


def test_each_result_earns_its_certificate(feed, database, course_set):
    people = {
        result: graduate(feed, course_set, result, full_name=f"Graduate {result or 'none'}")
        for result in ("completed", "distinction", "attended", "not_completed", None)
    }
    summary = release_now(database, course_set)
    assert kinds(database, people["completed"]) == [("completion", "completed")]
    assert kinds(database, people["distinction"]) == [("completion", "distinction")]
    assert kinds(database, people["attended"]) == [("attendance", "attended")]
    assert kinds(database, people["not_completed"]) == []
    assert kinds(database, people[None]) == []
    assert (summary["issued"], summary["already_issued"]) == (3, 0)
    assert summary["skipped"] == {"no_result": 1, "not_completed": 1}


def test_a_certificate_records_its_holder_and_is_signed_for_them(feed, database, course_set):
    registration_id = graduate(
        feed, course_set, "completed", full_name="Amina Diallo", language="fr-CH"
    )
    release_now(database, course_set)
    (certificate,) = held(database, registration_id)
    parsed = parse_certificate_code(certificate.code)
    assert (certificate.name, certificate.language, certificate.status) == (
        "Amina Diallo",
        "fr",
        "issued",
    )
    assert parsed.certificate_id == certificate.id and parsed.ceremony_id == course_set
    assert parsed.name_digest == name_digest("Amina Diallo")[:18]
    assert certificate.name_digest == name_digest("Amina Diallo").hex()


def test_a_language_none_of_the_six_falls_back_to_the_ceremony_s(feed, database, course_set):
    registration_id = graduate(feed, course_set, "completed", language="de")
    release_now(database, course_set)
    assert held(database, registration_id)[0].language == "en"


def test_only_admitted_issues_only_to_graduates_admitted_at_the_door(feed, database, course_set):
    came = graduate(feed, course_set, "completed", full_name="Came Early")
    absent = graduate(feed, course_set, "completed", full_name="Stayed Away")
    admit(database, came)
    summary = release_now(database, course_set, only_admitted=True)
    assert kinds(database, came) == [("completion", "completed")]
    assert kinds(database, absent) == []
    assert summary["skipped"] == {"not_admitted": 1}
    # Admitted later, the absent graduate gets theirs when the organiser releases again.
    admit(database, absent)
    again = release_now(database, course_set, only_admitted=True)
    assert kinds(database, absent) == [("completion", "completed")]
    assert (again["issued"], again["already_issued"]) == (1, 1)


def test_appreciation_goes_to_every_confirmed_registration_flagged(feed, database, course_set):
    expert = graduate(feed, course_set, None, full_name="Expert One", category="guest")
    feed.deliver(graduate_envelope(course_set, expert, None, appreciation=True))
    graduate(feed, course_set, "completed", full_name="Graduate One")
    release_now(database, course_set, only_admitted=True)
    # Appreciation does not depend on the door.
    assert kinds(database, expert) == [("appreciation", None)]


def test_releasing_twice_issues_nothing_twice(feed, database, course_set):
    registration_id = graduate(feed, course_set, "completed")
    first = release_now(database, course_set)
    second = release_now(database, course_set)
    assert (first["issued"], second["issued"], second["already_issued"]) == (1, 0, 1)
    assert len(held(database, registration_id)) == 1
    assert len(events(database, "certificate.issued")) == 1


def test_releasing_before_any_result_is_refused_naming_result(feed, database, course_set):
    graduate(feed, course_set, None)
    with pytest.raises(DomainError) as refused:
        release_now(database, course_set)
    assert refused.value.code == "no_results"
    assert refused.value.errors == {"result": ["No graduate has a result yet."]}


def test_releasing_without_a_course_is_refused_naming_course(feed, database, ceremony_id):
    graduate(feed, ceremony_id, "completed")
    with pytest.raises(DomainError) as refused:
        release_now(database, ceremony_id)
    assert refused.value.code == "course_not_found"
    assert list(refused.value.errors) == ["course"]


def test_a_removed_course_cannot_be_released(feed, database, course_set):
    graduate(feed, course_set, "completed")
    feed.deliver(course_envelope(course_set, course=None))
    with pytest.raises(DomainError) as refused:
        release_now(database, course_set)
    assert refused.value.code == "course_not_found"


def test_nothing_is_issued_before_the_release(feed, database, course_set):
    registration_id = graduate(feed, course_set, "completed")
    assert held(database, registration_id) == []
    assert events(database, "certificate.issued") == []


def test_after_the_release_a_new_result_issues_on_its_own(feed, database, course_set):
    graduate(feed, course_set, "completed", full_name="First Graduate")
    release_now(database, course_set)
    late = graduate(feed, course_set, None, full_name="Late Result")
    feed.deliver(graduate_envelope(course_set, late, "attended"))
    assert kinds(database, late) == [("attendance", "attended")]


def test_a_result_changed_to_nothing_revokes(feed, database, course_set):
    registration_id = graduate(feed, course_set, "completed")
    release_now(database, course_set)
    feed.deliver(graduate_envelope(course_set, registration_id, "not_completed"))
    (certificate,) = held(database, registration_id)
    assert (certificate.status, certificate.reason) == ("revoked", "result_changed")
    assert [e["reason"] for e in events(database, "certificate.revoked")] == ["result_changed"]


def test_a_result_changed_to_another_kind_revokes_and_reissues(feed, database, course_set):
    registration_id = graduate(feed, course_set, "attended")
    release_now(database, course_set)
    feed.deliver(graduate_envelope(course_set, registration_id, "distinction"))
    old, new = held(database, registration_id)
    assert (old.kind, old.status, old.reason, old.replaced_by) == (
        "attendance",
        "revoked",
        "result_changed",
        new.id,
    )
    assert (new.kind, new.result, new.status, new.replaces) == (
        "completion",
        "distinction",
        "issued",
        old.id,
    )
    assert len(events(database, "certificate.issued")) == 2
    assert len(events(database, "certificate.revoked")) == 1


def test_an_older_result_arriving_late_changes_nothing(feed, database, course_set):
    registration_id = graduate(feed, course_set, None)
    feed.deliver(graduate_envelope(course_set, registration_id, "completed", revision=10_000_000))
    release_now(database, course_set)
    feed.deliver(graduate_envelope(course_set, registration_id, "not_completed", revision=5))
    assert kinds(database, registration_id) == [("completion", "completed")]


def correct_name(feed, ceremony_id, registration_id, full_name):
    """Deliver the organiser's correction of a registration's full name."""
    confirmed = feed.last_by_registration[registration_id]["data"]
    kept = {k: v for k, v in confirmed.items() if k not in ("registration_id", "ceremony_id")}
    data = {
        **kept,
        "registration_id": registration_id,
        "ceremony_id": ceremony_id,
        "full_name": full_name,
        "status": "confirmed",
        "changed": ["full_name"],
    }
    feed.deliver(make_envelope("registration.updated", data, "registration"))


def test_a_corrected_name_revokes_and_reissues(feed, database, course_set):
    registration_id = graduate(feed, course_set, "completed", full_name="Amina Dialo")
    release_now(database, course_set)
    correct_name(feed, course_set, registration_id, "Amina Diallo")
    old, new = held(database, registration_id)
    assert (old.status, old.reason, old.replaced_by) == ("revoked", "name_corrected", new.id)
    assert (new.status, new.name, new.replaces) == ("issued", "Amina Diallo", old.id)
    assert parse_certificate_code(new.code).names("Amina Diallo")
    issued = events(database, "certificate.issued")
    assert [e["replaces"] for e in issued] == [None, str(old.id)]
    assert [e["reason"] for e in events(database, "certificate.revoked")] == ["name_corrected"]


def test_a_corrected_name_is_reissued_whatever_the_door_said(feed, database, course_set):
    registration_id = graduate(feed, course_set, "completed", full_name="Amina Dialo")
    release_now(database, course_set)
    release_now(database, course_set, only_admitted=True)
    correct_name(feed, course_set, registration_id, "Amina Diallo")
    assert [(c.status, c.name) for c in held(database, registration_id)] == [
        ("revoked", "Amina Dialo"),
        ("issued", "Amina Diallo"),
    ]


def test_a_cancelled_registration_s_certificate_is_revoked(feed, database, course_set):
    registration_id = graduate(feed, course_set, "completed")
    release_now(database, course_set)
    feed.cancel(registration_id)
    (certificate,) = held(database, registration_id)
    assert (certificate.status, certificate.reason) == ("revoked", "registration_cancelled")


def test_a_redelivered_result_issues_nothing_twice(feed, database, course_set):
    graduate(feed, course_set, "completed", full_name="First Graduate")
    release_now(database, course_set)
    late = graduate(feed, course_set, None, full_name="Late Result")
    envelope = graduate_envelope(course_set, late, "completed")
    assert feed.deliver(envelope) is True
    assert feed.deliver(envelope) is False
    assert kinds(database, late) == [("completion", "completed")]
    assert len(events(database, "certificate.issued")) == 2


def test_a_certificate_revoked_by_the_organiser_follows_a_later_result(feed, database, course_set):
    registration_id = graduate(feed, course_set, "completed")
    release_now(database, course_set)
    (certificate,) = held(database, registration_id)
    with database.transaction() as session:
        revoke(session, certificate.id, reason=None, actor=SYSTEM)
    # The same result again issues nothing; a corrected result does.
    feed.deliver(graduate_envelope(course_set, registration_id, "completed"))
    assert kinds(database, registration_id) == []
    feed.deliver(graduate_envelope(course_set, registration_id, "distinction"))
    assert kinds(database, registration_id) == [("completion", "distinction")]
    assert held(database, registration_id)[0].reason == "revoked_by_organiser"
