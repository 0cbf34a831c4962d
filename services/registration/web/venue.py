"""HTTP API: a ceremony's venue (layout, saved layouts, blocks, seating rules, zones and gates)
and its seating (the chart, automatic seating, placing by hand, announcing, late acceptances)."""

from __future__ import annotations

import uuid

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import (
    BEARER,
    MANAGE,
    PROTOCOL,
    READ,
    actor,
    ceremony_access,
    ensure_access,
    permission_somewhere,
)
from shared.venue import AccessSchema, LayoutSchema, SeatingRulesSchema
from shared.web import service_context

from ..ceremonies import get_ceremony
from ..exports import ascii_filename, csv_bytes, export_filename
from ..seat_assignments import (
    SEAT_LIST_COLUMNS,
    accept_proposals,
    announce_seats,
    auto_seat,
    place,
    proposals,
    seat_list,
    seating_view,
    swap,
    unseat,
)
from ..venue import (
    apply_saved_layout,
    load_layout,
    parse_seats_csv,
    save_layout,
    saved_layouts,
    set_access,
    set_blocks,
    set_layout,
    set_seating_rules,
)
from .schemas import CsvUploadSchema
from .uploads import uploaded_file
from .venue_schemas import (
    AcceptSchema,
    AccessOutSchema,
    AnnounceResultSchema,
    AssignmentSchema,
    AutoSeatResultSchema,
    BlocksSchema,
    PlaceSchema,
    ProposalsSchema,
    SavedLayoutInSchema,
    SavedLayoutSchema,
    SeatingRulesOutSchema,
    SeatingViewSchema,
    SeatsCsvQuerySchema,
    SwapSchema,
    VenueOutSchema,
)

blp = Blueprint("venue", __name__, url_prefix="/api", description="Venue and seating")


def venue_out(ceremony) -> dict:
    """The layout as the API shows it."""
    layout = ceremony.layout
    return {"layout": layout, "seats": len(layout["seats"]) if layout else 0}


@blp.route("/ceremonies/<uuid:ceremony_id>/venue")
class CeremonyVenue(MethodView):
    @ceremony_access(READ)
    @blp.response(200, VenueOutSchema)
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """Show the ceremony's layout of seats (null until one is given)."""
        with service_context().database.transaction() as session:
            return venue_out(get_ceremony(session, ceremony_id))

    @ceremony_access(MANAGE)
    @blp.arguments(LayoutSchema)
    @blp.response(200, VenueOutSchema)
    @blp.doc(security=BEARER)
    def put(self, layout, ceremony_id: uuid.UUID):
        """Replace the layout (organiser); refused while a seat that would vanish is held."""
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            return venue_out(set_layout(session, ceremony, layout, actor=actor()))


@blp.route("/ceremonies/<uuid:ceremony_id>/venue/seats.csv")
class CeremonyVenueCsv(MethodView):
    @ceremony_access(MANAGE)
    @blp.arguments(SeatsCsvQuerySchema, location="query")
    @blp.arguments(CsvUploadSchema, location="files")
    @blp.response(200, VenueOutSchema)
    @blp.doc(security=BEARER, requestBody={"content": {"text/csv": {"schema": {"type": "string"}}}})
    def post(self, query, _files, ceremony_id: uuid.UUID):
        """Replace the layout with the seats of a CSV file (organiser): columns section, row,
        seat, and optionally accessible and kind; as the file field or the body itself."""
        raw = uploaded_file()
        seats = parse_seats_csv(raw)
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            current = ceremony.layout or {}
            stage = query.get("stage") or current.get("stage")
            layout = load_layout(
                {
                    "name": query.get("name") or current.get("name") or ceremony.venue_name,
                    **({"stage": stage} if stage else {}),
                    **seats,
                }
            )
            return venue_out(set_layout(session, ceremony, layout, actor=actor()))


