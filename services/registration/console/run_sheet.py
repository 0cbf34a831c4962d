"""Console pages of what is printed for the hall (usher charts, place cards, the seat list) and
the master of ceremonies' run sheet, whose door status refreshes itself while it is open."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from flask import Blueprint, Response, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from shared.access import PROTOCOL
from shared.console import CONSOLE_PREFIXES
from shared.console.formatting import clock
from shared.console.pages import console_page, refusal_page, render_page
from shared.venue import seat_label
from shared.web import service_context

from .. import exports
from ..models import Ceremony, Registration
from ..printing.names import latin_name, printed_name
from ..printing.place_cards import SIZES, PlaceCard, render_place_cards
from ..printing.run_sheet import build_run_sheet, render_run_sheet_pdf
from ..printing.seats import seated_guests, seated_in_block
from ..printing.usher_charts import Chart, render_usher_charts
from ..seat_assignments import SEAT_LIST_COLUMNS, seat_list

bp = Blueprint(
    "console_run_sheet",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)

PAGES = "registration/"
#: How often the run sheet's door status is asked for again, in seconds.
REFRESH_SECONDS = 5


def _ceremony(session, ceremony_id: uuid.UUID) -> Ceremony | None:
    return session.get(Ceremony, ceremony_id)


def _language() -> str:
    return str(get_locale() or "en")


def _file(content: bytes, mimetype: str, name: str, disposition: str) -> Response:
    return Response(
        content,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'{disposition}; filename="{exports.ascii_filename(name)}"; '
            f"filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store",
        },
    )


def _pdf(content: bytes, ceremony: Ceremony, what: str) -> Response:
    # Shown in the browser's viewer, from which it is printed.
    name = exports.export_filename(ceremony, what, "pdf")
    return _file(content, "application/pdf", name, "inline")


# -- printing ----------------------------------------------------------------------------------


@bp.route("/ceremonies/<uuid:ceremony_id>/printing")
@console_page(PROTOCOL)
def printing(ceremony_id: uuid.UUID):
    """What can be printed for the hall, and the choice of place cards."""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        return _printing_page(session, ceremony, request.args, {})


def _printing_page(session, ceremony: Ceremony, form, errors: dict, status: int = 200):
    language = _language()
    seated = [
        {"id": str(s.guest.id), "name": s.guest.full_name, "seat": seat_label(s.seat, language)}
        for s in seated_guests(session, ceremony)
    ]
    return render_page(
        PAGES + "printing.html",
        status=status,
        ceremony=ceremony,
        active="printing",
        title=_("Printing for the hall"),
        has_layout=bool(ceremony.layout),
        seated=seated,
        blocks=[block["name"] for block in ceremony.blocks or []],
        sizes=list(SIZES),
        form=form,
        chosen=set(form.getlist("registration_id")),
        errors=errors,
        seat_list={
            extension: url_for(".export_seats", ceremony_id=ceremony.id, extension=extension)
            for extension in ("xlsx", "csv")
        },
    )


@bp.route("/ceremonies/<uuid:ceremony_id>/exports/seats.<any(csv, xlsx):extension>")
@console_page(PROTOCOL)
def export_seats(ceremony_id: uuid.UUID, extension: str):
    """The seat list (each occupied seat, its block and its guest) as CSV or XLSX."""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        rows = seat_list(session, ceremony)
        name = exports.export_filename(ceremony, "seats", extension)
    if extension == "csv":
        content, mimetype = exports.csv_bytes(SEAT_LIST_COLUMNS, rows), "text/csv; charset=utf-8"
    else:
        content = exports.xlsx_bytes(SEAT_LIST_COLUMNS, rows, sheet="Seats")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _file(content, mimetype, name, "attachment")


def _chart_words() -> dict[str, str]:
    return {
        "section": _("Section"),
        "stage": _("Stage"),
        "row": _("Row"),
        "table": _("Table"),
        "taken": _("Seated"),
        "free": _("Free seat"),
        "accessible": _("Accessible seat"),
        "aisle": _("A gap between seats is an aisle."),
    }


@bp.route("/ceremonies/<uuid:ceremony_id>/usher-charts.pdf")
@console_page(PROTOCOL)
def usher_charts(ceremony_id: uuid.UUID):
    """The usher charts: a page per section with the seated guests' names."""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        if not ceremony.layout:
            return refusal_page(409, _("This ceremony has no venue layout yet."))
        occupants = {s.seat_id: printed_name(s.guest) for s in seated_guests(session, ceremony)}
        chart = Chart(
            _("Usher chart · %(title)s", title=ceremony.title),
            ceremony.layout,
            occupants,
            _chart_words(),
        )
        return _pdf(render_usher_charts(chart), ceremony, "usher-charts")


