"""HTTP API: previews of the email templates."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import BEARER, MANAGE, permission_somewhere

from ..compose.previews import preview
from .schemas import PreviewQuerySchema, PreviewSchema

blp = Blueprint("templates", __name__, url_prefix="/api/templates", description="Email templates")


@blp.route("/<name>/preview")
class TemplatePreview(MethodView):
    @permission_somewhere(MANAGE)
    @blp.arguments(PreviewQuerySchema, location="query")
    @blp.response(200, PreviewSchema)
    @blp.doc(security=BEARER)
    def get(self, query, name: str):
        """Render a template with a sample guest and ceremony (organiser).

        A language without templates falls back to English; ``language_used`` says which.
        """
        rendered = preview(name, query["language"])
        return {
            "template": name,
            "language_requested": query["language"],
            "language_used": rendered.language_used,
            "subject": rendered.subject,
            "text": rendered.text,
            "html": rendered.html,
        }
