"""What goes where on a badge, in millimetres, independent of the output format.

The PNG and PDF backends both draw the `BadgeLayout` built here, so the two look the same.
Text sizes are fitted by the backend, which alone can measure its own glyphs.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import qrcode
from babel.dates import format_date, format_datetime, format_time
from qrcode.util import MODE_ALPHA_NUM, QRData

from shared.contract import family_name as last_word_of
from shared.contract import fold
from shared.protocol import envelope_name, name_of

BADGE_WIDTH_MM = 105.0  # A6 portrait
BADGE_HEIGHT_MM = 148.0
MARGIN_MM = 6.0  # white all round: survives printer margins and imprecise cutting
QR_SIDE_MM = 42.0  # including the 4-module quiet zone
QR_QUIET_MODULES = 4
BAND_HEIGHT_MM = 14.0
LINE_SPACING = 1.2  # line pitch as a multiple of the font size
POINT_MM = 25.4 / 72
INK = "#1A1A1A"
MUTED_INK = "#4D4D4D"


@dataclass(frozen=True)
class CategoryBand:
    """The colour band of a category: its printed label, fill and label colour."""

    label: str
    fill: str
    text: str


# Okabe-Ito colours: told apart by colour-blind readers too, and printable in CMYK.
# The label is always printed, so the colour is never the only cue.
CATEGORY_BANDS = {
    "dignitary": CategoryBand("DIGNITARY", "#D55E00", "#FFFFFF"),
    "speaker": CategoryBand("SPEAKER", "#0072B2", "#FFFFFF"),
    "guest": CategoryBand("GUEST", "#009E73", "#FFFFFF"),
    "participant": CategoryBand("PARTICIPANT", "#56B4E9", "#000000"),
    "press": CategoryBand("PRESS", "#F0E442", "#000000"),
    "staff": CategoryBand("STAFF", "#000000", "#FFFFFF"),
}


@dataclass(frozen=True)
class BadgeView:
    """Everything printed on one badge, as plain data."""

    #: The whole name in its written order; ``given_name`` and ``family_name`` when known.
    full_name: str
    category: str
    ceremony_title: str
    starts_at: datetime
    timezone: str
    venue_name: str
    code: str
    honorific: str | None = None
    organisation: str | None = None
    job_title: str | None = None
    precedence: int | None = None
    given_name: str | None = None
    family_name: str | None = None
    family_first: bool = False
    #: A Latin transliteration of a name in another script, printed small under it.
    name_latin: str | None = None
    #: The holder's language: the protocol table's form of the name in it is printed.
    language: str = "en"
    #: The holder's seat as ``shared.venue.seat_label`` names it in their language.
    seat: str | None = None
    #: The zones the badge admits to, in the ceremony's order.
    zones: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.category not in CATEGORY_BANDS:
            raise ValueError(f"unknown category {self.category!r}")
        if self.starts_at.tzinfo is None:
            raise ValueError("starts_at must be timezone-aware")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc


def sort_for_print(views: Iterable[BadgeView]) -> list[BadgeView]:
    """Badges in print order: protocol order (precedence, then family name), ties as given."""
    return sorted(views, key=_print_order)


def _print_order(view: BadgeView) -> tuple:
    # shared.contract.protocol_order, but on the family name as typed when it is known: the
    # last word of "Maria-Elena Fernández de la Torre" or of "Kovács Anna" is not it.
    family = view.family_name or last_word_of(view.full_name)
    return (view.precedence is None, view.precedence or 0, fold(family), fold(view.full_name))


def printed_name(view: BadgeView) -> str:
    """The holder's name as the protocol table writes it on a badge in the holder's language:
    "H.E. Ms Amina Diallo", "S.E. Mme Amina Diallo", "王建国阁下"."""
    person = {
        "full_name": view.full_name,
        "given_name": view.given_name,
        "family_name": view.family_name,
        "family_first": view.family_first,
        "honorific": view.honorific,
        "job_title": view.job_title,
    }
    return envelope_name(name_of(person), view.language)


#: The category labels in the holder's language (English for any other).
CATEGORY_LABELS = {
    "fr": {
        "dignitary": "PERSONNALITÉ",
        "speaker": "INTERVENANT",
        "guest": "INVITÉ",
        "participant": "PARTICIPANT",
        "press": "PRESSE",
        "staff": "ORGANISATION",
    },
    "es": {
        "dignitary": "AUTORIDAD",
        "speaker": "ORADOR",
        "guest": "INVITADO",
        "participant": "PARTICIPANTE",
        "press": "PRENSA",
        "staff": "ORGANIZACIÓN",
    },
    "ru": {
        "dignitary": "ПОЧЁТНЫЙ ГОСТЬ",
        "speaker": "ДОКЛАДЧИК",
        "guest": "ГОСТЬ",
        "participant": "УЧАСТНИК",
        "press": "ПРЕССА",
        "staff": "ОРГКОМИТЕТ",
    },
    "zh": {
        "dignitary": "贵宾",
        "speaker": "发言人",
        "guest": "嘉宾",
        "participant": "学员",
        "press": "媒体",
        "staff": "工作人员",
    },
    "ar": {
        "dignitary": "كبار الشخصيات",
        "speaker": "متحدث",
        "guest": "ضيف",
        "participant": "مشارك",
        "press": "صحافة",
        "staff": "فريق التنظيم",
    },
}


def _holder_language(view: BadgeView) -> str:
    return (view.language or "en").replace("_", "-").split("-")[0].lower()


def category_label(view: BadgeView) -> str:
    """The category's label in the holder's language."""
    labels = CATEGORY_LABELS.get(_holder_language(view), {})
    return labels.get(view.category) or CATEGORY_BANDS[view.category].label


def format_start(view: BadgeView) -> str:
    """Start in the ceremony's own time zone, in the holder's language: 'Friday 12 December
    2025, 15:00 CET', 'vendredi 12 décembre 2025, 15:00 CET', '2025年12月12日星期五 15:00 CET'."""
    zone = ZoneInfo(view.timezone)
    local = view.starts_at.astimezone(zone)
    language = _holder_language(view)
    # Babel, not strftime, so the process locale cannot change the language of a badge.
    if language in CATEGORY_LABELS:
        day = format_date(local.date(), "full", locale=language)
        clock = format_time(local, "HH:mm", tzinfo=zone, locale=language)
        joint = {"zh": " ", "ar": "، "}.get(language, ", ")
        text = f"{day}{joint}{clock}"
    else:
        text = format_datetime(local, "EEEE d MMMM y, HH:mm", tzinfo=zone, locale="en")
    abbreviation = local.tzname() or ""
    # Zones without a letter abbreviation are named like "+04"; print "UTC+04" instead.
    return f"{text} {'UTC' if abbreviation[:1] in '+-' else ''}{abbreviation}".rstrip()


