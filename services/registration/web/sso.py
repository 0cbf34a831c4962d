"""Single sign-on with OpenID Connect: to the issuer and back, matched by verified email.

``GET /sign-in/sso`` sends the browser to the issuer (found by discovery from
``CEREMONY_OIDC_ISSUER``) with a fresh state, nonce and PKCE challenge, kept in Flask's signed
session cookie; ``GET /sign-in/sso/callback`` trades the code for tokens, checks the ID token
(signature, issuer, audience, expiry, nonce), signs the account in and sets the suite's session
cookies. Without SSO configured both answer 404.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Blueprint, current_app, g, redirect, render_template, request, session
from flask.blueprints import BlueprintSetupState
from joserfc.errors import JoseError

from shared.audit_web import guest_actor
from shared.errors import DomainError
from shared.web import service_context

from ..accounts import start_session
from ..sso import ProviderIdentity, account_for_identity
from .account_pages import page_language, safe_next, words_for
from .auth import sign_in_browser

log = logging.getLogger(__name__)

bp = Blueprint("sso", __name__, template_folder="templates")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "sso.sso_start": ("GET",),
    "sso.sso_callback": ("GET",),
}

#: The Authlib client's name in the app's registry.
CLIENT = "oidc"
SCOPE = "openid email profile"
CALLBACK_PATH = "/sign-in/sso/callback"
#: Where the page to return to, and the language of the pages, wait in the Flask session while
#: the browser is at the issuer.
_NEXT_KEY = "sso_next"
_LANG_KEY = "sso_lang"
#: Seconds to wait for the issuer's discovery, keys and token endpoint.
_ISSUER_TIMEOUT_SECONDS = 10


@bp.record_once
def _set_up(state: BlueprintSetupState) -> None:
    """Give the app a key for the Flask session (which carries the state to the issuer and
    back) and, when SSO is configured, the OpenID client."""
    app = state.app
    settings = app.extensions["ceremony"].settings
    if not app.secret_key:
        app.secret_key = settings.secret_keys().key("flask-session")
    app.config.update(
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
    )
    if not settings.oidc_enabled:
        return
    oauth = OAuth(app)
    oauth.register(
        CLIENT,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "default_timeout": _ISSUER_TIMEOUT_SECONDS,
        },
    )


@bp.get("/sign-in/sso")
def sso_start():
    """Go to the issuer to sign in; ``next`` (a path of this site) is where to come back to."""
    client = _client()
    lang = page_language()
    if client is None:
        return _message(lang, "sso_not_configured", 404)
    session[_NEXT_KEY] = safe_next(request.args.get("next"))
    session[_LANG_KEY] = lang
    callback = f"{service_context().settings.public_url}{CALLBACK_PATH}"
    try:
        return client.authorize_redirect(callback)
    except (requests.RequestException, ValueError) as exc:
        log.warning("the sign-on service cannot be reached: %s", exc)
        return _message(lang, "sso_unreachable", 502)


@bp.get(CALLBACK_PATH)
def sso_callback():
    """Back from the issuer: check what it says, sign the account in, go on to ``next``."""
    client = _client()
    lang = page_language(session.pop(_LANG_KEY, None))
    if client is None:
        return _message(lang, "sso_not_configured", 404)
    target = safe_next(session.pop(_NEXT_KEY, None))
    try:
        claims = _verified_claims(client)
    except OAuthError as exc:
        # A state that is not this browser's, an answer the issuer refused, a code it refused.
        log.info("single sign-on refused: %s", exc.error)
        return _message(lang, "sso_failed", 400)
    except JoseError as exc:
        log.warning("an ID token failed its checks: %s", exc)
        return _message(lang, "sso_failed", 400)
    except (requests.RequestException, ValueError) as exc:
        log.warning("the sign-on service cannot be reached: %s", exc)
        return _message(lang, "sso_unreachable", 502)
    identity = ProviderIdentity.from_claims(claims)
    context = service_context()
    actor = {**guest_actor(), "name": identity.name or identity.email}
    try:
        with context.database.transaction() as db:
            account = account_for_identity(db, identity, actor)
            token, principal = start_session(
                db,
                context.signer,
                account,
                method="sso",
                address=request.remote_addr,
                user_agent=request.user_agent.string,
            )
    except DomainError as exc:
        key, status = _REFUSALS.get(exc.code, ("sso_failed", 400))
        log.info("single sign-on refused: %s", exc.code)
        return _message(lang, key, status)
    # As a password sign-in does: the new session's cookies replace whatever the browser
    # sent (a stale cookie would otherwise be dropped, or renewed over the new one).
    sign_in_browser(token, principal)
    return redirect(target, 303)


def _client():
    """The app's OpenID client, or None when SSO is not configured."""
    oauth = current_app.extensions.get("authlib.integrations.flask_client")
    return oauth.create_client(CLIENT) if oauth is not None else None