@bp.route("/ceremonies/<uuid:ceremony_id>/place-cards.pdf")
@console_page(PROTOCOL)
def place_cards(ceremony_id: uuid.UUID):
    """Place cards (``size`` A4 or A5) for every seated guest, a block's (``block``) or the
    guests chosen (``registration_id``, repeated)."""
    args = request.args
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        guests, errors = _card_guests(session, ceremony, args)
        size = args.get("size") or "A4"
        if size not in SIZES:
            errors["size"] = _("Choose A4 or A5.")
        if errors:
            return _printing_page(session, ceremony, args, errors, status=422)
        if not guests:
            return _printing_page(
                session,
                ceremony,
                args,
                {"_form": _("No guest is seated there yet: there is no place card to print.")},
                status=409,
            )
        cards = [PlaceCard(printed_name(g), latin_name(g), ceremony.title) for g in guests]
        pdf = render_place_cards(cards, size, _("Place cards · %(title)s", title=ceremony.title))
        return _pdf(pdf, ceremony, "place-cards")


def _card_guests(session, ceremony: Ceremony, args) -> tuple[list[Registration], dict]:
    """The guests whose cards are asked for, or the fields that do not name any."""
    chosen = [value.strip() for value in args.getlist("registration_id") if value.strip()]
    if chosen:
        return _chosen_guests(session, ceremony, chosen)
    block_name = (args.get("block") or "").strip()
    if not block_name:
        return [s.guest for s in seated_guests(session, ceremony)], {}
    block = next((b for b in ceremony.blocks or [] if b["name"] == block_name), None)
    if block is None:
        return [], {"block": _("There is no block named %(name)s.", name=block_name)}
    return [s.guest for s in seated_in_block(session, ceremony, block)], {}


def _chosen_guests(session, ceremony: Ceremony, chosen: list[str]):
    ids = []
    for value in chosen:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            return [], {"registration_id": _("Not a guest of this ceremony.")}
    found = {
        guest.id: guest
        for guest in session.scalars(
            select(Registration).where(
                Registration.ceremony_id == ceremony.id,
                Registration.status != "cancelled",
                Registration.id.in_(ids),
            )
        )
    }
    if len(found) < len(set(ids)):
        return [], {"registration_id": _("Not a guest of this ceremony.")}
    return [found[value] for value in dict.fromkeys(ids)], {}


# -- the run sheet -----------------------------------------------------------------------------


@bp.route("/ceremonies/<uuid:ceremony_id>/run-sheet")
@console_page(PROTOCOL)
def run_sheet(ceremony_id: uuid.UUID):
    """The run sheet, with the speakers' door status kept current while the page is open."""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        sheet = build_run_sheet(session, ceremony, _language())
    return render_page(
        PAGES + "run_sheet.html",
        ceremony=ceremony,
        active="run_sheet",
        title=_("Run sheet"),
        **_status_context(ceremony, sheet, known=None),
    )


@bp.route("/ceremonies/<uuid:ceremony_id>/run-sheet/status")
@console_page(PROTOCOL)
def run_sheet_status(ceremony_id: uuid.UUID):
    """The run sheet's live part; speakers arrived since the ``known`` ones are announced."""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        sheet = build_run_sheet(session, ceremony, _language())
    known = set(request.args.getlist("known"))
    return render_page(
        PAGES + "run_sheet_status.html",
        ceremony=ceremony,
        **_status_context(ceremony, sheet, known=known),
    )


def _status_context(ceremony: Ceremony, sheet, known: set[str] | None) -> dict:
    arrived = sheet.arrived_speakers
    news = [] if known is None else [s for rid, s in arrived.items() if str(rid) not in known]
    return {
        "sheet": sheet,
        "zone": ceremony.timezone,
        "known": [str(rid) for rid in arrived],
        "news": news,
        "refresh": REFRESH_SECONDS,
    }


@bp.route("/ceremonies/<uuid:ceremony_id>/run-sheet.pdf")
@console_page(PROTOCOL)
def run_sheet_pdf(ceremony_id: uuid.UUID):
    """The run sheet as it stands now, on A4 paper."""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        sheet = build_run_sheet(session, ceremony, _language())
    zone = ceremony.timezone
    words = {
        "run_sheet": _("Run sheet"),
        "as_of": _(
            "Door status at %(time)s; the console's run sheet stays current.",
            time=clock(datetime.now(UTC), zone),
        ),
        "time": _("Time"),
        "item": _("Item"),
        "speaker": _("Speaker"),
        "seat": _("Seat"),
        "door": _("Door"),
        "arrived_at": _("arrived at %(time)s", time="{time}"),
        "not_arrived": _("not yet arrived"),
        "awaited": _("VIPs not yet arrived"),
        "none_awaited": _("Every dignitary and speaker expected has arrived."),
    }
    pdf = render_run_sheet_pdf(sheet, words, lambda value: clock(value, zone))
    return _pdf(pdf, ceremony, "run-sheet")