def qr_matrix(code: str) -> tuple[tuple[bool, ...], ...]:
    """QR modules for a code (alphanumeric mode, error correction M), quiet zone included."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_QUIET_MODULES)
    qr.add_data(QRData(code, mode=MODE_ALPHA_NUM))
    qr.make(fit=True)
    return tuple(tuple(row) for row in qr.get_matrix())


@dataclass(frozen=True)
class Box:
    """A rectangle in millimetres from the badge's top-left corner."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class TextBlock:
    """Centred text fitted into a box: shrunk from `size` points, wrapped below `min_size`."""

    text: str
    box: Box
    size: float
    min_size: float
    max_lines: int = 1
    bold: bool = False
    colour: str = INK


@dataclass(frozen=True)
class BadgeLayout:
    """The positioned elements of one badge."""

    texts: tuple[TextBlock, ...]
    band: Box
    band_fill: str
    qr: Box
    qr_modules: tuple[tuple[bool, ...], ...]


def _stack(blocks: list[tuple[str | None, float, dict]], top: float) -> list[TextBlock]:
    """Place optional text blocks one under the other from `top`; absent ones take no room."""
    placed, y = [], top
    for text, height, style in blocks:
        # Line breaks typed into a name or title are spaces on a badge; wrapping is ours.
        words = (text or "").split()
        if words:
            box = Box(MARGIN_MM, y, BADGE_WIDTH_MM - 2 * MARGIN_MM, height)
            placed.append(TextBlock(" ".join(words), box, **style))
            y += height
    return placed


