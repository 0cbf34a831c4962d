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
        "seat": "Your seat",
        "seats_left": "Seats left",
        "full_waitlist": "The ceremony is full: you will be placed on the waitlist.",
        "fix_errors": "Please correct the fields marked below.",
        "required": "This field is required.",
        "invalid": "This value is not valid.",
        "invalid_email": "Enter an email address such as name@example.org.",
        "needs_letter": "A name must contain at least one letter.",
        "too_long": "This is too long.",
        "single_line": "Remove the line breaks and invisible characters.",
        "latin_only": "Write the name in Latin letters.",
        "bad_language": "Choose a language from the list.",
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
        "host": "Invited by",
        "dress_code": "Dress code",
        "arrival_instructions": "On arrival",
        "reply_by": "Please reply by",
        "allows_companions": "You may bring up to {n} companions.",
        "allows_one_companion": "You may bring one companion.",
        "allows_representative": "If you cannot attend, you may send someone in your place.",
        "accept_title": "I will attend",
        "companions_title": "My companions",
        "companions_hint": (
            "Leave a companion's fields empty if you come with fewer. Each person you name "
            "receives their own confirmation and badge by email."
        ),
        "companion_n": "Companion {n}",
        "given_name": "Given name",
        "family_name": "Family name",
        "language": "Language",
        "represent_title": "Someone will attend in my place",
        "represent_intro": (
            "Name the person who will attend in your place: the seat, the badge and the "
            "confirmation will be theirs."
        ),
        "represent": "Send my representative",
        "decline_title": "I cannot attend",
        "regrets": "A message with your regrets (optional)",
        "answer_represented": (
            "{name} will attend in your place. A confirmation with the badge follows by email to "
            "them."
        ),
        "companions_named": "Your companions:",
        "your_regrets": "Your message:",
        "answered_late": "Your answer came after the reply-by date; it is recorded all the same.",
        "name_required": "Please give the person's given or family name.",
        "delegate_email_taken": (
            "This address is already invited to or registered for this ceremony, or it is your "
            "own: each person needs an address of their own."
        ),
        "too_many_companions": "This invitation does not allow so many companions.",
        "representative_not_allowed": "This invitation does not allow a representative.",
        "not_offered_invitation": (
            "This invitation is not available in {asked}; it is shown in {shown}."
        ),
        "not_offered_page": "This page is not available in {asked}; it is shown in {shown}.",
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
        "seat": "Votre place",
        "seats_left": "Places restantes",
        "full_waitlist": "La cérémonie est complète : vous serez inscrit sur la liste d'attente.",
        "fix_errors": "Veuillez corriger les champs signalés ci-dessous.",
        "required": "Ce champ est obligatoire.",
        "invalid": "Cette valeur n'est pas valide.",
        "invalid_email": "Saisissez une adresse électronique telle que nom@exemple.org.",
        "needs_letter": "Un nom doit comporter au moins une lettre.",
        "too_long": "Ce texte est trop long.",
        "single_line": "Retirez les retours à la ligne et les caractères invisibles.",
        "latin_only": "Écrivez le nom en lettres latines.",
        "bad_language": "Choisissez une langue dans la liste.",
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
        "host": "Sur l'invitation de",
        "dress_code": "Tenue",
        "arrival_instructions": "À l'arrivée",
        "reply_by": "Merci de répondre avant le",
        "allows_companions": "Vous pouvez venir accompagné(e) de {n} personnes au plus.",
        "allows_one_companion": "Vous pouvez venir accompagné(e) d'une personne.",
        "allows_representative": "Si vous ne pouvez pas venir, vous pouvez vous faire représenter.",
        "accept_title": "Je serai présent(e)",
        "companions_title": "Mes accompagnants",
        "companions_hint": (
            "Laissez vides les champs d'un accompagnant si vous venez avec moins de personnes. "
            "Chaque personne nommée reçoit par courriel sa propre confirmation et son badge."
        ),
        "companion_n": "Accompagnant {n}",
        "given_name": "Prénom",
        "family_name": "Nom de famille",
        "language": "Langue",
        "represent_title": "Une personne me représentera",
        "represent_intro": (
            "Indiquez la personne qui viendra à votre place : la place, le badge et la "
            "confirmation seront les siens."
        ),
        "represent": "Envoyer mon représentant",
        "decline_title": "Je ne pourrai pas être présent(e)",
        "regrets": "Un message d'excuses (facultatif)",
        "answer_represented": (
            "{name} vous représentera. Une confirmation avec le badge lui sera envoyée par "
            "courriel."
        ),
        "companions_named": "Vos accompagnants :",
        "your_regrets": "Votre message :",
        "answered_late": (
            "Votre réponse est arrivée après la date demandée ; elle est néanmoins enregistrée."
        ),
        "name_required": "Veuillez indiquer le prénom ou le nom de la personne.",
        "delegate_email_taken": (
            "Cette adresse est déjà invitée ou inscrite à cette cérémonie, ou c'est la vôtre : "
            "chaque personne a besoin de sa propre adresse."
        ),
        "too_many_companions": "Cette invitation ne permet pas autant d'accompagnants.",
        "representative_not_allowed": "Cette invitation ne permet pas de se faire représenter.",
        "not_offered_invitation": (
            "Cette invitation n'est pas disponible en {asked} ; elle est présentée en {shown}."
        ),
        "not_offered_page": (
            "Cette page n'est pas disponible en {asked} ; elle est présentée en {shown}."
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
        "seat": "您的座位",
        "seats_left": "剩余席位",
        "full_waitlist": "仪式名额已满：您将进入候补名单。",
        "fix_errors": "请更正下方标出的字段。",
        "required": "此项为必填项。",
        "invalid": "此项内容无效。",
        "invalid_email": "请输入有效的电子邮件地址，例如 name@example.org。",
        "needs_letter": "姓名至少须包含一个字。",
        "too_long": "内容过长。",
        "single_line": "请删除换行符和不可见字符。",
        "latin_only": "请用拉丁字母书写姓名。",
        "bad_language": "请从列表中选择一种语言。",
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
        "host": "邀请人",
        "dress_code": "着装要求",
        "arrival_instructions": "抵达须知",
        "reply_by": "请于此日期前答复",
        "allows_companions": "您最多可携带 {n} 位随行人员。",
        "allows_one_companion": "您可携带一位随行人员。",
        "allows_representative": "如您无法出席，可委派一位代表代您出席。",
        "accept_title": "我将出席",
        "companions_title": "我的随行人员",
        "companions_hint": (
            "如随行人员较少，请将多余的栏目留空。每位随行人员都将通过电子邮件收到各自的确"
            "认函和胸卡。"
        ),
        "companion_n": "随行人员 {n}",
        "given_name": "名",
        "family_name": "姓",
        "language": "语言",
        "represent_title": "由代表代我出席",
        "represent_intro": "请填写代您出席的人员：席位、胸卡和确认函都将归其本人。",
        "represent": "委派代表",
        "decline_title": "我无法出席",
        "regrets": "致歉留言（可选）",
        "answer_represented": "{name} 将代您出席，附有胸卡的确认邮件将发送给其本人。",
        "companions_named": "您的随行人员：",
        "your_regrets": "您的留言：",
        "answered_late": "您的答复晚于答复截止日期，但已照常记录。",
        "name_required": "请填写此人的姓或名。",
        "delegate_email_taken": (
            "此地址已受邀或已报名参加本仪式，或为您本人的地址：每位人员需使用各自的地址。"
        ),
        "too_many_companions": "此邀请不允许携带这么多随行人员。",
        "representative_not_allowed": "此邀请不允许委派代表。",
        "not_offered_invitation": "本邀请函未提供{asked}版本，现以{shown}呈现。",
        "not_offered_page": "本页面未提供{asked}版本，现以{shown}呈现。",
    },
    "ar": {
        "register_title": "التسجيل",
        "full_name": "الاسم الكامل",
        "email": "البريد الإلكتروني",
        "honorific": "اللقب (مثل: د.، سعادة)",
        "organisation": "الجهة",
        "job_title": "المسمى الوظيفي",
        "category": "صفة الحضور",
        "needs": "احتياجات تتعلق بإمكانية الوصول أو بالنظام الغذائي",
        "submit": "التسجيل",
        "required_fields": "الحقول المشار إليها بعلامة * إلزامية.",
        "languages": "اللغات",
        "guest": "ضيف",
        "participant": "مشارك",
        "press": "صحافة",
        "when": "الموعد",
        "where": "المكان",
        "seat": "مقعدكم",
        "seats_left": "المقاعد المتبقية",
        "full_waitlist": "اكتمل عدد الحضور في الحفل: ستُدرج أسماؤكم في قائمة الانتظار.",
        "fix_errors": "يُرجى تصحيح الحقول المشار إليها أدناه.",
        "required": "هذا الحقل إلزامي.",
        "invalid": "هذه القيمة غير صالحة.",
        "invalid_email": "يُرجى إدخال عنوان بريد إلكتروني مثل name@example.org.",
        "needs_letter": "يجب أن يتضمن الاسم حرفًا واحدًا على الأقل.",
        "too_long": "هذا النص طويل جدًا.",
        "single_line": "يُرجى حذف فواصل الأسطر والأحرف غير المرئية.",
        "latin_only": "يُرجى كتابة الاسم بالحروف اللاتينية.",
        "bad_language": "يُرجى اختيار لغة من القائمة.",
        "already_registered": "هذا العنوان الإلكتروني مسجَّل بالفعل في هذا الحفل.",
        "registration_closed": "أُغلق باب التسجيل: لقد بدأ الحفل.",
        "your_registration": "تسجيلكم",
        "status_confirmed": "مؤكَّد: مقعدكم محجوز.",
        "status_waitlisted": "في قائمة الانتظار: سنكتب إليكم إذا شغر مقعد.",
        "status_cancelled": "ملغى.",
        "cancel": "إلغاء تسجيلي",
        "cancel_confirm": "هل تودّون حقًا إلغاء التسجيل؟ سيُمنح مقعدكم لشخص آخر.",
        "link_invalid": "هذا الرابط غير صالح أو انتهت صلاحيته.",
        "keep_link": "يُرجى الاحتفاظ بعنوان هذه الصفحة: فهو رابطكم لإدارة تسجيلكم.",
        "ceremonies": "الاحتفالات",
        "invitation": "دعوة",
        "invited_to": "يتشرف بدعوتكم إلى حضور",
        "programme": "البرنامج",
        "accept": "قبول",
        "decline": "اعتذار",
        "answer_accepted": "لقد قبلتم الدعوة. سيصلكم تأكيد مع بطاقتكم بالبريد الإلكتروني.",
        "answer_declined": "لقد اعتذرتم عن الحضور. لا يزال بإمكانكم تغيير ردّكم هنا.",
        "answer_pending": "يُرجى إعلامنا بما إذا كنتم ستحضرون.",
        "change_answer": "يمكنكم تغيير ردّكم حتى بدء الحفل.",
        "rsvp_closed": "لقد بدأ الحفل: أُغلق باب الردود.",
        "link_expired": "انتهت صلاحية رابط هذه الدعوة.",
        "choose_answer": "يُرجى اختيار القبول أو الاعتذار.",
        "not_found": "هذه الصفحة غير موجودة.",
        "download_data": "تنزيل البيانات المحفوظة عني (JSON)",
        "privacy_notice": "إشعار الخصوصية",
        "privacy_notice_read": "قراءة إشعار الخصوصية",
        "consent": (
            "لقد اطّلعت على إشعار الخصوصية وأوافق على استخدام بياناتي على النحو المبيَّن فيه."
        ),
        "consent_required": "يُرجى الموافقة على إشعار الخصوصية لإتمام التسجيل.",
        "needs_without_notice": "لا يطلب هذا الحفل بيان أي احتياجات.",
        "confirmation_sent": (
            "شكرًا لكم. أرسلنا رسالة إلى هذا العنوان: يُرجى اتباع الرابط الوارد فيها لتأكيد تسجيلكم."
        ),
        "awaiting_approval": (
            "شكرًا لكم. لقد تسلّمنا طلبكم، وسيكتب إليكم المنظمون على هذا العنوان فور البتّ فيه."
        ),
        "confirm_title": "تأكيد تسجيلكم",
        "confirm_intro": "يُرجى تأكيد رغبتكم في الحضور. يُحجز مقعدكم عند التأكيد.",
        "confirm_button": "تأكيد تسجيلي",
        "confirm_done": "تم تأكيد تسجيلكم.",
        "confirm_expired": ("انتهت صلاحية رابط التأكيد هذا. يُرجى التسجيل مجددًا من صفحة الحفل."),
        "host": "بدعوة من",
        "dress_code": "اللباس",
        "arrival_instructions": "عند الوصول",
        "reply_by": "يُرجى الرد في موعد أقصاه",
        "allows_companions": "يمكنكم اصطحاب مرافقين لا يتجاوز عددهم {n}.",
        "allows_one_companion": "يمكنكم اصطحاب مرافق واحد.",
        "allows_representative": "إذا تعذّر عليكم الحضور، يمكنكم إيفاد من ينوب عنكم.",
        "accept_title": "سأحضر",
        "companions_title": "مرافقيّ",
        "companions_hint": (
            "اتركوا حقول المرافق فارغة إذا كان عدد مرافقيكم أقل. يتلقى كل شخص تذكرون اسمه "
            "تأكيده وبطاقته بالبريد الإلكتروني."
        ),
        "companion_n": "المرافق {n}",
        "given_name": "الاسم الشخصي",
        "family_name": "اسم العائلة",
        "language": "اللغة",
        "represent_title": "سيحضر شخص نيابةً عني",
        "represent_intro": (
            "يُرجى ذكر الشخص الذي سيحضر نيابةً عنكم: سيكون المقعد والبطاقة والتأكيد باسمه."
        ),
        "represent": "إيفاد من ينوب عني",
        "decline_title": "يتعذّر عليّ الحضور",
        "regrets": "رسالة اعتذار (اختيارية)",
        "answer_represented": (
            "سيحضر {name} نيابةً عنكم. سيصله تأكيد مع البطاقة بالبريد الإلكتروني."
        ),
        "companions_named": "مرافقوكم:",
        "your_regrets": "رسالتكم:",
        "answered_late": "وصل ردّكم بعد الموعد المحدد للرد؛ وقد سُجِّل مع ذلك.",
        "name_required": "يُرجى ذكر الاسم الشخصي للشخص أو اسم عائلته.",
        "delegate_email_taken": (
            "هذا العنوان مدعوّ بالفعل إلى هذا الحفل أو مسجَّل فيه، أو هو عنوانكم: يحتاج كل "
            "شخص إلى عنوان خاص به."
        ),
        "too_many_companions": "لا تسمح هذه الدعوة بهذا العدد من المرافقين.",
        "representative_not_allowed": "لا تسمح هذه الدعوة بإيفاد من ينوب عنكم.",
        "not_offered_invitation": "هذه الدعوة غير متاحة باللغة {asked}؛ وهي معروضة باللغة {shown}.",
        "not_offered_page": "هذه الصفحة غير متاحة باللغة {asked}؛ وهي معروضة باللغة {shown}.",
    },
    "es": {
        "register_title": "Inscripción",
        "full_name": "Nombre completo",
        "email": "Correo electrónico",
        "honorific": "Tratamiento (p. ej., Dr., Excmo.)",
        "organisation": "Organización",
        "job_title": "Cargo",
        "category": "Asisto en calidad de",
        "needs": "Necesidades de accesibilidad o alimentarias",
        "submit": "Inscribirse",
        "required_fields": "Los campos marcados con * son obligatorios.",
        "languages": "Idiomas",
        "guest": "Invitado",
        "participant": "Participante",
        "press": "Prensa",
        "when": "Fecha",
        "where": "Lugar",
        "seat": "Su asiento",
        "seats_left": "Plazas disponibles",
        "full_waitlist": "La ceremonia está completa: se le incluirá en la lista de espera.",
        "fix_errors": "Le rogamos que corrija los campos señalados a continuación.",
        "required": "Este campo es obligatorio.",
        "invalid": "Este valor no es válido.",
        "invalid_email": "Introduzca una dirección de correo electrónico como nombre@ejemplo.org.",
        "needs_letter": "Un nombre debe contener al menos una letra.",
        "too_long": "Este texto es demasiado largo.",
        "single_line": "Elimine los saltos de línea y los caracteres invisibles.",
        "latin_only": "Escriba el nombre en caracteres latinos.",
        "bad_language": "Elija un idioma de la lista.",
        "already_registered": "Esta dirección ya está inscrita en esta ceremonia.",
        "registration_closed": "La inscripción está cerrada: la ceremonia ya ha comenzado.",
        "your_registration": "Su inscripción",
        "status_confirmed": "Confirmada: su plaza está reservada.",
        "status_waitlisted": "En lista de espera: le escribiremos si queda libre una plaza.",
        "status_cancelled": "Cancelada.",
        "cancel": "Cancelar mi inscripción",
        "cancel_confirm": "¿Desea realmente cancelar? Su plaza se asignará a otra persona.",
        "link_invalid": "Este enlace no es válido o ha caducado.",
        "keep_link": (
            "Conserve la dirección de esta página: es su enlace para gestionar su inscripción."
        ),
        "ceremonies": "Ceremonias",
        "invitation": "Invitación",
        "invited_to": "Tenemos el honor de invitarle a",
        "programme": "Programa",
        "accept": "Aceptar",
        "decline": "Declinar",
        "answer_accepted": "Ha aceptado. Recibirá por correo una confirmación con su acreditación.",
        "answer_declined": "Ha declinado la invitación. Aún puede modificar su respuesta aquí.",
        "answer_pending": "Le rogamos que nos indique si asistirá.",
        "change_answer": "Puede modificar su respuesta hasta el comienzo de la ceremonia.",
        "rsvp_closed": "La ceremonia ha comenzado: ya no se admiten respuestas.",
        "link_expired": "Este enlace de invitación ha caducado.",
        "choose_answer": "Le rogamos que elija Aceptar o Declinar.",
        "not_found": "Esta página no existe.",
        "download_data": "Descargar los datos que se conservan sobre mí (JSON)",
        "privacy_notice": "Aviso de privacidad",
        "privacy_notice_read": "Leer el aviso de privacidad",
        "consent": (
            "He leído el aviso de privacidad y acepto que mis datos se utilicen tal como en él "
            "se describe."
        ),
        "consent_required": "Le rogamos que acepte el aviso de privacidad para inscribirse.",
        "needs_without_notice": "Esta ceremonia no solicita necesidades particulares.",
        "confirmation_sent": (
            "Muchas gracias. Hemos enviado un mensaje a esta dirección: siga el enlace que "
            "contiene para confirmar su inscripción."
        ),
        "awaiting_approval": (
            "Muchas gracias. Hemos recibido su solicitud; los organizadores le escribirán a esta "
            "dirección en cuanto hayan decidido."
        ),
        "confirm_title": "Confirme su inscripción",
        "confirm_intro": (
            "Le rogamos que confirme su asistencia. Su plaza quedará reservada al confirmar."
        ),
        "confirm_button": "Confirmar mi inscripción",
        "confirm_done": "Su inscripción está confirmada.",
        "confirm_expired": (
            "Este enlace de confirmación ha caducado. Le rogamos que se inscriba de nuevo desde "
            "la página de la ceremonia."
        ),
        "host": "Por invitación de",
        "dress_code": "Vestimenta",
        "arrival_instructions": "A su llegada",
        "reply_by": "Se ruega responder antes del",
        "allows_companions": "Puede asistir acompañado de hasta {n} personas.",
        "allows_one_companion": "Puede asistir acompañado de una persona.",
        "allows_representative": "Si no puede asistir, puede enviar a una persona en su lugar.",
        "accept_title": "Asistiré",
        "companions_title": "Mis acompañantes",
        "companions_hint": (
            "Deje vacíos los campos de un acompañante si asiste con menos personas. Cada persona "
            "indicada recibirá por correo su propia confirmación y su acreditación."
        ),
        "companion_n": "Acompañante {n}",
        "given_name": "Nombre",
        "family_name": "Apellidos",
        "language": "Idioma",
        "represent_title": "Una persona asistirá en mi lugar",
        "represent_intro": (
            "Indique la persona que asistirá en su lugar: la plaza, la acreditación y la "
            "confirmación serán suyas."
        ),
        "represent": "Enviar a mi representante",
        "decline_title": "No podré asistir",
        "regrets": "Un mensaje de disculpa (opcional)",
        "answer_represented": (
            "{name} asistirá en su lugar. Recibirá por correo una confirmación con la acreditación."
        ),
        "companions_named": "Sus acompañantes:",
        "your_regrets": "Su mensaje:",
        "answered_late": (
            "Su respuesta llegó después de la fecha indicada; no obstante, ha quedado registrada."
        ),
        "name_required": "Le rogamos que indique el nombre o los apellidos de la persona.",
        "delegate_email_taken": (
            "Esta dirección ya está invitada o inscrita en esta ceremonia, o es la suya: cada "
            "persona necesita su propia dirección."
        ),
        "too_many_companions": "Esta invitación no admite tantos acompañantes.",
        "representative_not_allowed": "Esta invitación no admite representante.",
        "not_offered_invitation": (
            "Esta invitación no está disponible en {asked}; se presenta en {shown}."
        ),
        "not_offered_page": "Esta página no está disponible en {asked}; se presenta en {shown}.",
    },
    "ru": {
        "register_title": "Регистрация",
        "full_name": "Полное имя",
        "email": "Электронная почта",
        "honorific": "Обращение (например, д-р, Е.П.)",
        "organisation": "Организация",
        "job_title": "Должность",
        "category": "Я участвую в качестве",
        "needs": "Потребности в доступной среде или питании",
        "submit": "Зарегистрироваться",
        "required_fields": "Поля, отмеченные *, обязательны для заполнения.",
        "languages": "Языки",
        "guest": "Гость",
        "participant": "Участник",
        "press": "Пресса",
        "when": "Дата и время",
        "where": "Место",
        "seat": "Ваше место",
        "seats_left": "Свободных мест",
        "full_waitlist": "Все места заняты: Вы будете включены в лист ожидания.",
        "fix_errors": "Просим исправить отмеченные ниже поля.",
        "required": "Это поле обязательно для заполнения.",
        "invalid": "Это значение недопустимо.",
        "invalid_email": "Укажите адрес электронной почты, например name@example.org.",
        "needs_letter": "Имя должно содержать хотя бы одну букву.",
        "too_long": "Текст слишком длинный.",
        "single_line": "Удалите переносы строк и невидимые символы.",
        "latin_only": "Напишите имя латинскими буквами.",
        "bad_language": "Выберите язык из списка.",
        "already_registered": "Этот адрес уже зарегистрирован на данную церемонию.",
        "registration_closed": "Регистрация закрыта: церемония уже началась.",
        "your_registration": "Ваша регистрация",
        "status_confirmed": "Подтверждена: место за Вами закреплено.",
        "status_waitlisted": "В листе ожидания: мы сообщим Вам, если освободится место.",
        "status_cancelled": "Отменена.",
        "cancel": "Отменить мою регистрацию",
        "cancel_confirm": (
            "Вы действительно хотите отменить регистрацию? Ваше место будет передано другому лицу."
        ),
        "link_invalid": "Эта ссылка недействительна или срок её действия истёк.",
        "keep_link": (
            "Сохраните адрес этой страницы: по нему Вы можете управлять своей регистрацией."
        ),
        "ceremonies": "Церемонии",
        "invitation": "Приглашение",
        "invited_to": "Имеем честь пригласить Вас на",
        "programme": "Программа",
        "accept": "Принять",
        "decline": "Отклонить",
        "answer_accepted": (
            "Вы приняли приглашение. Подтверждение с Вашим бейджем будет направлено по "
            "электронной почте."
        ),
        "answer_declined": (
            "Вы отклонили приглашение. Вы по-прежнему можете изменить свой ответ здесь."
        ),
        "answer_pending": "Просим сообщить, сможете ли Вы присутствовать.",
        "change_answer": "Вы можете изменить свой ответ до начала церемонии.",
        "rsvp_closed": "Церемония началась: приём ответов закрыт.",
        "link_expired": "Срок действия этой ссылки на приглашение истёк.",
        "choose_answer": "Просим выбрать «Принять» или «Отклонить».",
        "not_found": "Эта страница не существует.",
        "download_data": "Скачать хранящиеся обо мне данные (JSON)",
        "privacy_notice": "Уведомление о конфиденциальности",
        "privacy_notice_read": "Прочитать уведомление о конфиденциальности",
        "consent": (
            "Я ознакомился(-ась) с уведомлением о конфиденциальности и согласен(-на) на "
            "использование моих данных в соответствии с ним."
        ),
        "consent_required": "Для регистрации просим принять уведомление о конфиденциальности.",
        "needs_without_notice": (
            "Сведения об особых потребностях для этой церемонии не запрашиваются."
        ),
        "confirmation_sent": (
            "Благодарим Вас. Мы направили письмо на этот адрес: для подтверждения регистрации "
            "перейдите по ссылке в нём."
        ),
        "awaiting_approval": (
            "Благодарим Вас. Ваша заявка получена; организаторы напишут Вам на этот адрес, как "
            "только примут решение."
        ),
        "confirm_title": "Подтвердите регистрацию",
        "confirm_intro": (
            "Просим подтвердить Ваше участие. Место будет закреплено за Вами после подтверждения."
        ),
        "confirm_button": "Подтвердить мою регистрацию",
        "confirm_done": "Ваша регистрация подтверждена.",
        "confirm_expired": (
            "Срок действия этой ссылки для подтверждения истёк. Просим зарегистрироваться "
            "повторно на странице церемонии."
        ),
        "host": "Приглашает",
        "dress_code": "Форма одежды",
        "arrival_instructions": "По прибытии",
        "reply_by": "Просим ответить до",
        "allows_companions": "Вы можете прийти в сопровождении не более {n} лиц.",
        "allows_one_companion": "Вы можете прийти в сопровождении одного лица.",
        "allows_representative": (
            "Если Вы не сможете присутствовать, Вы можете направить вместо себя другое лицо."
        ),
        "accept_title": "Я буду присутствовать",
        "companions_title": "Сопровождающие меня лица",
        "companions_hint": (
            "Оставьте поля сопровождающего пустыми, если Вас будет сопровождать меньше лиц. "
            "Каждое названное лицо получит по электронной почте собственное подтверждение и бейдж."
        ),
        "companion_n": "Сопровождающее лицо {n}",
        "given_name": "Имя",
        "family_name": "Фамилия",
        "language": "Язык",
        "represent_title": "Вместо меня будет присутствовать другое лицо",
        "represent_intro": (
            "Укажите лицо, которое будет присутствовать вместо Вас: место, бейдж и "
            "подтверждение будут оформлены на него."
        ),
        "represent": "Направить моего представителя",
        "decline_title": "Я не смогу присутствовать",
        "regrets": "Сообщение с извинениями (необязательно)",
        "answer_represented": (
            "{name} будет присутствовать вместо Вас. Подтверждение с бейджем будет направлено "
            "этому лицу по электронной почте."
        ),
        "companions_named": "Сопровождающие Вас лица:",
        "your_regrets": "Ваше сообщение:",
        "answered_late": (
            "Ваш ответ поступил после указанного срока; тем не менее он зарегистрирован."
        ),
        "name_required": "Просим указать имя или фамилию этого лица.",
        "delegate_email_taken": (
            "Этот адрес уже приглашён или зарегистрирован на эту церемонию либо является Вашим "
            "собственным: у каждого лица должен быть свой адрес."
        ),
        "too_many_companions": "Это приглашение не допускает такого числа сопровождающих лиц.",
        "representative_not_allowed": "Это приглашение не допускает направления представителя.",
        "not_offered_invitation": (
            "Настоящее приглашение недоступно на языке «{asked}»; оно представлено на языке "
            "«{shown}»."
        ),
        "not_offered_page": (
            "Настоящая страница недоступна на языке «{asked}»; она представлена на языке «{shown}»."
        ),
    },
}

#: Each language of the pages in its own name, in the order the language switch lists them.
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "zh": "中文",
    "ar": "العربية",
    "ru": "Русский",
    "es": "Español",
}
#: The languages the pages have words in.
PAGE_LANGUAGES = list(LANGUAGE_NAMES)


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
