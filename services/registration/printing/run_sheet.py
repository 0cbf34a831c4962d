"""The master of ceremonies' run sheet: each programme item with its time, the speaker's name
as it is announced, their title and seat, and whether the door has seen them; then the VIPs
not yet arrived. Built from storage once, drawn as a page or as a PDF."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.contract import VIP_CATEGORIES, programme_from_json
from shared.venue import seat_label

from ..models import Ceremony, Invitation, Registration
from . import text
from .names import latin_name, printed_name
from .seats import seats_by_guest


@dataclass(frozen=True)
class Speaker:
    """A person on the run sheet, named as the master of ceremonies announces them."""

    registration_id: uuid.UUID | None
    name: str
    name_latin: str | None
    title: str | None
    seat: str | None
    category: str | None
    arrived_at: datetime | None


@dataclass(frozen=True)
class Item:
    """One programme item; ``speaker`` is None when no one is named."""

    starts_at: datetime | None
    title: str
    speaker: Speaker | None


@dataclass(frozen=True)
class RunSheet:
    """The run sheet of a ceremony, as it stands now."""

    title: str
    timezone: str
    items: list[Item]
    #: Dignitaries and speakers confirmed but not seen at the door yet, in protocol order.
    awaited: list[Speaker]

    @property
    def arrived_speakers(self) -> dict[uuid.UUID, Speaker]:
        """The speakers of the programme the door has admitted, by registration."""
        return {
            item.speaker.registration_id: item.speaker
            for item in self.items
            if item.speaker and item.speaker.registration_id and item.speaker.arrived_at
        }


def build_run_sheet(session: Session, ceremony: Ceremony, language: str = "en") -> RunSheet:
    """The run sheet of ``ceremony``, seats named in ``language`` and names announced in the
    ceremony's own language."""
    items = programme_from_json(ceremony.programme)
    by_invitation = _invitees_registrations(session, items)
    guests = {
        guest.id: guest
        for guest in session.scalars(
            select(Registration).where(
                Registration.ceremony_id == ceremony.id, Registration.status != "cancelled"
            )
        )
    }
    seats = seats_by_guest(session, ceremony)

    def speaker_of(guest: Registration, role: str | None = None) -> Speaker:
        seat = seats.get(guest.id)
        return Speaker(
            registration_id=guest.id,
            name=printed_name(guest, ceremony.default_language),
            name_latin=latin_name(guest),
            title=role or guest.job_title,
            seat=seat_label(seat, language) if seat else None,
            category=guest.category,
            arrived_at=guest.arrived_at,
        )

    sheet_items = []
    for item in items:
        linked = item.get("registration_id") or by_invitation.get(item.get("invitation_id"))
        guest = guests.get(uuid.UUID(str(linked))) if linked else None
        if guest is not None:
            speaker = speaker_of(guest, item.get("role"))
        elif item.get("speaker"):
            speaker = Speaker(None, item["speaker"], None, item.get("role"), None, None, None)
        else:
            speaker = None
        sheet_items.append(Item(item.get("starts_at"), item["title"], speaker))
    awaited = sorted(
        (
            g
            for g in guests.values()
            if g.category in VIP_CATEGORIES and g.status == "confirmed" and g.arrived_at is None
        ),
        key=lambda g: (g.precedence is None, g.precedence or 0, g.full_name),
    )
    return RunSheet(
        title=ceremony.title,
        timezone=ceremony.timezone,
        items=sheet_items,
        awaited=[speaker_of(guest) for guest in awaited],
    )


def _invitees_registrations(session: Session, items: list[dict]) -> dict[str, str]:
    """Invitation id → the registration its acceptance created, for items naming an invitee."""
    wanted = [uuid.UUID(str(i["invitation_id"])) for i in items if i.get("invitation_id")]
    if not wanted:
        return {}
    rows = session.execute(
        select(Invitation.id, Invitation.registration_id).where(
            Invitation.id.in_(wanted), Invitation.registration_id.is_not(None)
        )
    )
    return {str(invitation): str(registration) for invitation, registration in rows}


# -- the PDF ---------------------------------------------------------------------------------