@blp.route("/venue-layouts")
class VenueLayouts(MethodView):
    @permission_somewhere(READ)
    @blp.response(200, SavedLayoutSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self):
        """List the saved layouts, to reuse in the same hall."""
        with service_context().database.transaction() as session:
            return saved_layouts(session)

    @permission_somewhere(MANAGE)
    @blp.arguments(SavedLayoutInSchema)
    @blp.response(201, SavedLayoutSchema)
    @blp.doc(security=BEARER)
    def post(self, body):
        """Save a ceremony's layout under a name (organiser of that ceremony)."""
        ensure_access(body["ceremony_id"], MANAGE)
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, body["ceremony_id"])
            return save_layout(session, ceremony, body["name"], actor=actor())


@blp.route("/ceremonies/<uuid:ceremony_id>/venue/from-layout/<uuid:layout_id>")
class CeremonyVenueFromLayout(MethodView):
    @ceremony_access(MANAGE)
    @blp.response(200, VenueOutSchema)
    @blp.doc(security=BEARER)
    def post(self, ceremony_id: uuid.UUID, layout_id: uuid.UUID):
        """Give the ceremony a copy of a saved layout (organiser)."""
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            return venue_out(apply_saved_layout(session, ceremony, layout_id, actor=actor()))


@blp.route("/ceremonies/<uuid:ceremony_id>/blocks")
class CeremonyBlocks(MethodView):
    @ceremony_access(READ)
    @blp.response(200, BlocksSchema)
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """Show the ceremony's blocks, in the order they are filled."""
        with service_context().database.transaction() as session:
            return {"blocks": get_ceremony(session, ceremony_id).blocks or []}

    @ceremony_access(PROTOCOL)
    @blp.arguments(BlocksSchema)
    @blp.response(200, BlocksSchema)
    @blp.doc(security=BEARER)
    def put(self, body, ceremony_id: uuid.UUID):
        """Replace the blocks (protocol); each names seats the layout has."""
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            return {"blocks": set_blocks(session, ceremony, body["blocks"], actor=actor()).blocks}


@blp.route("/ceremonies/<uuid:ceremony_id>/seating-rules")
class CeremonySeatingRules(MethodView):
    @ceremony_access(READ)
    @blp.response(200, SeatingRulesOutSchema)
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """Show where the seat of honour is."""
        with service_context().database.transaction() as session:
            rules = get_ceremony(session, ceremony_id).seating_rules or {}
            return {"seat_of_honour": "centre", "host_registration_id": None, **rules}

    @ceremony_access(PROTOCOL)
    @blp.arguments(SeatingRulesSchema)
    @blp.response(200, SeatingRulesOutSchema)
    @blp.doc(security=BEARER)
    def put(self, rules, ceremony_id: uuid.UUID):
        """Set where the seat of honour is (protocol): the centre, or the host's right."""
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            return set_seating_rules(session, ceremony, rules, actor=actor()).seating_rules


@blp.route("/ceremonies/<uuid:ceremony_id>/access")
class CeremonyAccess(MethodView):
    @ceremony_access(READ)
    @blp.response(200, AccessOutSchema)
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """Show the zones and what each gate leads into, with its door hours."""
        with service_context().database.transaction() as session:
            return get_ceremony(session, ceremony_id)

    @ceremony_access(MANAGE)
    @blp.arguments(AccessSchema)
    @blp.response(200, AccessOutSchema)
    @blp.doc(security=BEARER)
    def put(self, access, ceremony_id: uuid.UUID):
        """Set the zones and gate rules (organiser); every zone needs a gate into it."""
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            return set_access(session, ceremony, access, actor=actor())


@blp.route("/ceremonies/<uuid:ceremony_id>/seating")
class CeremonySeating(MethodView):
    @ceremony_access(READ)
    @blp.response(200, SeatingViewSchema)
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """The seating chart: every seat, every confirmed guest, and its warnings."""
        with service_context().database.transaction() as session:
            return seating_view(session, get_ceremony(session, ceremony_id))