def _verified_claims(client) -> dict[str, Any]:
    """The ID token's claims, checked; those it leaves out are asked of the userinfo
    endpoint, for the same subject only."""
    token = client.authorize_access_token()
    claims = dict(token.get("userinfo") or {})
    if not claims:
        raise OAuthError(error="missing_id_token", description="the issuer sent no ID token")
    if "email" not in claims or "email_verified" not in claims:
        extra = client.userinfo(token=token)
        if extra.get("sub") == claims.get("sub"):
            claims = {**extra, **claims}
    return claims


def _message(lang: str, key: str, status: int):
    t = {**words_for(lang), **WORDS["en"], **WORDS.get(lang, {})}
    page = render_template(
        "sso/message.html",
        t=t,
        lang=lang,
        heading=t["sso_title"],
        message=t[key],
        links=[(t["sso_back"], "/sign-in")],
        language_notice=g.get("language_notice", ""),
    )
    return page, status


#: Each refusal of the domain: the words that say it, and the status.
_REFUSALS = {
    "sso_email_unverified": ("sso_email_unverified", 403),
    "sso_email_missing": ("sso_email_missing", 403),
    "sso_subject_missing": ("sso_failed", 400),
    "sso_account_linked_elsewhere": ("sso_linked_elsewhere", 403),
    "account_disabled": ("sso_account_disabled", 403),
    "invalid_account": ("sso_invalid_account", 422),
}

