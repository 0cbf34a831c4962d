"""Console pages of attendance: live counts and arrivals (Server-Sent Events), who has not
arrived yet, and the dashboard's tile — usable on a phone at the door."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from shared.access import DOOR, READ, current_principal, has_permission
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import (
    PAGE_SIZE,
    Pagination,
    console_page,
    cross_origin,
    page_number,
    refusal_page,
    render_page,
)
from shared.contract import VIP_CATEGORIES
from shared.web import service_context

from ..door.attendance import attendance
from ..models import badges, ceremonies, checkins, presence, registrations

bp = Blueprint(
    "console_attendance",
    __name__,
    url_prefix=CONSOLE_PREFIXES["badges"],
    template_folder="templates",
)

#: How long one stream stays open: gunicorn's threads are few, and EventSource reconnects
#: by itself (after the ``retry`` the stream names), carrying the last event's id.
STREAM_SECONDS = 30
POLL_SECONDS = 1.0
ARRIVALS_SHOWN = 50


def _ceremony(session, ceremony_id):
    return session.execute(select(ceremonies).where(ceremonies.c.id == ceremony_id)).first()


def arrivals(session, ceremony_id: uuid.UUID, *, after: datetime | None = None, limit: int = 50):
    """Admissions at the door, newest first (after ``after`` only, when given)."""
    query = (
        select(
            checkins.c.recorded_at,
            checkins.c.scanned_at,
            checkins.c.gate,
            registrations.c.full_name,
            registrations.c.honorific,
            registrations.c.name_latin,
            registrations.c.category,
            registrations.c.organisation,
        )
        .join_from(checkins, badges, badges.c.id == checkins.c.badge_id)
        .join(registrations, registrations.c.id == badges.c.registration_id)
        .where(checkins.c.ceremony_id == ceremony_id, checkins.c.result == "admitted")
        .order_by(checkins.c.recorded_at.desc())
        .limit(limit)
    )
    if after is not None:
        query = query.where(checkins.c.recorded_at > after)
    return session.execute(query).all()


@bp.route("/<uuid:ceremony_id>/attendance")
@console_page(READ, DOOR)
def attendance_page(ceremony_id: uuid.UUID):
    """Counts, arrivals as they happen, and who is still expected."""
    query = (request.args.get("q") or "").strip()[:200]
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("This ceremony is not known here yet."))
        figures = attendance(session, ceremony_id)
        where = [
            badges.c.ceremony_id == ceremony_id,
            badges.c.status == "issued",
            presence.c.first_in_at.is_(None),
        ]
        if query:
            # Found by the name or by its transliteration, for those who cannot read its script.
            where.append(
                or_(
                    func.lower(registrations.c.full_name).contains(query.lower()),
                    func.lower(registrations.c.name_latin).contains(query.lower()),
                )
            )
        expected = (
            select(
                registrations.c.full_name,
                registrations.c.honorific,
                registrations.c.name_latin,
                registrations.c.category,
                registrations.c.organisation,
            )
            .join_from(badges, presence, presence.c.badge_id == badges.c.id)
            .join(registrations, registrations.c.id == badges.c.registration_id)
            .where(*where)
        )
        total = session.scalar(select(func.count()).select_from(expected.subquery()))
        pagination = Pagination(page_number(), PAGE_SIZE, total or 0)
        missing = session.execute(
            expected.order_by(
                registrations.c.precedence.is_(None),
                registrations.c.precedence,
                registrations.c.full_name,
            )
            .limit(PAGE_SIZE)
            .offset(pagination.offset)
        ).all()
        return render_page(
            "badges/attendance/page.html",
            ceremony=ceremony,
            active="attendance",
            title=_("Attendance"),
            figures=figures,
            arrivals=arrivals(session, ceremony_id, limit=ARRIVALS_SHOWN),
            missing=missing,
            pagination=pagination,
            q=query,
            vip=VIP_CATEGORIES,
        )


@bp.route("/<uuid:ceremony_id>/attendance/stream")
@console_page(READ, DOOR)
def stream(ceremony_id: uuid.UUID):
    """Server-Sent Events: the counts, and each new arrival, as they happen.

    Every message is JSON for the console's script: ``{"target", "html", "mode"}``. The stream
    polls the database about once a second and ends after ``STREAM_SECONDS`` (``?seconds=``
    shortens it), so that a web process's few threads are not held by idle pages; the browser
    reconnects after ``retry`` and sends ``Last-Event-ID``, the time of the last arrival it got.
    """
    database = service_context().database
    seconds = _seconds(request.args.get("seconds"))
    last = _instant(request.headers.get("Last-Event-ID"))
    with database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("This ceremony is not known here yet."))
        if last is None:
            newest = arrivals(session, ceremony_id, limit=1)
            last = newest[0].recorded_at if newest else datetime.min.replace(tzinfo=None)
    zone = ceremony.timezone
    app_context = service_context()

    def events():
        nonlocal last
        yield "retry: 1000\n\n"
        until = time.monotonic() + seconds
        counts_sent = None
        quiet = 0.0
        while True:
            with app_context.database.transaction() as session:
                figures = attendance(session, ceremony_id)
                new = arrivals(session, ceremony_id, after=_comparable(last), limit=ARRIVALS_SHOWN)
            counts = (figures["registered"], figures["admitted"], figures["inside"])
            if counts != counts_sent:
                html = render_template("badges/attendance/_counts.html", figures=figures)
                yield _message({"target": "counts", "html": html, "mode": "replace"})
                counts_sent = counts
            for row in reversed(new):
                html = render_template(
                    "badges/attendance/_arrival.html", row=row, zone=zone, vip=VIP_CATEGORIES
                )
                last = row.recorded_at
                update = {"target": "arrivals", "html": html, "mode": "prepend"}
                yield f"id: {last.isoformat()}\n" + _message(update)
            if time.monotonic() >= until:
                return
            # The stream's own pace, not a wait for an effect: check-ins are written by other
            # processes (web replicas, offline uploads), so this one polls the database.
            time.sleep(POLL_SECONDS)
            quiet += POLL_SECONDS
            if quiet >= 10:
                quiet = 0.0
                yield ": keep-alive\n\n"

    response = Response(stream_with_context(events()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


@bp.route("/<uuid:ceremony_id>/tile")
def tile(ceremony_id: uuid.UUID):
    """The dashboard's attendance tile, an HTML fragment another service's page includes."""
    principal = current_principal()
    if principal is None or not has_permission(principal, ceremony_id, READ, DOOR):
        return cross_origin(Response("", status=403))
    with service_context().database.transaction() as session:
        if _ceremony(session, ceremony_id) is None:
            return cross_origin(Response("", status=404))
        figures = attendance(session, ceremony_id)
    html = render_template("badges/attendance/_tile.html", figures=figures, ceremony_id=ceremony_id)
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    return cross_origin(response)


def _message(update: dict) -> str:
    return f"data: {json.dumps(update, ensure_ascii=False)}\n\n"


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, min(float(value), STREAM_SECONDS)) if value else STREAM_SECONDS
    except ValueError:
        return STREAM_SECONDS


def _instant(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _comparable(value: datetime) -> datetime | None:
    return None if value.year == 1 else value
