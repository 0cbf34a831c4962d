"""The pages of people with accounts: sign in (with a second factor, or by single sign-on), set
a password from an emailed link, ask for such a link, sign out.

Plain HTML forms that work without JavaScript. A change made with the session cookie (signing
out) carries the session's CSRF token in a hidden field.
"""

from __future__ import annotations

import hmac
import math
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, redirect, render_template, request
from marshmallow import ValidationError

from shared.access import current_principal
from shared.auth import AuthError
from shared.errors import DomainError
from shared.web import service_context

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
from .auth import sign_in_browser, sign_out_browser
from .translations import strings_for, words_language

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


def page_language(preferred: str | None = None) -> str:
    """The language of a page: asked for with ``lang``, the account's, or the browser's."""
    asked = request.values.get("lang") or preferred
    if not asked and request.accept_languages:
        asked = request.accept_languages.best_match(["en", "fr", "zh"])
    return words_language(asked)


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
    return render_template(template, t=words_for(lang), lang=lang, **context), status


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


#: Every word these pages show, by language.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "sign_in_title": "Sign in",
        "sign_in_button": "Sign in",
        "password": "Password",
        "forgot_link": "Forgot your password?",
        "sso_button": "Sign in with {name}",
        "signed_in_as": "You are signed in as {name}.",
        "continue": "Continue",
        "sign_out": "Sign out",
        "signed_out": "You are signed out.",
        "code_title": "Two-step sign-in",
        "code_intro": (
            "Enter the 6-digit code your authenticator app shows, or one of your recovery codes."
        ),
        "code_label": "Code",
        "code_hint": "6 digits, or a recovery code such as abcde-fghjk",
        "start_over": "Start again",
        "second_step_expired": "The sign-in took too long: enter your password again.",
        "invalid_credentials": "The email address or the password is not right.",
        "code_required": "Enter the code of your authenticator app.",
        "invalid_code": "This code is not right, or was used already.",
        "locked_out": (
            "Too many failed attempts: this account is locked. Try again in {minutes} minutes."
        ),
        "account_disabled": "This account is disabled. Ask an administrator.",
        "local_passwords_disabled": "Signing in with a password is turned off here.",
        "csrf_failed": "This form could not be checked: reload the page and try again.",
        "sign_in": "Sign in",
        "forgot_title": "Forgotten password",
        "forgot_intro": (
            "Enter your account's email address: we will send it a link to set a new password."
        ),
        "send_link": "Send the link",
        "reset_sent": (
            "If an account exists for this address, an email with a link is on its way. "
            "The link works for one hour."
        ),
        "password_title": "Set your password",
        "password_intro_reset": "Choose a new password for {email}.",
        "password_intro_welcome": "Welcome, {name}. Choose a password for your account {email}.",
        "new_password": "New password",
        "password_hint": "At least {count} characters. A few unrelated words make a strong one.",
        "repeat_password": "Repeat the password",
        "save_password": "Save the password",
        "password_too_short": "Use at least {count} characters.",
        "passwords_differ": "The two passwords are not the same.",
        "password_set": "Your password is set, and you are signed in.",
        "go_to_console": "Go to the console",
        "link_expired": "This link has expired. Ask for a new one.",
        "link_used": "This link was used already, or a newer one was sent. Ask for a new one.",
        "link_invalid": "This link is not valid.",
        "ask_again": "Ask for a new link",
    },
    "fr": {
        "sign_in_title": "Connexion",
        "sign_in_button": "Se connecter",
        "password": "Mot de passe",
        "forgot_link": "Mot de passe oublié ?",
        "sso_button": "Se connecter avec {name}",
        "signed_in_as": "Vous êtes connecté en tant que {name}.",
        "continue": "Continuer",
        "sign_out": "Se déconnecter",
        "signed_out": "Vous êtes déconnecté.",
        "code_title": "Connexion en deux étapes",
        "code_intro": (
            "Saisissez le code à 6 chiffres affiché par votre application d'authentification, "
            "ou l'un de vos codes de secours."
        ),
        "code_label": "Code",
        "code_hint": "6 chiffres, ou un code de secours comme abcde-fghjk",
        "start_over": "Recommencer",
        "second_step_expired": (
            "La connexion a pris trop de temps : saisissez à nouveau votre mot de passe."
        ),
        "invalid_credentials": "L'adresse électronique ou le mot de passe est incorrect.",
        "code_required": "Saisissez le code de votre application d'authentification.",
        "invalid_code": "Ce code est incorrect, ou a déjà été utilisé.",
        "locked_out": (
            "Trop de tentatives infructueuses : ce compte est verrouillé. "
            "Réessayez dans {minutes} minutes."
        ),
        "account_disabled": "Ce compte est désactivé. Adressez-vous à un administrateur.",
        "local_passwords_disabled": "La connexion par mot de passe est désactivée ici.",
        "csrf_failed": "Ce formulaire n'a pas pu être vérifié : rechargez la page et réessayez.",
        "sign_in": "Se connecter",
        "forgot_title": "Mot de passe oublié",
        "forgot_intro": (
            "Saisissez l'adresse électronique de votre compte : nous y enverrons un lien pour "
            "choisir un nouveau mot de passe."
        ),
        "send_link": "Envoyer le lien",
        "reset_sent": (
            "Si un compte existe pour cette adresse, un courriel contenant un lien est en "
            "route. Le lien est valable une heure."
        ),
        "password_title": "Choisir votre mot de passe",
        "password_intro_reset": "Choisissez un nouveau mot de passe pour {email}.",
        "password_intro_welcome": (
            "Bienvenue, {name}. Choisissez un mot de passe pour votre compte {email}."
        ),
        "new_password": "Nouveau mot de passe",
        "password_hint": (
            "Au moins {count} caractères. Quelques mots sans rapport entre eux en font un bon."
        ),
        "repeat_password": "Répétez le mot de passe",
        "save_password": "Enregistrer le mot de passe",
        "password_too_short": "Utilisez au moins {count} caractères.",
        "passwords_differ": "Les deux mots de passe ne sont pas identiques.",
        "password_set": "Votre mot de passe est enregistré, et vous êtes connecté.",
        "go_to_console": "Aller à la console",
        "link_expired": "Ce lien a expiré. Demandez-en un nouveau.",
        "link_used": (
            "Ce lien a déjà été utilisé, ou un lien plus récent a été envoyé. "
            "Demandez-en un nouveau."
        ),
        "link_invalid": "Ce lien n'est pas valide.",
        "ask_again": "Demander un nouveau lien",
    },
    "zh": {
        "sign_in_title": "登录",
        "sign_in_button": "登录",
        "password": "密码",
        "forgot_link": "忘记密码？",
        "sso_button": "使用{name}登录",
        "signed_in_as": "您已以 {name} 的身份登录。",
        "continue": "继续",
        "sign_out": "退出登录",
        "signed_out": "您已退出登录。",
        "code_title": "两步验证登录",
        "code_intro": "请输入身份验证器应用显示的 6 位数字验证码，或一个备用码。",
        "code_label": "验证码",
        "code_hint": "6 位数字，或形如 abcde-fghjk 的备用码",
        "start_over": "重新开始",
        "second_step_expired": "登录用时过长，请重新输入密码。",
        "invalid_credentials": "电子邮箱或密码不正确。",
        "code_required": "请输入身份验证器应用中的验证码。",
        "invalid_code": "验证码不正确，或已被使用。",
        "locked_out": "失败次数过多，此账户已被锁定。请在 {minutes} 分钟后重试。",
        "account_disabled": "此账户已停用，请联系管理员。",
        "local_passwords_disabled": "此处已关闭密码登录。",
        "csrf_failed": "无法核验此表单，请刷新页面后重试。",
        "sign_in": "登录",
        "forgot_title": "忘记密码",
        "forgot_intro": "请输入您账户的电子邮箱，我们将向其发送设置新密码的链接。",
        "send_link": "发送链接",
        "reset_sent": "如果此邮箱有对应的账户，一封含有链接的邮件正在发送。链接在一小时内有效。",
        "password_title": "设置密码",
        "password_intro_reset": "请为 {email} 设置新密码。",
        "password_intro_welcome": "欢迎，{name}。请为您的账户 {email} 设置密码。",
        "new_password": "新密码",
        "password_hint": "至少 {count} 个字符。几个互不相关的词语组合起来就是强密码。",
        "repeat_password": "再次输入密码",
        "save_password": "保存密码",
        "password_too_short": "请至少使用 {count} 个字符。",
        "passwords_differ": "两次输入的密码不一致。",
        "password_set": "密码已设置，您已登录。",
        "go_to_console": "前往控制台",
        "link_expired": "此链接已过期，请重新申请。",
        "link_used": "此链接已被使用，或已发送了更新的链接。请重新申请。",
        "link_invalid": "此链接无效。",
        "ask_again": "重新申请链接",
    },
}
