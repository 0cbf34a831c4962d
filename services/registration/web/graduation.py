"""HTTP API: a ceremony's course (with its signatures and logos), each graduate's result, the
results file, and the roll (its order, the printed roll and the name-reader cards)."""

from __future__ import annotations

import uuid

from flask import Response, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.access import (
    BEARER,
    MANAGE,
    READ,
    actor,
    ceremony_access,
    ensure_access,
    permission_somewhere,
)
from shared.errors import DomainError
from shared.graduation import MAX_UPLOAD_BYTES
from shared.web import service_context

from ..ceremonies import get_ceremony
from ..exports import ascii_filename, export_filename
from ..graduation import (
    TOO_LARGE,
    get_course,
    graduation_of,
    image_of,
    import_results,
    remove_course,
    remove_image,
    require_course,
    roll,
    roll_mode,
    set_course,
    set_graduate,
    set_image,
    set_roll_order,
)
from ..registrations import get_registration
from .graduation_schemas import (
    CourseInputSchema,
    CourseOutSchema,
    GraduationChangesSchema,
    GraduationSchema,
    ImageUploadSchema,
    ImportResultSchema,
    RollLanguageSchema,
    RollOrderSchema,
    RollSchema,
)
from .schemas import CsvUploadSchema
from .uploads import uploaded_file

blp = Blueprint("graduation", __name__, url_prefix="/api", description="Graduation")

#: What an image upload may be sent as, besides the multipart field ``file``.
IMAGE_BODY = {
    "requestBody": {
        "content": {
            kind: {"schema": {"type": "string", "format": "binary"}}
            for kind in ("image/png", "image/jpeg", "image/gif", "image/webp")
        }
        | {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    }
}
_PNG = {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}
_PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}


def course_out(course: dict) -> dict:
    """The course as the API shows it, with where each image is served."""
    base = f"/api/ceremonies/{course['ceremony_id']}/course"
    return {
        **course,
        "organisations": [
            {**o, "logo_url": f"{base}/organisations/{index}/logo"}
            for index, o in enumerate(course["organisations"])
        ],
        "signatories": [
            {**s, "signature_url": f"{base}/signatories/{index}/signature"}
            for index, s in enumerate(course["signatories"])
        ],
    }


@blp.errorhandler(413)
def _too_large(error):
    """A body over the limit, named after the upload it was (a signature, a logo, a file)."""
    message = error.description or "The upload is too large."
    payload = {"code": "payload_too_large", "message": message}
    field = _upload_field()
    if field:
        payload["errors"] = {field: [message]}
    return jsonify(payload), 413


def _upload_field() -> str | None:
    for ending, field in (("/logo", "logo"), ("/signature", "signature"), ("/results", "file")):
        if request.path.endswith(ending):
            return field
    return None


@blp.route("/ceremonies/<uuid:ceremony_id>/course")
class CeremonyCourse(MethodView):
    @ceremony_access(READ)
    @blp.response(200, CourseOutSchema)
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """Show the ceremony's course; 404 ``course_not_found`` without one."""
        with service_context().database.transaction() as session:
            require_course(session, ceremony_id)
            return course_out(get_course(session, ceremony_id))

    @ceremony_access(MANAGE)
    @blp.arguments(CourseInputSchema)
    @blp.response(200, CourseOutSchema)
    @blp.doc(security=BEARER)
    def put(self, course, ceremony_id: uuid.UUID):
        """Set the course (organiser); signatures and logos stay at their positions."""
        with service_context().database.transaction() as session:
            return course_out(set_course(session, ceremony_id, course, actor=actor()))

    @ceremony_access(MANAGE)
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, ceremony_id: uuid.UUID):
        """Remove the course and its images (organiser)."""
        with service_context().database.transaction() as session:
            remove_course(session, ceremony_id, actor=actor())


