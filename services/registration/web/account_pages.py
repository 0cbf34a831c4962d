"""The pages of people with accounts: sign in (with a second factor, or by single sign-on), set
a password from an emailed link, ask for such a link, sign out.

Plain HTML forms that work without JavaScript. A change made with the session cookie (signing
out) carries the session's CSRF token in a hidden field.
"""

from __future__ import annotations

import hmac
import math
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, g, redirect, render_template, request
from marshmallow import ValidationError

from shared.access import current_principal
from shared.auth import AuthError
from shared.errors import DomainError
from shared.web import from_another_site, service_context

from ..accounts import (
    PASSWORD_MIN_CHARS,
    SignInOutcome,
    SignInPolicy,
    attempt_second_factor,
    attempt_sign_in,
    complete_password_link,
    end_session,
    ensure_local_passwords,
    get_account,
    open_password_link,
    request_password_reset,
    start_session,
)
from .account_schemas import PasswordResetSchema, SignInSchema
from .account_words import WORDS
from .auth import sign_in_browser, sign_out_browser
from .page_languages import choose_language
from .translations import strings_for

bp = Blueprint("account_pages", __name__, template_folder="templates")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "account_pages.sign_in_page": ("GET", "POST"),
    "account_pages.forgot_page": ("GET", "POST"),
    "account_pages.password_page": ("GET", "POST"),
}
#: Purpose of the capability that carries a sign-in from its password to its code, and how
#: long the second step may wait.
SECOND_STEP = "sign-in-second-step"
SECOND_STEP_SECONDS = 300
SSO_PATH = "/sign-in/sso"


@bp.before_request
def refuse_forms_from_other_sites():
    """A form sent to the pages anyone may reach (sign-in, forgotten password, set password)
    from another site's page is refused before it reaches an account: else a page elsewhere
    could sign this browser in to the sender's account (and what the organiser then types
    would be the sender's to read), or send reset emails. Signing out is not among them: the
    console's pages of every service post it, with the session's CSRF token."""
    if request.method != "POST" or request.endpoint not in PUBLIC_ENDPOINTS:
        return None
    if not from_another_site(service_context().settings.public_urls.values()):
        return None
    return _message(page_language(), "csrf_failed", 403, links=[("sign_in", "/sign-in")])


