"""Console pages of a ceremony's emails: the delivery log (search, filters, resend), the
templates in every language with a preview, and the dashboard's tile."""

from __future__ import annotations

import uuid

from flask import Blueprint, make_response, redirect, request, url_for
from flask_babel import gettext as _

from shared.access import MANAGE, READ, actor, current_principal, has_permission
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import (
    PAGE_SIZE,
    Pagination,
    console_page,
    cross_origin,
    is_htmx,
    page_number,
    refusal_page,
    render_page,
)
from shared.contract import DELIVERY_STATUSES
from shared.errors import DomainError
from shared.web import service_context

from ..compose.contexts import TEMPLATES
from ..compose.identity import identity
from ..compose.letters import TEMPLATE_LANGUAGES
from ..compose.previews import preview
from ..deliver.assembly import ceremony_info
from ..deliver.log import delivery_counts, get_delivery, resend_delivery, search_deliveries
from ..projections import ceremony_row
from .words import STATUS_LABELS, TEMPLATE_LABELS

bp = Blueprint(
    "console_emails",
    __name__,
    url_prefix=CONSOLE_PREFIXES["notifications"],
    template_folder="templates",
)

#: Each language of the email templates by its own name.
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "zh": "中文",
    "ar": "العربية",
    "ru": "Русский",
    "es": "Español",
}


def _filters() -> dict[str, str]:
    """The log's search and filters as asked, unknown values dropped."""
    status = request.args.get("status", "")
    template = request.args.get("template", "")
    return {
        "q": request.args.get("q", "").strip()[:254],
        "status": status if status in DELIVERY_STATUSES else "",
        "template": template if template in TEMPLATES else "",
    }


@bp.route("/<uuid:ceremony_id>")
@console_page(READ)
def log(ceremony_id: uuid.UUID):
    """The ceremony's delivery log, newest first."""
    return _log_page(ceremony_id)


def _log_page(ceremony_id: uuid.UUID, notice: str | None = None, status: int = 200):
    filters = _filters()
    pagination_page = page_number()
    with service_context().database.transaction() as session:
        ceremony = ceremony_row(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("No such ceremony."))
        rows, total = search_deliveries(
            session,
            ceremony_id,
            search=filters["q"],
            status=filters["status"] or None,
            template=filters["template"] or None,
            limit=PAGE_SIZE,
            offset=(pagination_page - 1) * PAGE_SIZE,
        )
    context = {
        "ceremony": ceremony,
        "rows": rows,
        "filters": filters,
        "pagination": Pagination(pagination_page, PAGE_SIZE, total),
        "statuses": [(value, STATUS_LABELS[value]) for value in DELIVERY_STATUSES],
        "templates": [(name, TEMPLATE_LABELS.get(name, name)) for name in sorted(TEMPLATES)],
        "template_labels": TEMPLATE_LABELS,
        "status_labels": STATUS_LABELS,
        "may_resend": has_permission(current_principal(), ceremony_id, MANAGE),
    }
    if is_htmx() and request.headers.get("HX-Target") == "log-rows":
        return render_page("notifications/emails/_rows.html", **context)
    done = {"resent": _("The email is queued to be sent again.")}.get(request.args.get("done"))
    return render_page(
        "notifications/emails/log.html",
        status=status,
        active="emails",
        notice=notice or done,
        **context,
    )


@bp.post("/<uuid:ceremony_id>/deliveries/<uuid:delivery_id>/resend")
@console_page(MANAGE)
def resend(ceremony_id: uuid.UUID, delivery_id: uuid.UUID):
    """Queue a finished email again, as a new delivery."""
    try:
        with service_context().database.transaction() as session:
            if get_delivery(session, delivery_id).ceremony_id != ceremony_id:
                return refusal_page(404, _("No such email."))
            resend_delivery(session, identity(), delivery_id, actor=actor())
    except DomainError as error:
        if error.kind == "not_found":
            return refusal_page(404, _("No such email."))
        return _log_page(ceremony_id, notice=error.message, status=409)
    return redirect(url_for(".log", ceremony_id=ceremony_id, done="resent"), 303)


@bp.route("/<uuid:ceremony_id>/templates")
@console_page(READ)
def templates(ceremony_id: uuid.UUID):
    """Every template in every language; the chosen one rendered with this ceremony."""
    template = request.args.get("template", "confirmation")
    language = request.args.get("language", "en")
    if template not in TEMPLATES or language not in TEMPLATE_LANGUAGES:
        template, language = "confirmation", "en"
    with service_context().database.transaction() as session:
        ceremony = ceremony_row(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("No such ceremony."))
        rendered = preview(template, language, ceremony_info(ceremony))
    return render_page(
        "notifications/emails/templates.html",
        ceremony=ceremony,
        active="emails",
        names=sorted(TEMPLATES),
        languages=TEMPLATE_LANGUAGES,
        language_names=LANGUAGE_NAMES,
        template_labels=TEMPLATE_LABELS,
        chosen=(template, language),
        rendered=rendered,
    )


@bp.route("/<uuid:ceremony_id>/tile")
def tile(ceremony_id: uuid.UUID):
    """The registration dashboard's fragment: emails sent and failed (empty 403 without a
    role on the ceremony)."""
    principal = current_principal()
    if principal is None or not has_permission(principal, ceremony_id, READ):
        return cross_origin(make_response("", 403))
    with service_context().database.transaction() as session:
        counts = delivery_counts(session, ceremony_id)
    page, status = render_page(
        "notifications/emails/_tile.html", ceremony_id=ceremony_id, counts=counts
    )
    return cross_origin(make_response(page, status))
