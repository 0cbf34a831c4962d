"""The course and graduates kept from the bus: images as bytes, the highest revision wins."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from services.badges.certificates.projection import course_of, graduate_of
from shared.graduation import image_bytes
from tests.badges.graduation import course, course_envelope, graduate_envelope, png


def read_course(database, ceremony_id):
    with database.transaction() as session:
        return course_of(session, ceremony_id)


def read_graduate(database, registration_id):
    with database.transaction() as session:
        return graduate_of(session, registration_id)


def test_the_course_is_kept_with_its_images_as_png_bytes(feed, database, ceremony_id):
    logo = png("navy")
    feed.deliver(
        course_envelope(
            ceremony_id,
            organisations=[{"name": "Institute", "logo": logo}, {"name": "Ministry"}],
        )
    )
    kept = read_course(database, ceremony_id)
    assert (kept.title, kept.starts_on, kept.ends_on, kept.hours) == (
        "Senior Officers' Course",
        date(2031, 5, 12),
        date(2031, 6, 20),
        Decimal("240.0"),
    )
    assert kept.organisations == (("Institute", image_bytes(logo)), ("Ministry", None))
    assert kept.organisations[0][1].startswith(b"\x89PNG")
    (first, second) = kept.signatories
    assert first[:2] == ("Dr Amina Diallo", "Director General") and first[2].startswith(b"\x89PNG")
    assert second == ("Li Wei", "Course Director", None)
    assert kept.translations == {"fr": {"title": "Cours des officiers supérieurs"}}


def test_the_highest_revision_of_the_course_wins(feed, database, ceremony_id):
    feed.deliver(course_envelope(ceremony_id, revision=7, title="Newer Title"))
    feed.deliver(course_envelope(ceremony_id, revision=3, title="Older Title"))
    feed.deliver(course_envelope(ceremony_id, revision=7, title="Same Revision Again"))
    assert read_course(database, ceremony_id).title == "Newer Title"


def test_a_removed_course_stays_removed_against_older_revisions(feed, database, ceremony_id):
    feed.deliver(course_envelope(ceremony_id, revision=4))
    feed.deliver(course_envelope(ceremony_id, revision=5, course=None))
    feed.deliver(course_envelope(ceremony_id, revision=4))
    assert read_course(database, ceremony_id) is None


def test_a_changed_course_drops_the_images_it_no_longer_has(feed, database, ceremony_id):
    feed.deliver(course_envelope(ceremony_id, revision=1))
    without = course()
    without["signatories"] = [{"name": "Dr Amina Diallo", "title": "Director General"}]
    feed.deliver(course_envelope(ceremony_id, revision=2, course=without))
    assert read_course(database, ceremony_id).signatories == (
        ("Dr Amina Diallo", "Director General", None),
    )


def test_a_graduate_may_arrive_before_the_registration(feed, database, ceremony_id):
    registration_id = uuid.uuid4()
    feed.deliver(
        graduate_envelope(ceremony_id, registration_id, "distinction", group="Syndicate B")
    )
    kept = read_graduate(database, registration_id)
    assert (kept.result, kept.group, kept.appreciation) == ("distinction", "Syndicate B", False)


def test_the_highest_revision_of_a_graduate_wins(feed, database, ceremony_id):
    registration_id = uuid.uuid4()
    feed.deliver(graduate_envelope(ceremony_id, registration_id, "completed", revision=9))
    feed.deliver(graduate_envelope(ceremony_id, registration_id, "attended", revision=8))
    assert read_graduate(database, registration_id).result == "completed"
    feed.deliver(graduate_envelope(ceremony_id, registration_id, None, revision=10))
    assert read_graduate(database, registration_id).result is None