def layout_badge(view: BadgeView) -> BadgeLayout:
    """Lay out a badge: ceremony at the top, the person in the middle, QR and band below."""
    header = _stack(
        [
            (view.ceremony_title, 11.0, {"size": 12, "min_size": 9, "max_lines": 2, "bold": True}),
            (format_start(view), 5.5, {"size": 9, "min_size": 6, "colour": MUTED_INK}),
            (view.venue_name, 5.5, {"size": 9, "min_size": 6, "colour": MUTED_INK}),
        ],
        top=MARGIN_MM,
    )
    band = Box(
        MARGIN_MM,
        BADGE_HEIGHT_MM - MARGIN_MM - BAND_HEIGHT_MM,
        BADGE_WIDTH_MM - 2 * MARGIN_MM,
        BAND_HEIGHT_MM,
    )
    qr = Box((BADGE_WIDTH_MM - QR_SIDE_MM) / 2, band.y - 1.0 - QR_SIDE_MM, QR_SIDE_MM, QR_SIDE_MM)
    name = printed_name(view)
    person = [
        (name, 22.0, {"size": 24, "min_size": 17, "max_lines": 2, "bold": True}),
        (_latin_line(view), 6.0, {"size": 11, "min_size": 7, "colour": MUTED_INK}),
        (view.organisation, 11.0, {"size": 12, "min_size": 10, "max_lines": 2}),
        (_job_line(view, name), 5.5, {"size": 10, "min_size": 7, "colour": MUTED_INK}),
        # Where the badge takes its holder, under who they are: the seat, then the zones.
        (view.seat, 6.0, {"size": 11, "min_size": 8, "bold": True}),
        (" · ".join(view.zones), 5.0, {"size": 9, "min_size": 6, "colour": MUTED_INK}),
    ]
    header_bottom = header[-1].box.y + header[-1].box.height
    person_height = sum(height for text, height, _ in person if text and text.strip())
    # The person block sits centred in the room left between the header and the QR code.
    top = header_bottom + max(0.0, (qr.y - header_bottom - person_height) / 2)
    category = CATEGORY_BANDS[view.category]
    label = TextBlock(
        category_label(view), band, size=18, min_size=10, bold=True, colour=category.text
    )
    return BadgeLayout(
        texts=(*header, *_stack(person, top), label),
        band=band,
        band_fill=category.fill,
        qr=qr,
        qr_modules=qr_matrix(view.code),
    )


def _latin_line(view: BadgeView) -> str | None:
    """The transliteration, unless it only repeats the name."""
    if view.name_latin and fold(view.name_latin) != fold(view.full_name):
        return view.name_latin
    return None


def _job_line(view: BadgeView, name: str) -> str | None:
    """The job title, unless the printed name holds it already ("…, Minister of Finance")."""
    if view.job_title and fold(" ".join(view.job_title.split())) not in fold(name):
        return view.job_title
    return None


Measure = Callable[[str, float, bool], float]
"""Width in millimetres of one line of text at a size in points, bold or not."""


def fit_text(block: TextBlock, measure: Measure) -> tuple[list[str], float]:
    """Lines and font size (points) that make a block's text fit its box."""
    size = _fit_size([block.text], block, measure)
    words = block.text.split()
    if size >= block.min_size or block.max_lines < 2 or len(words) < 2:
        return [block.text], size
    candidates = [[" ".join(words[:cut]), " ".join(words[cut:])] for cut in range(1, len(words))]
    lines = min(
        candidates, key=lambda ls: max(measure(line, block.size, block.bold) for line in ls)
    )
    return lines, _fit_size(lines, block, measure)


def _fit_size(lines: list[str], block: TextBlock, measure: Measure) -> float:
    widest = max(measure(line, block.size, block.bold) for line in lines)
    by_width = block.size if widest <= block.box.width else block.size * block.box.width / widest
    by_height = block.box.height / (len(lines) * LINE_SPACING * POINT_MM)
    # A little under the linear estimate, as hinted glyphs do not scale exactly.
    return min(block.size, by_height, by_width * 0.98 if by_width < block.size else by_width)


def place_text(block: TextBlock, measure: Measure) -> tuple[float, list[tuple[str, float, float]]]:
    """Font size and, for each line, its text, left edge and baseline (mm), centred in the box."""
    lines, size = fit_text(block, measure)
    pitch = size * LINE_SPACING * POINT_MM
    top = block.box.y + (block.box.height - pitch * len(lines)) / 2
    placed = []
    for index, line in enumerate(lines):
        left = block.box.x + (block.box.width - measure(line, size, block.bold)) / 2
        # 0.78 of the pitch puts the capitals' centre close to the line box's centre.
        placed.append((line, left, top + pitch * (index + 0.78)))
    return size, placed