MARGIN = 15 * mm
COLUMNS = (0, 16 * mm, 60 * mm, 116 * mm, 152 * mm)  # time, item, speaker, seat, door
INK, MUTED = "#1A1A1A", "#5A5A5A"


def render_run_sheet_pdf(
    sheet: RunSheet, words: Mapping[str, str], clock: Callable[[datetime], str]
) -> bytes:
    """The run sheet on A4 paper; ``words`` are its headings in the reader's language and
    ``clock`` writes a time on the ceremony's clock."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(f"{words['run_sheet']} · {sheet.title}")
    height = A4[1]
    y = height - MARGIN - 6 * mm
    text.draw(canvas, sheet.title, MARGIN, y, 16, bold=True)
    y -= 7 * mm
    text.draw(canvas, words["as_of"], MARGIN, y, 9, colour=MUTED)
    y -= 10 * mm
    y = _header(canvas, words, y)
    for item in sheet.items:
        if y < MARGIN + 25 * mm:
            canvas.showPage()
            y = _header(canvas, words, height - MARGIN)
        y = _item_row(canvas, item, words, clock, y)
    y -= 6 * mm
    if y < MARGIN + 30 * mm:
        canvas.showPage()
        y = height - MARGIN
    text.draw(canvas, words["awaited"], MARGIN, y, 12, bold=True)
    y -= 7 * mm
    if not sheet.awaited:
        text.draw(canvas, words["none_awaited"], MARGIN, y, 9, colour=MUTED)
    for person in sheet.awaited:
        if y < MARGIN + 10 * mm:
            canvas.showPage()
            y = height - MARGIN
        text.draw(canvas, person.name, MARGIN, y, 10, bold=True)
        if person.seat:
            text.draw(canvas, person.seat, MARGIN + COLUMNS[3], y, 9)
        y -= 4.5 * mm
        if person.name_latin:
            text.draw(canvas, person.name_latin, MARGIN, y, 8, colour=MUTED)
            y -= 4.5 * mm
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _header(canvas: Canvas, words: Mapping[str, str], y: float) -> float:
    for left, key in zip(COLUMNS, ("time", "item", "speaker", "seat", "door"), strict=True):
        text.draw(canvas, words[key], MARGIN + left, y, 8, bold=True, colour=MUTED)
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y - 2 * mm, A4[0] - MARGIN, y - 2 * mm)
    return y - 7 * mm


def _cell(canvas: Canvas, line: str, column: int, y: float, size: float, **kwargs) -> None:
    room = (COLUMNS[column + 1] if column + 1 < len(COLUMNS) else A4[0] - 2 * MARGIN) - COLUMNS[
        column
    ]
    fitted = text.fitted_size(line, size, room - 2 * mm, kwargs.get("bold", False))
    text.draw(canvas, line, MARGIN + COLUMNS[column], y, fitted, **kwargs)


def _item_row(canvas: Canvas, item: Item, words, clock, y: float) -> float:
    top = y
    if item.starts_at:
        _cell(canvas, clock(item.starts_at), 0, y, 10, bold=True)
    _cell(canvas, item.title, 1, y, 10)
    speaker = item.speaker
    if speaker:
        _cell(canvas, speaker.name, 2, y, 10, bold=True)
        if speaker.seat:
            _cell(canvas, speaker.seat, 3, y, 8)
        if speaker.registration_id:
            door = (
                words["arrived_at"].replace("{time}", clock(speaker.arrived_at))
                if speaker.arrived_at
                else words["not_arrived"]
            )
            _cell(canvas, door, 4, y, 9, bold=speaker.arrived_at is None)
        for line in (speaker.name_latin, speaker.title):
            if line:
                y -= 4.5 * mm
                _cell(canvas, line, 2, y, 8, colour=MUTED)
    y = min(y, top) - 5 * mm
    canvas.setStrokeColor("#D0D0D0")
    canvas.setLineWidth(0.3)
    canvas.line(MARGIN, y + 2.5 * mm, A4[0] - MARGIN, y + 2.5 * mm)
    return y - 2 * mm