class CourseImageView(MethodView):
    """A signature or logo of the course: shown, uploaded, removed."""

    kind = ""

    def get(self, ceremony_id: uuid.UUID, index: int):
        with service_context().database.transaction() as session:
            png = image_of(session, ceremony_id, self.kind, index)
        return Response(png, mimetype="image/png", headers={"Cache-Control": "no-cache"})

    def put(self, _files, ceremony_id: uuid.UUID, index: int):
        raw = _uploaded_image(self.kind)
        with service_context().database.transaction() as session:
            try:
                course = set_image(session, ceremony_id, self.kind, index, raw, actor=actor())
            except DomainError as exc:
                if exc.code == TOO_LARGE:
                    abort(413, message=exc.message, errors=exc.errors)
                raise
            return course_out(course)

    def delete(self, ceremony_id: uuid.UUID, index: int):
        with service_context().database.transaction() as session:
            remove_image(session, ceremony_id, self.kind, index, actor=actor())


def _uploaded_image(field: str) -> bytes:
    """The uploaded bytes (the field ``file``, or the body); 413 naming ``field`` past
    ``MAX_UPLOAD_BYTES``."""
    upload = request.files.get("file")
    raw = upload.read(MAX_UPLOAD_BYTES + 1) if upload is not None else request.get_data()
    if len(raw) > MAX_UPLOAD_BYTES:
        message = f"The image is larger than {MAX_UPLOAD_BYTES} bytes."
        abort(413, message=message, errors={field: [message]})
    return raw


@blp.route("/ceremonies/<uuid:ceremony_id>/course/signatories/<int:index>/signature")
class CourseSignature(CourseImageView):
    kind = "signature"

    @ceremony_access(READ)
    @blp.response(200, content_type="image/png")
    @blp.doc(security=BEARER, responses={"200": _PNG})
    def get(self, ceremony_id: uuid.UUID, index: int):
        """The signature of the signatory at ``index`` (from 0), as a PNG."""
        return super().get(ceremony_id, index)

    @ceremony_access(MANAGE)
    @blp.arguments(ImageUploadSchema, location="files")
    @blp.response(200, CourseOutSchema)
    @blp.doc(security=BEARER, **IMAGE_BODY)
    def put(self, _files, ceremony_id: uuid.UUID, index: int):
        """Upload the signature of the signatory at ``index`` (organiser): PNG, JPEG, GIF or
        WebP, kept as a PNG at most 900 pixels wide; 422 naming ``signature`` for what is not
        an image, 413 for one too large."""
        return super().put(_files, ceremony_id, index)

    @ceremony_access(MANAGE)
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, ceremony_id: uuid.UUID, index: int):
        """Remove the signature of the signatory at ``index`` (organiser)."""
        return super().delete(ceremony_id, index)


@blp.route("/ceremonies/<uuid:ceremony_id>/course/organisations/<int:index>/logo")
class CourseLogo(CourseImageView):
    kind = "logo"

    @ceremony_access(READ)
    @blp.response(200, content_type="image/png")
    @blp.doc(security=BEARER, responses={"200": _PNG})
    def get(self, ceremony_id: uuid.UUID, index: int):
        """The logo of the organisation at ``index`` (from 0), as a PNG."""
        return super().get(ceremony_id, index)

    @ceremony_access(MANAGE)
    @blp.arguments(ImageUploadSchema, location="files")
    @blp.response(200, CourseOutSchema)
    @blp.doc(security=BEARER, **IMAGE_BODY)
    def put(self, _files, ceremony_id: uuid.UUID, index: int):
        """Upload the logo of the organisation at ``index`` (organiser): PNG, JPEG, GIF or
        WebP, kept as a PNG at most 600 pixels wide; 422 naming ``logo`` for what is not an
        image, 413 for one too large."""
        return super().put(_files, ceremony_id, index)

    @ceremony_access(MANAGE)
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, ceremony_id: uuid.UUID, index: int):
        """Remove the logo of the organisation at ``index`` (organiser)."""
        return super().delete(ceremony_id, index)


@blp.route("/registrations/<uuid:registration_id>/graduation")
class RegistrationGraduation(MethodView):
    @permission_somewhere(READ)
    @blp.response(200, GraduationSchema)
    @blp.doc(security=BEARER)
    def get(self, registration_id: uuid.UUID):
        """Show a registration's part in the graduation: result, group, phonetic spelling,
        appreciation and the certificates it holds."""
        with service_context().database.transaction() as session:
            registration = get_registration(session, registration_id)
            ensure_access(registration.ceremony_id, READ)
            return graduation_of(session, registration_id) or _no_graduation(registration)

    @permission_somewhere(MANAGE)
    @blp.arguments(GraduationChangesSchema)
    @blp.response(200, GraduationSchema)
    @blp.doc(security=BEARER)
    def patch(self, changes: dict, registration_id: uuid.UUID):
        """Set a registration's result, group, phonetic spelling or appreciation (organiser);
        only the fields sent change. A result is for participants only."""
        with service_context().database.transaction() as session:
            ensure_access(get_registration(session, registration_id).ceremony_id, MANAGE)
            return set_graduate(session, registration_id, changes, actor=actor())