def page_language(preferred: str | None = None) -> str:
    """The language of a page: asked for with ``lang``, the account's (``preferred``), the
    browser's, else English. The page says so when it is not the one asked for."""
    chosen = choose_language(own=preferred)
    g.language_notice = chosen.notice()
    return chosen.shown


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of this site, or a page of one of the suite's
    services (their public URLs: the console's pages live in all three), else the console."""
    home = "/console"
    if not value or len(value) > 2000 or "\\" in value or not value.isprintable():
        return home
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        origins = {
            _origin(urlsplit(url)) for url in service_context().settings.public_urls.values()
        }
        return value if _origin(parts) in origins else home
    if not value.startswith("/") or value.startswith("//"):
        return home
    return value


def _origin(parts) -> tuple[str, str]:
    return (parts.scheme.lower(), parts.netloc.lower())


def words_for(lang: str) -> dict[str, str]:
    """The words of these pages in ``lang``, over the guest pages' (English fills gaps)."""
    return {**strings_for(lang), **WORDS["en"], **WORDS.get(lang, {})}


def _page(template: str, lang: str, status: int = 200, **context):
    notice = g.get("language_notice", "")
    page = render_template(
        template, t=words_for(lang), lang=lang, language_notice=notice, **context
    )
    return page, status


def _message(lang: str, key: str, status: int, *, links=(), heading: str | None = None, **fmt):
    t = words_for(lang)
    return _page(
        "account/message.html",
        lang,
        status,
        heading=t[heading] if heading else None,
        message=t[key].format(**fmt),
        links=[(t[label], href) for label, href in links],
    )


def _field_errors(t: dict[str, str], lang: str, exc: ValidationError) -> dict[str, str]:
    """Marshmallow's messages for each field, in the page's words."""
    errors = {}
    for name, messages in exc.messages.items():
        text = " ".join(messages) if isinstance(messages, list) else str(messages)
        if "required" in text.lower() or "Shorter than minimum length 1" in text:
            errors[name] = t["required"]
        elif name == "password" and "minimum length" in text:
            errors[name] = t["password_too_short"].format(count=PASSWORD_MIN_CHARS)
        else:
            errors[name] = text if lang == "en" else t["invalid"]
    return errors


# -- signing in -----------------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in_page():
    """The sign-in form; a POST signs in, or asks for the second factor."""
    lang = page_language()
    settings = service_context().settings
    context = {
        "next": safe_next(request.values.get("next")),
        "sso": settings.oidc_name if settings.oidc_enabled else None,
        "local": settings.local_passwords,
        "form": {},
        "errors": {},
    }
    context["sso_url"] = SSO_PATH + "?" + urlencode({"next": context["next"]})
    if request.method == "GET":
        return _sign_in_form(lang, context)
    if request.form.get("pending"):
        return _second_step(lang, context)
    form = {"email": request.form.get("email", "").strip()}
    context["form"] = form
    try:
        args = SignInSchema().load(
            {"email": form["email"], "password": request.form.get("password", "")}
        )
    except ValidationError as exc:
        context["errors"] = _field_errors(words_for(lang), lang, exc)
        return _page("account/sign_in.html", lang, 422, **context)
    database = service_context().database
    with database.transaction() as session:
        outcome = attempt_sign_in(session, SignInPolicy.of(settings), **args)
        if outcome.refusal is None:
            return _signed_in(session, outcome, context["next"])
    if outcome.refusal.code == "second_factor_required":
        return _ask_for_code(lang, context, outcome.account.id)
    return _refused(lang, outcome, "account/sign_in.html", context)


def _sign_in_form(lang: str, context: dict):
    principal = current_principal()
    if principal is not None and principal.kind == "session":
        context["signed_in_as"] = principal.name
        context["csrf_token"] = service_context().signer.csrf_token(principal)
    if request.args.get("signed_out"):
        context["notice"] = words_for(lang)["signed_out"]
    return _page("account/sign_in.html", lang, **context)


def _second_step(lang: str, context: dict):
    signer = service_context().signer
    try:
        account_id = signer.verify_capability(SECOND_STEP, request.form.get("pending", ""))
    except AuthError:
        context["errors"] = {"form": words_for(lang)["second_step_expired"]}
        return _page("account/sign_in.html", lang, 401, **context)
    code = request.form.get("code", "").strip()[:32]
    settings = service_context().settings
    with service_context().database.transaction() as session:
        outcome = attempt_second_factor(session, SignInPolicy.of(settings), account_id, code)
        if outcome.refusal is None:
            return _signed_in(session, outcome, context["next"])
    context["pending"] = request.form["pending"]
    return _refused(lang, outcome, "account/code.html", context)


def _ask_for_code(lang: str, context: dict, account_id) -> tuple:
    signer = service_context().signer
    context["pending"] = signer.issue_capability(
        SECOND_STEP, account_id, ttl_seconds=SECOND_STEP_SECONDS
    )
    return _page("account/code.html", lang, **context)


def _signed_in(session, outcome: SignInOutcome, target: str):
    token, principal = start_session(
        session,
        service_context().signer,
        outcome.account,
        method=outcome.method,
        address=request.remote_addr,
        user_agent=request.user_agent.string,
    )
    sign_in_browser(token, principal)
    return redirect(target, 303)


#: Each refusal of a sign-in: the words that say it, the field it is about, its status.
_REFUSALS = {
    "invalid_credentials": ("invalid_credentials", "form", 401),
    "second_factor_required": ("code_required", "code", 401),
    "invalid_code": ("invalid_code", "code", 401),
    "account_disabled": ("account_disabled", "form", 403),
    "local_passwords_disabled": ("local_passwords_disabled", "form", 403),
}


def _refused(lang: str, outcome: SignInOutcome, template: str, context: dict):
    t = words_for(lang)
    if outcome.retry_after is not None:
        minutes = max(1, math.ceil(outcome.retry_after / 60))
        context["errors"] = {"form": t["locked_out"].format(minutes=minutes)}
        page, status = _page(template, lang, 429, **context)
        return page, status, {"Retry-After": str(outcome.retry_after)}
    key, field, status = _REFUSALS.get(outcome.refusal.code, ("invalid_credentials", "form", 401))
    context["errors"] = {field: t[key]}
    return _page(template, lang, status, **context)


@bp.post("/sign-out")
def sign_out_page():
    """Sign this browser's session out (the form carries the session's CSRF token)."""
    lang = page_language()
    principal = current_principal()
    if principal is None or principal.kind != "session":
        return redirect("/sign-in", 303)
    expected = service_context().signer.csrf_token(principal)
    if not hmac.compare_digest(request.form.get("csrf_token", ""), expected):
        return _message(lang, "csrf_failed", 403, links=[("sign_in", "/sign-in")])
    with service_context().database.transaction() as session:
        end_session(session, principal)
    service_context().credentials.forget()
    sign_out_browser()
    return redirect(f"/sign-in?{urlencode({'signed_out': 1, 'lang': lang})}", 303)


# -- password links -------------------------------------------------------------------------


@bp.route("/account/forgot", methods=["GET", "POST"])
def forgot_page():
    """Ask for a link to set a new password; the answer is the same for any address."""
    lang = page_language()
    settings = service_context().settings
    if not settings.local_passwords:
        return _message(lang, "local_passwords_disabled", 403, links=[("sign_in", "/sign-in")])
    form, errors = {"email": request.form.get("email", "").strip()}, {}
    if request.method == "POST":
        try:
            args = PasswordResetSchema().load(form)
        except ValidationError as exc:
            errors = _field_errors(words_for(lang), lang, exc)
        else:
            with service_context().database.transaction() as session:
                request_password_reset(session, SignInPolicy.of(settings), args["email"])
            return _message(
                lang, "reset_sent", 200, heading="forgot_title", links=[("sign_in", "/sign-in")]
            )
    return _page("account/forgot.html", lang, 422 if errors else 200, form=form, errors=errors)


#: Each problem of a set-password link: the words that say it and the status.
_LINK_PROBLEMS = {
    "link_expired": ("link_expired", 410),
    "link_used": ("link_used", 410),
    "account_disabled": ("account_disabled", 403),
}


@bp.route("/account/password/<token>", methods=["GET", "POST"])
def password_page(token: str):
    """Set a password from an emailed link (a reset, or a teammate's welcome). Opening the link
    changes nothing; the form's POST sets the password and signs this browser in."""
    context = service_context()
    try:
        ensure_local_passwords(SignInPolicy.of(context.settings))
        with context.database.transaction() as session:
            account = open_password_link(session, context.signer, token)
            email, name, language = account.email, account.display_name, account.language
            welcome = account.password_hash is None
    except DomainError as exc:
        return _link_problem(exc)
    lang = page_language(language)
    t = words_for(lang)
    errors: dict[str, str] = {}
    shown = {"email": email, "name": name, "welcome": welcome}
    if request.method == "POST":
        password = request.form.get("password", "")
        if not password:
            errors["password"] = t["required"]
        elif len(password) < PASSWORD_MIN_CHARS:
            errors["password"] = t["password_too_short"].format(count=PASSWORD_MIN_CHARS)
        elif request.form.get("repeat", "") != password:
            errors["repeat"] = t["passwords_differ"]
        if not errors:
            try:
                return _set_password(token, password, lang)
            except DomainError as exc:
                if exc.code != "weak_password":
                    return _link_problem(exc)
                errors["password"] = exc.message if lang == "en" else t["invalid"]
    return _page(
        "account/password.html",
        lang,
        422 if errors else 200,
        errors=errors,
        min_chars=PASSWORD_MIN_CHARS,
        **shown,
    )


def _set_password(token: str, password: str, lang: str):
    context = service_context()
    with context.database.transaction() as session:
        account = complete_password_link(session, context.signer, token, password)
        signed_in, principal = start_session(
            session,
            context.signer,
            get_account(session, account.id),
            method="password",
            address=request.remote_addr,
            user_agent=request.user_agent.string,
        )
    context.credentials.forget()
    sign_in_browser(signed_in, principal)
    return _message(
        lang, "password_set", 200, heading="password_title", links=[("go_to_console", "/")]
    )


def _link_problem(exc: DomainError):
    lang = page_language()
    key, status = _LINK_PROBLEMS.get(exc.code, ("link_invalid", 404))
    if exc.code == "local_passwords_disabled":
        key, status = "local_passwords_disabled", 403
    return _message(
        lang, key, status, heading="password_title", links=[("ask_again", "/account/forgot")]
    )
