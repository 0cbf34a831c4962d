"""Console pages of badges: the list with what was printed and what needs a reprint, a preview
of each, and print sheets for a selection (ticked, a category, never printed, corrected)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from flask import Blueprint, Response, request
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from shared.access import MANAGE, PROTOCOL, READ, current_principal, has_permission
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import (
    PAGE_SIZE,
    Pagination,
    console_page,
    field_errors,
    page_number,
    refusal_page,
    render_page,
)
from shared.contract import CATEGORIES
from shared.errors import DomainError
from shared.web import service_context

from ..models import badges, ceremonies, registrations
from ..printing import rendering
from ..printing.documents import print_selection

bp = Blueprint(
    "console_printing",
    __name__,
    url_prefix=CONSOLE_PREFIXES["badges"],
    template_folder="templates",
)

#: The choices of the list's "show" filter.
SHOWN = ("all", "not_printed", "reprint")


def _needs_reprint():
    return and_(badges.c.printed_at.is_not(None), badges.c.details_changed_at > badges.c.printed_at)


@bp.route("/<uuid:ceremony_id>", methods=["GET", "POST"])
@console_page(READ, PROTOCOL)
def badge_list(ceremony_id: uuid.UUID):
    """The ceremony's live badges; a POST prints the chosen ones as one PDF."""
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not has_permission(current_principal(), ceremony_id, MANAGE, PROTOCOL):
            return refusal_page(403, _("Your role on this ceremony cannot print badges."))
        answer = _print(ceremony_id)
        if isinstance(answer, Response):
            return answer
        errors, status = answer, 422
    args = request.args
    category = args.get("category") if args.get("category") in CATEGORIES else ""
    shown = args.get("show") if args.get("show") in SHOWN else "all"
    query = (args.get("q") or "").strip()[:200]
    with service_context().database.transaction() as session:
        ceremony = session.execute(select(ceremonies).where(ceremonies.c.id == ceremony_id)).first()
        if ceremony is None:
            return refusal_page(404, _("This ceremony is not known here yet."))
        where = [badges.c.ceremony_id == ceremony_id, badges.c.status == "issued"]
        if category:
            where.append(registrations.c.category == category)
        if shown == "not_printed":
            where.append(badges.c.printed_at.is_(None))
        elif shown == "reprint":
            where.append(_needs_reprint())
        if query:
            where.append(
                or_(
                    func.lower(registrations.c.full_name).contains(query.lower(), autoescape=True),
                    registrations.c.full_name.contains(query, autoescape=True),
                )
            )
        joined = badges.join(registrations, registrations.c.id == badges.c.registration_id)
        total = session.scalar(select(func.count()).select_from(joined).where(*where))
        pagination = Pagination(page_number(), PAGE_SIZE, total or 0)
        rows = session.execute(
            select(
                badges.c.registration_id,
                badges.c.printed_at,
                badges.c.details_changed_at,
                registrations.c.full_name,
                registrations.c.honorific,
                registrations.c.category,
            )
            .select_from(joined)
            .where(*where)
            .order_by(
                registrations.c.precedence.is_(None),
                registrations.c.precedence,
                registrations.c.full_name,
            )
            .limit(PAGE_SIZE)
            .offset(pagination.offset)
        ).all()
        return render_page(
            "badges/printing/list.html",
            status=status,
            ceremony=ceremony,
            active="badges",
            title=_("Badges"),
            rows=rows,
            pagination=pagination,
            filters={"q": query, "category": category, "show": shown},
            categories=CATEGORIES,
            errors=errors,
            ticked=set(request.form.getlist("registration_id")),
            may_print=has_permission(current_principal(), ceremony_id, MANAGE, PROTOCOL),
        )


def _print(ceremony_id: uuid.UUID) -> Response | dict[str, str]:
    """The PDF of the form's choice, or the errors to show beside its controls."""
    form = request.form
    choice = form.get("print")
    ticked = []
    for value in form.getlist("registration_id"):
        try:
            ticked.append(uuid.UUID(value))
        except ValueError:
            return {"registration_ids": _("A ticked guest is not one of this list.")}
    options = {
        "ticked": {"registration_ids": ticked},
        "category": {"category": form.get("print_category") or ""},
        "not_printed": {"not_printed": True},
        "reprint": {"reprint": True},
    }
    if choice not in options:
        return {"_form": _("Choose what to print.")}
    if choice == "ticked" and not ticked:
        return {"registration_ids": _("Tick the guests whose badges to print.")}
    try:
        with service_context().database.transaction() as session:
            title, views = print_selection(
                session, ceremony_id, now=datetime.now(UTC), **options[choice]
            )
    except DomainError as error:
        return field_errors(error)
    pdf = rendering.render_sheets(views, title=f"Badges: {title}")
    name = f"{_slug(title)}-{datetime.now(UTC):%Y-%m-%d}-badges.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{_ascii(name)}"; '
            f"filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store",
        },
    )


def _slug(title: str) -> str:
    words = re.findall(r"\w+", title.lower())
    return "-".join(words)[:60] or "ceremony"


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or "badges.pdf"