@blp.route("/ceremonies/<uuid:ceremony_id>/seating/auto")
class CeremonySeatingAuto(MethodView):
    @ceremony_access(PROTOCOL)
    @blp.response(200, AutoSeatResultSchema)
    @blp.doc(security=BEARER)
    def post(self, ceremony_id: uuid.UUID):
        """Seat every confirmed guest by the rules (protocol), keeping locked and told seats."""
        with service_context().database.transaction() as session:
            return auto_seat(session, get_ceremony(session, ceremony_id), actor=actor())


@blp.route("/ceremonies/<uuid:ceremony_id>/seating/<uuid:registration_id>")
class CeremonySeatingGuest(MethodView):
    @ceremony_access(PROTOCOL)
    @blp.arguments(PlaceSchema)
    @blp.response(200, AssignmentSchema)
    @blp.doc(security=BEARER)
    def put(self, body, ceremony_id: uuid.UUID, registration_id: uuid.UUID):
        """Put a guest in a seat by hand (protocol); ``locked`` fixes it there."""
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            return place(
                session,
                ceremony,
                registration_id,
                body["seat_id"],
                actor=actor(),
                lock=body["locked"],
            )

    @ceremony_access(PROTOCOL)
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, ceremony_id: uuid.UUID, registration_id: uuid.UUID):
        """Take a guest out of their seat (protocol)."""
        with service_context().database.transaction() as session:
            unseat(session, get_ceremony(session, ceremony_id), registration_id, actor=actor())


@blp.route("/ceremonies/<uuid:ceremony_id>/seating/swap")
class CeremonySeatingSwap(MethodView):
    @ceremony_access(PROTOCOL)
    @blp.arguments(SwapSchema)
    @blp.response(200, AssignmentSchema(many=True))
    @blp.doc(security=BEARER)
    def post(self, body, ceremony_id: uuid.UUID):
        """Exchange the seats of two guests (protocol)."""
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            return list(swap(session, ceremony, body["first"], body["second"], actor=actor()))


@blp.route("/ceremonies/<uuid:ceremony_id>/seating/announce")
class CeremonySeatingAnnounce(MethodView):
    @ceremony_access(PROTOCOL)
    @blp.response(200, AnnounceResultSchema)
    @blp.doc(security=BEARER)
    def post(self, ceremony_id: uuid.UUID):
        """Tell the guests their seats (protocol); later changes are told at once."""
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            told = announce_seats(session, ceremony, actor=actor())
            return {"told": told, "announced_at": ceremony.seats_announced_at}


@blp.route("/ceremonies/<uuid:ceremony_id>/seating/proposals")
class CeremonySeatingProposals(MethodView):
    @ceremony_access(READ)
    @blp.response(200, ProposalsSchema)
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """Seats by the rules for guests without one (late acceptances), moving no one."""
        with service_context().database.transaction() as session:
            return proposals(session, get_ceremony(session, ceremony_id))


@blp.route("/ceremonies/<uuid:ceremony_id>/seating/proposals/accept")
class CeremonySeatingProposalsAccept(MethodView):
    @ceremony_access(PROTOCOL)
    @blp.arguments(AcceptSchema)
    @blp.response(200, AssignmentSchema(many=True))
    @blp.doc(security=BEARER)
    def post(self, body, ceremony_id: uuid.UUID):
        """Seat these guests where the proposals put them (protocol): all, or none."""
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            return accept_proposals(session, ceremony, body["registration_ids"], actor=actor())


@blp.route("/ceremonies/<uuid:ceremony_id>/seating/seats.csv")
class CeremonySeatList(MethodView):
    @ceremony_access(READ)
    @blp.response(200, content_type="text/csv")
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """Export the seat list as CSV: each occupied seat, its block and its guest."""
        with service_context().database.transaction() as session:
            ceremony = get_ceremony(session, ceremony_id)
            rows = seat_list(session, ceremony)
            filename = ascii_filename(export_filename(ceremony, "seats", "csv"))
        return Response(
            csv_bytes(SEAT_LIST_COLUMNS, rows),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