def _no_graduation(registration) -> dict:
    return {
        "registration_id": registration.id,
        "ceremony_id": registration.ceremony_id,
        "result": None,
        "group": None,
        "phonetic": None,
        "appreciation": False,
        "revision": 0,
        "certificate": None,
        "certificates": [],
    }


@blp.route("/ceremonies/<uuid:ceremony_id>/results")
class CeremonyResults(MethodView):
    @ceremony_access(MANAGE)
    @blp.arguments(CsvUploadSchema, location="files")
    @blp.response(200, ImportResultSchema)
    @blp.doc(security=BEARER, requestBody={"content": {"text/csv": {"schema": {"type": "string"}}}})
    def post(self, _files, ceremony_id: uuid.UUID):
        """Set results from a CSV or XLSX file (organiser): columns email and result, and
        optionally group and appreciation; every row right, or nothing changes."""
        raw = uploaded_file()
        with service_context().database.transaction() as session:
            return import_results(session, ceremony_id, raw, actor=actor())


@blp.route("/ceremonies/<uuid:ceremony_id>/roll")
class CeremonyRoll(MethodView):
    @ceremony_access(READ)
    @blp.response(200, RollSchema)
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """The graduation roll: the confirmed participants in the order they are called."""
        with service_context().database.transaction() as session:
            graduates = roll(session, ceremony_id)
            order, hand_order = roll_mode(session, ceremony_id)
            return {"order": order, "hand_order": hand_order, "graduates": graduates}

    @ceremony_access(MANAGE)
    @blp.arguments(RollOrderSchema)
    @blp.response(200, RollSchema)
    @blp.doc(security=BEARER)
    def put(self, body, ceremony_id: uuid.UUID):
        """Set how the roll is called (organiser); 409 ``course_not_found`` without a course."""
        with service_context().database.transaction() as session:
            set_roll_order(
                session, ceremony_id, body["order"], body.get("hand_order"), actor=actor()
            )
            order, hand_order = roll_mode(session, ceremony_id)
            return {
                "order": order,
                "hand_order": hand_order,
                "graduates": roll(session, ceremony_id),
            }


@blp.route("/ceremonies/<uuid:ceremony_id>/roll.pdf")
class CeremonyRollPdf(MethodView):
    @ceremony_access(READ)
    @blp.arguments(RollLanguageSchema, location="query")
    @blp.response(200, content_type="application/pdf")
    @blp.doc(security=BEARER, responses={"200": _PDF})
    def get(self, query, ceremony_id: uuid.UUID):
        """The roll for the master of ceremonies, as a PDF, in ``language``."""
        from ..printing.roll import roll_pdf

        return _printed(ceremony_id, query, roll_pdf, "roll")


@blp.route("/ceremonies/<uuid:ceremony_id>/name-cards.pdf")
class CeremonyNameCardsPdf(MethodView):
    @ceremony_access(READ)
    @blp.arguments(RollLanguageSchema, location="query")
    @blp.response(200, content_type="application/pdf")
    @blp.doc(security=BEARER, responses={"200": _PDF})
    def get(self, query, ceremony_id: uuid.UUID):
        """The name-reader cards, one per graduate in the order called, as a PDF."""
        from ..printing.name_cards import name_cards_pdf

        return _printed(ceremony_id, query, name_cards_pdf, "name-cards")


def _printed(ceremony_id: uuid.UUID, query: dict, render, what: str) -> Response:
    """A printed document of the roll, in the language asked for or the ceremony's own."""
    with service_context().database.transaction() as session:
        ceremony = get_ceremony(session, ceremony_id)
        language = query.get("language") or ceremony.default_language
        course = get_course(session, ceremony_id, images=True)
        pdf = render(ceremony, course, roll(session, ceremony_id), language)
        filename = ascii_filename(export_filename(ceremony, what, "pdf"))
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
