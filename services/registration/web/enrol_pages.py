"""The page a door device opens from its enrolment QR code: it is signed in to its gate.

GET shows what the device will be signed in as and changes nothing (a link preview or a
scanner app may open it); the one button POSTs, which exchanges the code once and sends the
device to the door page with its credential in the address's fragment, which browsers never
send to a server. The pages are in the language of the link or of the browser, else English.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template

from shared.access import actor
from shared.content import InLanguage
from shared.errors import DomainError
from shared.web import CONTENT_SECURITY_POLICY, service_context

from ..ceremonies import get_ceremony
from ..devices import device_for_code, enrol_device
from .page_languages import choose_language
from .translations import local_datetime, strings_for

bp = Blueprint("enrol_pages", __name__, template_folder="templates")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "enrol_pages.enrol_page": ("GET",),
    "enrol_pages.enrol_answer": ("POST",),
}

#: The words of the enrolment pages, by language; a refusal's words under its code.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "enrol_title": "Sign in this device",
        "enrol_heading": "Sign in this device at gate {gate} of ceremony {ceremony}",
        "door_device": "Door device",
        "device": "Device",
        "gate": "Gate",
        "ceremony": "Ceremony",
        "code_valid_until": "Code valid until",
        "enrol_hint": (
            "The code works once. The door page then opens on this device, signed in at this "
            "gate until the day after the ceremony."
        ),
        "enrol_again": "Ask the protocol office for a new enrolment code for this device.",
        "enrolment_used": "This enrolment code was already used.",
        "enrolment_expired": "This enrolment code has expired.",
        "device_revoked": "This device has been revoked.",
        "ceremony_ended": "The ceremony has ended.",
        "enrolment_invalid": "This is not a valid enrolment code.",
    },
    "fr": {
        "enrol_title": "Connecter cet appareil",
        "enrol_heading": "Connecter cet appareil à l'entrée {gate} de la cérémonie {ceremony}",
        "door_device": "Appareil d'entrée",
        "device": "Appareil",
        "gate": "Entrée",
        "ceremony": "Cérémonie",
        "code_valid_until": "Code valable jusqu'au",
        "enrol_hint": (
            "Le code ne sert qu'une fois. La page d'accueil s'ouvre ensuite sur cet appareil, "
            "connecté à cette entrée jusqu'au lendemain de la cérémonie."
        ),
        "enrol_again": (
            "Veuillez demander au service du protocole un nouveau code d'enregistrement pour "
            "cet appareil."
        ),
        "enrolment_used": "Ce code d'enregistrement a déjà été utilisé.",
        "enrolment_expired": "Ce code d'enregistrement a expiré.",
        "device_revoked": "Cet appareil a été révoqué.",
        "ceremony_ended": "La cérémonie est terminée.",
        "enrolment_invalid": "Ce code d'enregistrement n'est pas valide.",
    },
    "zh": {
        "enrol_title": "登录此设备",
        "enrol_heading": "将此设备登录至仪式 {ceremony} 的 {gate} 入口",
        "door_device": "入口设备",
        "device": "设备",
        "gate": "入口",
        "ceremony": "仪式",
        "code_valid_until": "验证码有效期至",
        "enrol_hint": (
            "此验证码仅可使用一次。随后此设备将打开入口页面，并在该入口保持登录至仪式次日。"
        ),
        "enrol_again": "请向礼宾处申请此设备的新登记码。",
        "enrolment_used": "此登记码已被使用。",
        "enrolment_expired": "此登记码已过期。",
        "device_revoked": "此设备已被撤销。",
        "ceremony_ended": "仪式已经结束。",
        "enrolment_invalid": "此登记码无效。",
    },
    "ar": {
        "enrol_title": "تسجيل دخول هذا الجهاز",
        "enrol_heading": "تسجيل دخول هذا الجهاز عند المدخل {gate} لحفل {ceremony}",
        "door_device": "جهاز المدخل",
        "device": "الجهاز",
        "gate": "المدخل",
        "ceremony": "الحفل",
        "code_valid_until": "الرمز صالح حتى",
        "enrol_hint": (
            "يصلح الرمز لمرة واحدة. تُفتح بعد ذلك صفحة المدخل على هذا الجهاز، مسجَّلًا عند هذا "
            "المدخل حتى اليوم التالي للحفل."
        ),
        "enrol_again": "يُرجى طلب رمز تسجيل جديد لهذا الجهاز من مكتب المراسم.",
        "enrolment_used": "سبق استخدام رمز التسجيل هذا.",
        "enrolment_expired": "انتهت صلاحية رمز التسجيل هذا.",
        "device_revoked": "أُلغي اعتماد هذا الجهاز.",
        "ceremony_ended": "انتهى الحفل.",
        "enrolment_invalid": "هذا ليس رمز تسجيل صالحًا.",
    },
    "ru": {
        "enrol_title": "Подключить это устройство",
        "enrol_heading": "Подключить это устройство у входа {gate} церемонии «{ceremony}»",
        "door_device": "Устройство на входе",
        "device": "Устройство",
        "gate": "Вход",
        "ceremony": "Церемония",
        "code_valid_until": "Код действителен до",
        "enrol_hint": (
            "Код действует один раз. Затем на этом устройстве откроется страница входа, "
            "подключённая к этому входу до дня, следующего за церемонией."
        ),
        "enrol_again": (
            "Просим запросить в протокольной службе новый код регистрации для этого устройства."
        ),
        "enrolment_used": "Этот код регистрации уже использован.",
        "enrolment_expired": "Срок действия этого кода регистрации истёк.",
        "device_revoked": "Это устройство отозвано.",
        "ceremony_ended": "Церемония завершилась.",
        "enrolment_invalid": "Это недействительный код регистрации.",
    },
    "es": {
        "enrol_title": "Conectar este dispositivo",
        "enrol_heading": (
            "Conectar este dispositivo en la entrada {gate} de la ceremonia {ceremony}"
        ),
        "door_device": "Dispositivo de acceso",
        "device": "Dispositivo",
        "gate": "Entrada",
        "ceremony": "Ceremonia",
        "code_valid_until": "Código válido hasta",
        "enrol_hint": (
            "El código solo puede usarse una vez. A continuación se abrirá en este dispositivo "
            "la página de acceso, conectada a esta entrada hasta el día siguiente a la ceremonia."
        ),
        "enrol_again": (
            "Le rogamos que solicite a la oficina de protocolo un nuevo código de registro para "
            "este dispositivo."
        ),
        "enrolment_used": "Este código de registro ya ha sido utilizado.",
        "enrolment_expired": "Este código de registro ha caducado.",
        "device_revoked": "Este dispositivo ha sido revocado.",
        "ceremony_ended": "La ceremonia ha finalizado.",
        "enrolment_invalid": "Este código de registro no es válido.",
    },
}


@bp.get("/enrol/<code>")
def enrol_page(code: str):
    """Say which gate of which ceremony this device will be signed in at, with one button."""
    context = service_context()
    chosen = choose_language()
    lang = chosen.shown
    try:
        with context.database.transaction() as session:
            device = device_for_code(session, context.signer, code)
            ceremony = get_ceremony(session, device.ceremony_id)
            until = local_datetime(device.enrol_until, ceremony.timezone, lang)
            page = render_template(
                "enrol/enrol.html",
                device=device,
                ceremony=InLanguage(ceremony, lang),
                until=until,
                t=words_for(lang),
                lang=lang,
                language_notice=chosen.notice(),
            )
    except DomainError as refusal:
        return _refused(refusal)
    return _private(Response(page))


@bp.post("/enrol/<code>")
def enrol_answer(code: str):
    """Exchange the code, once, and open the door page signed in as this device."""
    context = service_context()
    try:
        with context.database.transaction() as session:
            _, credential = enrol_device(session, context.signer, code, actor=actor())
    except DomainError as refusal:
        return _refused(refusal)
    door = context.settings.public_urls["badges"].rstrip("/")
    return _private(redirect(f"{door}/scan#device={credential}", 303))


def words_for(lang: str) -> dict[str, str]:
    """The words of these pages in ``lang``, over the guest pages' (English fills gaps)."""
    return {**strings_for(lang), **WORDS["en"], **WORDS.get(lang.split("-")[0], {})}


def _refused(refusal: DomainError):
    lang = choose_language().shown
    t = words_for(lang)
    status = 410 if refusal.kind == "gone" else 404
    page = render_template(
        "enrol/refused.html",
        message=t.get(refusal.code, refusal.message),
        code=refusal.code,
        t=t,
        lang=lang,
    )
    return _private(Response(page, status=status))


def _private(response: Response) -> Response:
    """Keep the code and the credential out of caches, and let the button lead on to the door
    page, which the badges service may serve from another origin."""
    door = service_context().settings.public_urls["badges"].rstrip("/")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {door}"
    )
    return response
