"""What the venue and seating API takes and answers; layouts, blocks, rules and access are
checked by the contract's own schemas (``shared.venue``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contract import Line
from shared.venue import MAX_BLOCKS, MAX_SEATS, BlockSchema, SeatInfoSchema


class VenueOutSchema(Schema):
    """A ceremony's layout (none yet: null) and how many seats it has."""

    layout = fields.Dict(allow_none=True)
    seats = fields.Integer()


class SeatsCsvQuerySchema(Schema):
    """The name the layout read from a CSV gets (else the current layout's, or the venue's)."""

    name = Line(max_len=200)
    stage = Line(max_len=60)


class SavedLayoutInSchema(Schema):
    """Save a ceremony's layout for reuse under a name."""

    ceremony_id = fields.UUID(required=True)
    name = Line(required=True, max_len=200)


class SavedLayoutSchema(Schema):
    """A saved layout."""

    id = fields.UUID()
    name = fields.String()
    layout = fields.Dict()
    seats = fields.Method("_seats")
    created_at = fields.AwareDateTime()
    created_by = fields.String(allow_none=True)

    def _seats(self, saved):
        return len(saved.layout.get("seats", []))


class BlocksSchema(Schema):
    """A ceremony's blocks, in the order they are filled."""

    blocks = fields.List(
        fields.Nested(BlockSchema), required=True, validate=validate.Length(max=MAX_BLOCKS)
    )


class SeatingRulesOutSchema(Schema):
    seat_of_honour = fields.String()
    host_registration_id = fields.String(allow_none=True)


class AccessOutSchema(Schema):
    """A ceremony's zones and gate rules (door hours in UTC)."""

    zones = fields.List(fields.Dict())
    gates = fields.List(fields.Dict(), attribute="gate_rules")


class PlaceSchema(Schema):
    """Put a guest in a seat by hand; ``locked`` fixes it (left out: as it was)."""

    seat_id = Line(required=True, max_len=140)
    locked = fields.Boolean(allow_none=True, load_default=None)


class SwapSchema(Schema):
    first = fields.UUID(required=True)
    second = fields.UUID(required=True)


class AcceptSchema(Schema):
    registration_ids = fields.List(
        fields.UUID(), required=True, validate=validate.Length(min=1, max=MAX_SEATS)
    )


class PersonSeatSchema(Schema):
    """A guest as the seating chart shows them."""

    registration_id = fields.UUID()
    full_name = fields.String()
    honorific = fields.String(allow_none=True)
    category = fields.String()
    precedence = fields.Integer(allow_none=True)
    delegation_of = fields.UUID(allow_none=True)
    accessible_seat = fields.Boolean()


class OccupantSchema(PersonSeatSchema):
    locked = fields.Boolean()
    reason = fields.String(allow_none=True)


class ChartSeatSchema(Schema):
    id = fields.String()
    section = fields.String()
    kind = fields.String()
    row = fields.String()
    number = fields.Integer()
    accessible = fields.Boolean()
    block = fields.String(allow_none=True)
    label = fields.String()
    occupant = fields.Nested(OccupantSchema, allow_none=True)


class ChartGuestSchema(PersonSeatSchema):
    seat_id = fields.String(allow_none=True)
    locked = fields.Boolean()
    reason = fields.String(allow_none=True)
    told_seat_id = fields.String(allow_none=True)
    unseated_because = fields.String(allow_none=True)


class SeatingWarningSchema(Schema):
    kind = fields.String()
    message = fields.String()
    registration_ids = fields.List(fields.String())


class SeatingViewSchema(Schema):
    """Every seat with its occupant, every confirmed guest, and the chart's warnings."""

    announced_at = fields.AwareDateTime(allow_none=True)
    seats = fields.List(fields.Nested(ChartSeatSchema))
    guests = fields.List(fields.Nested(ChartGuestSchema))
    warnings = fields.List(fields.Nested(SeatingWarningSchema))


class AutoSeatResultSchema(Schema):
    changed = fields.List(fields.String())
    kept = fields.Integer()
    unseated = fields.Dict(keys=fields.String(), values=fields.String())


class AssignmentSchema(Schema):
    """A guest's seat."""

    registration_id = fields.UUID()
    seat_id = fields.String()
    locked = fields.Boolean()
    reason = fields.String(allow_none=True)
    told_seat_id = fields.String(allow_none=True)


class AnnounceResultSchema(Schema):
    told = fields.Integer()
    announced_at = fields.AwareDateTime()


class ProposalSchema(PersonSeatSchema):
    seat_id = fields.String()
    seat = fields.Nested(SeatInfoSchema)
    reason = fields.String()


class UnseatedSchema(PersonSeatSchema):
    reason = fields.String()


class ProposalsSchema(Schema):
    """Seats by the rules for guests without one, moving no one seated."""

    proposals = fields.List(fields.Nested(ProposalSchema))
    unseated = fields.List(fields.Nested(UnseatedSchema))