#: The words of the single sign-on pages, by language.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "sso_title": "Single sign-on",
        "sso_back": "Back to the sign-in page",
        "sso_not_configured": "Single sign-on is not set up on this site.",
        "sso_unreachable": "The sign-on service cannot be reached right now. Try again later.",
        "sso_failed": (
            "The sign-in could not be completed: it was cancelled, took too long, or was "
            "started in another browser. Start again from the sign-in page."
        ),
        "sso_email_unverified": (
            "The sign-on service has not verified your email address. Verify it there, then "
            "sign in again."
        ),
        "sso_email_missing": (
            "The sign-on service did not give your email address, which this site needs to "
            "know who you are."
        ),
        "sso_linked_elsewhere": (
            "The account of this email address signs in with another identity of the sign-on "
            "service. Ask an administrator."
        ),
        "sso_account_disabled": "This account is disabled. Ask an administrator.",
        "sso_invalid_account": (
            "The sign-on service gave details this site cannot keep (an email address that is "
            "not valid). Ask an administrator."
        ),
    },
    "fr": {
        "sso_title": "Authentification unique",
        "sso_back": "Retour à la page de connexion",
        "sso_not_configured": "L'authentification unique n'est pas configurée sur ce site.",
        "sso_unreachable": (
            "Le service d'authentification est injoignable pour le moment. Réessayez plus tard."
        ),
        "sso_failed": (
            "La connexion n'a pas pu aboutir : elle a été annulée, a pris trop de temps, ou a "
            "été commencée dans un autre navigateur. Recommencez depuis la page de connexion."
        ),
        "sso_email_unverified": (
            "Le service d'authentification n'a pas vérifié votre adresse électronique. "
            "Vérifiez-la auprès de lui, puis reconnectez-vous."
        ),
        "sso_email_missing": (
            "Le service d'authentification n'a pas transmis votre adresse électronique, dont "
            "ce site a besoin pour vous reconnaître."
        ),
        "sso_linked_elsewhere": (
            "Le compte de cette adresse se connecte avec une autre identité du service "
            "d'authentification. Adressez-vous à un administrateur."
        ),
        "sso_account_disabled": "Ce compte est désactivé. Adressez-vous à un administrateur.",
        "sso_invalid_account": (
            "Le service d'authentification a transmis des informations que ce site ne peut "
            "pas enregistrer (une adresse non valide). Adressez-vous à un administrateur."
        ),
    },
    "zh": {
        "sso_title": "单点登录",
        "sso_back": "返回登录页面",
        "sso_not_configured": "本网站未设置单点登录。",
        "sso_unreachable": "目前无法连接登录服务，请稍后再试。",
        "sso_failed": (
            "登录未能完成：可能已被取消、用时过长，或是在另一个浏览器中开始的。"
            "请从登录页面重新开始。"
        ),
        "sso_email_unverified": (
            "登录服务尚未验证您的电子邮箱。请先在该服务中完成验证，然后重新登录。"
        ),
        "sso_email_missing": "登录服务未提供您的电子邮箱，本网站需要它来确认您的身份。",
        "sso_linked_elsewhere": "此邮箱对应的账户已绑定登录服务中的另一个身份。请联系管理员。",
        "sso_account_disabled": "此账户已停用，请联系管理员。",
        "sso_invalid_account": "登录服务提供的信息无法保存（电子邮箱无效）。请联系管理员。",
    },
    "ar": {
        "sso_title": "الدخول الموحَّد",
        "sso_back": "العودة إلى صفحة تسجيل الدخول",
        "sso_not_configured": "الدخول الموحَّد غير مُعَدّ على هذا الموقع.",
        "sso_unreachable": "يتعذّر الوصول إلى خدمة الدخول حاليًا. يُرجى المحاولة لاحقًا.",
        "sso_failed": (
            "تعذّر إتمام تسجيل الدخول: فقد أُلغي، أو استغرق وقتًا طويلًا، أو بدأ في متصفح آخر. "
            "يُرجى البدء من جديد من صفحة تسجيل الدخول."
        ),
        "sso_email_unverified": (
            "لم تتحقق خدمة الدخول من عنوان بريدكم الإلكتروني. يُرجى التحقق منه لديها، ثم "
            "تسجيل الدخول مجددًا."
        ),
        "sso_email_missing": (
            "لم تقدّم خدمة الدخول عنوان بريدكم الإلكتروني، وهو ما يحتاج إليه هذا الموقع "
            "للتعرّف عليكم."
        ),
        "sso_linked_elsewhere": (
            "حساب هذا العنوان الإلكتروني يسجّل الدخول بهوية أخرى لدى خدمة الدخول. يُرجى "
            "التواصل مع أحد المسؤولين."
        ),
        "sso_account_disabled": "هذا الحساب معطَّل. يُرجى التواصل مع أحد المسؤولين.",
        "sso_invalid_account": (
            "قدّمت خدمة الدخول بيانات لا يمكن لهذا الموقع حفظها (عنوان بريد إلكتروني غير "
            "صالح). يُرجى التواصل مع أحد المسؤولين."
        ),
    },
    "es": {
        "sso_title": "Inicio de sesión único",
        "sso_back": "Volver a la página de inicio de sesión",
        "sso_not_configured": "El inicio de sesión único no está configurado en este sitio.",
        "sso_unreachable": (
            "No es posible contactar ahora con el servicio de identificación. Inténtelo más tarde."
        ),
        "sso_failed": (
            "No se ha podido completar el inicio de sesión: se canceló, tardó demasiado o se "
            "inició en otro navegador. Vuelva a empezar desde la página de inicio de sesión."
        ),
        "sso_email_unverified": (
            "El servicio de identificación no ha verificado su dirección de correo electrónico. "
            "Verifíquela en dicho servicio y vuelva a iniciar sesión."
        ),
        "sso_email_missing": (
            "El servicio de identificación no ha facilitado su dirección de correo electrónico, "
            "que este sitio necesita para reconocerle."
        ),
        "sso_linked_elsewhere": (
            "La cuenta de esta dirección inicia sesión con otra identidad del servicio de "
            "identificación. Diríjase a un administrador."
        ),
        "sso_account_disabled": "Esta cuenta está desactivada. Diríjase a un administrador.",
        "sso_invalid_account": (
            "El servicio de identificación ha facilitado datos que este sitio no puede conservar "
            "(una dirección de correo no válida). Diríjase a un administrador."
        ),
    },
    "ru": {
        "sso_title": "Единый вход",
        "sso_back": "Вернуться на страницу входа",
        "sso_not_configured": "Единый вход на этом сайте не настроен.",
        "sso_unreachable": "Служба входа сейчас недоступна. Повторите попытку позднее.",
        "sso_failed": (
            "Не удалось завершить вход: он был отменён, занял слишком много времени или был "
            "начат в другом браузере. Начните заново со страницы входа."
        ),
        "sso_email_unverified": (
            "Служба входа не подтвердила Ваш адрес электронной почты. Подтвердите его в этой "
            "службе, затем войдите снова."
        ),
        "sso_email_missing": (
            "Служба входа не передала Ваш адрес электронной почты, который необходим этому "
            "сайту, чтобы Вас узнать."
        ),
        "sso_linked_elsewhere": (
            "Учётная запись с этим адресом входит под другой учётной записью службы входа. "
            "Обратитесь к администратору."
        ),
        "sso_account_disabled": "Эта учётная запись отключена. Обратитесь к администратору.",
        "sso_invalid_account": (
            "Служба входа передала данные, которые этот сайт не может сохранить (недопустимый "
            "адрес электронной почты). Обратитесь к администратору."
        ),
    },
}
