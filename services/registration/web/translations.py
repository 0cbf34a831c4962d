"""Words of the guest pages in each offered language (English is the fallback)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "register_title": "Register",
        "full_name": "Full name",
        "email": "Email",
        "honorific": "Honorific (e.g. Dr, H.E.)",
        "organisation": "Organisation",
        "job_title": "Job title",
        "category": "I attend as",
        "needs": "Accessibility or dietary needs",
        "submit": "Register",
        "required_fields": "Fields marked * are required.",
        "languages": "Languages",
        "guest": "Guest",
        "participant": "Participant",
        "press": "Press",
        "when": "When",
        "where": "Where",
        "seats_left": "Seats left",
        "full_waitlist": "The ceremony is full: you will be placed on the waitlist.",
        "fix_errors": "Please correct the fields marked below.",
        "required": "This field is required.",
        "invalid": "This value is not valid.",
        "already_registered": "This email address is already registered for this ceremony.",
        "registration_closed": "Registration is closed: the ceremony has already started.",
        "your_registration": "Your registration",
        "status_confirmed": "Confirmed: your seat is reserved.",
        "status_waitlisted": "On the waitlist: we will write to you if a seat frees up.",
        "status_cancelled": "Cancelled.",
        "cancel": "Cancel my registration",
        "cancel_confirm": "Do you really want to cancel? Your seat will go to someone else.",
        "link_invalid": "This link is not valid or has expired.",
        "keep_link": "Keep this page's address: it is your link to manage your registration.",
        "ceremonies": "Ceremonies",
        "invitation": "Invitation",
        "invited_to": "You are cordially invited to",
        "programme": "Programme",
        "accept": "Accept",
        "decline": "Decline",
        "answer_accepted": "You have accepted. A confirmation with your badge follows by email.",
        "answer_declined": "You have declined. You may still change your answer here.",
        "answer_pending": "Please let us know whether you will attend.",
        "change_answer": "You may change your answer until the ceremony starts.",
        "rsvp_closed": "The ceremony has started: answers are closed.",
        "link_expired": "This invitation link has expired.",
        "choose_answer": "Please choose Accept or Decline.",
        "not_found": "This page does not exist.",
        "download_data": "Download what is kept about me (JSON)",
        "privacy_notice": "Privacy notice",
        "privacy_notice_read": "Read the privacy notice",
        "consent": (
            "I have read the privacy notice and agree to my data being used as it describes."
        ),
        "consent_required": "Please agree to the privacy notice to register.",
        "needs_without_notice": "This ceremony does not ask for needs.",
        "confirmation_sent": (
            "Thank you. We have sent an email to this address: follow its link to confirm "
            "your registration."
        ),
        "awaiting_approval": (
            "Thank you. Your request has been received; the organisers will write to this "
            "address once they have decided."
        ),
        "confirm_title": "Confirm your registration",
        "confirm_intro": (
            "Please confirm that you wish to attend. Your seat is reserved when you confirm."
        ),
        "confirm_button": "Confirm my registration",
        "confirm_done": "Your registration is confirmed.",
        "confirm_expired": (
            "This confirmation link has expired. Please register again from the ceremony's page."
        ),
    },
    "fr": {
        "register_title": "Inscription",
        "full_name": "Nom complet",
        "email": "Courriel",
        "honorific": "Titre (p. ex. Dr, S.E.)",
        "organisation": "Organisation",
        "job_title": "Fonction",
        "category": "Je participe en tant que",
        "needs": "Besoins d'accessibilité ou alimentaires",
        "submit": "S'inscrire",
        "required_fields": "Les champs marqués d'un * sont obligatoires.",
        "languages": "Langues",
        "guest": "Invité",
        "participant": "Participant",
        "press": "Presse",
        "when": "Date",
        "where": "Lieu",
        "seats_left": "Places restantes",
        "full_waitlist": "La cérémonie est complète : vous serez inscrit sur la liste d'attente.",
        "fix_errors": "Veuillez corriger les champs signalés ci-dessous.",
        "required": "Ce champ est obligatoire.",
        "invalid": "Cette valeur n'est pas valide.",
        "already_registered": "Cette adresse est déjà inscrite à cette cérémonie.",
        "registration_closed": "Les inscriptions sont closes : la cérémonie a commencé.",
        "your_registration": "Votre inscription",
        "status_confirmed": "Confirmée : votre place est réservée.",
        "status_waitlisted": "Sur liste d'attente : nous vous écrirons si une place se libère.",
        "status_cancelled": "Annulée.",
        "cancel": "Annuler mon inscription",
        "cancel_confirm": "Voulez-vous vraiment annuler ? Votre place ira à une autre personne.",
        "link_invalid": "Ce lien n'est pas valide ou a expiré.",
        "keep_link": "Conservez l'adresse de cette page : elle permet de gérer votre inscription.",
        "ceremonies": "Cérémonies",
        "invitation": "Invitation",
        "invited_to": "Vous êtes cordialement invité(e) à",
        "programme": "Programme",
        "accept": "Accepter",
        "decline": "Décliner",
        "answer_accepted": "Vous avez accepté. Vous recevrez une confirmation avec votre badge.",
        "answer_declined": "Vous avez décliné. Vous pouvez encore modifier votre réponse ici.",
        "answer_pending": "Merci de nous faire savoir si vous serez présent(e).",
        "change_answer": "Vous pouvez modifier votre réponse jusqu'au début de la cérémonie.",
        "rsvp_closed": "La cérémonie a commencé : les réponses sont closes.",
        "link_expired": "Ce lien d'invitation a expiré.",
        "choose_answer": "Veuillez choisir Accepter ou Décliner.",
        "not_found": "Cette page n'existe pas.",
        "download_data": "Télécharger les données me concernant (JSON)",
        "privacy_notice": "Politique de confidentialité",
        "privacy_notice_read": "Lire la politique de confidentialité",
        "consent": (
            "J'ai lu la politique de confidentialité et j'accepte que mes données soient "
            "utilisées comme elle le décrit."
        ),
        "consent_required": "Veuillez accepter la politique de confidentialité pour vous inscrire.",
        "needs_without_notice": "Cette cérémonie ne demande pas de besoins particuliers.",
        "confirmation_sent": (
            "Merci. Nous avons envoyé un courriel à cette adresse : suivez son lien pour "
            "confirmer votre inscription."
        ),
        "awaiting_approval": (
            "Merci. Votre demande a bien été reçue ; les organisateurs vous écriront à cette "
            "adresse dès qu'ils auront décidé."
        ),
        "confirm_title": "Confirmez votre inscription",
        "confirm_intro": (
            "Merci de confirmer votre participation. Votre place est réservée dès votre "
            "confirmation."
        ),
        "confirm_button": "Confirmer mon inscription",
        "confirm_done": "Votre inscription est confirmée.",
        "confirm_expired": (
            "Ce lien de confirmation a expiré. Veuillez vous inscrire de nouveau depuis la "
            "page de la cérémonie."
        ),
    },
    "zh": {
        "register_title": "报名",
        "full_name": "姓名",
        "email": "电子邮箱",
        "honorific": "尊称（如 博士、阁下）",
        "organisation": "单位",
        "job_title": "职务",
        "category": "参加身份",
        "needs": "无障碍或饮食需求",
        "submit": "提交报名",
        "required_fields": "标有 * 的为必填项。",
        "languages": "语言",
        "guest": "嘉宾",
        "participant": "学员",
        "press": "媒体",
        "when": "时间",
        "where": "地点",
        "seats_left": "剩余席位",
        "full_waitlist": "仪式名额已满：您将进入候补名单。",
        "fix_errors": "请更正下方标出的字段。",
        "required": "此项为必填项。",
        "invalid": "此项内容无效。",
        "already_registered": "该电子邮箱已报名参加本次仪式。",
        "registration_closed": "报名已截止：仪式已经开始。",
        "your_registration": "您的报名",
        "status_confirmed": "已确认：已为您保留席位。",
        "status_waitlisted": "候补中：如有空位，我们将通知您。",
        "status_cancelled": "已取消。",
        "cancel": "取消报名",
        "cancel_confirm": "确定要取消吗？您的席位将让给他人。",
        "link_invalid": "此链接无效或已过期。",
        "keep_link": "请保存本页地址：可通过它管理您的报名。",
        "ceremonies": "仪式",
        "invitation": "邀请函",
        "invited_to": "诚挚邀请您出席",
        "programme": "议程",
        "accept": "接受",
        "decline": "谢绝",
        "answer_accepted": "您已接受邀请。附有胸卡的确认邮件将随后发送给您。",
        "answer_declined": "您已谢绝邀请。您仍可在此更改答复。",
        "answer_pending": "请告知您是否出席。",
        "change_answer": "仪式开始前，您可随时更改答复。",
        "rsvp_closed": "仪式已经开始，答复已截止。",
        "link_expired": "此邀请链接已过期。",
        "choose_answer": "请选择接受或谢绝。",
        "not_found": "页面不存在。",
        "download_data": "下载与我有关的数据（JSON）",
        "privacy_notice": "隐私声明",
        "privacy_notice_read": "阅读隐私声明",
        "consent": "我已阅读隐私声明，并同意按其所述使用我的个人信息。",
        "consent_required": "请同意隐私声明后再报名。",
        "needs_without_notice": "本次仪式不收集特殊需求。",
        "confirmation_sent": "谢谢。我们已向该邮箱发送邮件，请点击邮件中的链接确认报名。",
        "awaiting_approval": "谢谢。您的申请已收到，主办方作出决定后将通过该邮箱通知您。",
        "confirm_title": "确认报名",
        "confirm_intro": "请确认您将出席。确认后即为您保留席位。",
        "confirm_button": "确认报名",
        "confirm_done": "您的报名已确认。",
        "confirm_expired": "此确认链接已过期，请在仪式页面重新报名。",
    },
}

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "zh": "中文"}


def words_language(language: str | None) -> str:
    """The language whose words a page in ``language`` is shown in: its own, else English."""
    primary = (language or "en").split("-")[0].lower()
    return primary if primary in STRINGS else "en"


def local_datetime(value: datetime, timezone: str, *languages: str | None) -> str:
    """A full date and time in the ceremony's zone, in the first of ``languages`` that Babel
    knows (then English): an invitee's language tag may be one it has no data for."""
    for language in languages:
        try:
            locale = Locale.parse((language or "").replace("-", "_"))
            break
        except (ValueError, TypeError, UnknownLocaleError):
            continue
    else:
        locale = Locale("en")
    return format_datetime(value, "full", tzinfo=ZoneInfo(timezone), locale=locale)


def strings_for(language: str | None) -> dict[str, str]:
    """The page words in ``language`` (its primary subtag), falling back to English."""
    primary = (language or "en").split("-")[0].lower()
    return {**STRINGS["en"], **STRINGS.get(primary, {})}


def pick_language(requested: str | None, offered: list[str], default: str) -> str:
    """The requested language if the ceremony offers it and we have its words; else the default."""
    choices = [lang for lang in offered if lang.split("-")[0] in STRINGS] or ["en"]
    if requested and requested in choices:
        return requested
    return default if default in choices else choices[0]
