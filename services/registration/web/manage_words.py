"""The words the guest's own page adds for a graduate: how their name sounds, and their
certificate, by language (English fills gaps)."""

from __future__ import annotations

#: Every word the graduation part of the manage page shows, by language.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "phonetic_heading": "Your name at the graduation",
        "phonetic_intro": (
            "The master of ceremonies reads each graduate's name aloud. If yours might be "
            "mispronounced, write how it sounds, in Latin letters, stressed syllables in capitals."
        ),
        "phonetic": "How your name sounds",
        "phonetic_hint": "e.g. ah-MEE-nah dee-AH-loh",
        "phonetic_save": "Save how my name sounds",
        "phonetic_saved": "Saved: the master of ceremonies will read your name this way.",
        "certificate_download": "Download your certificate (PDF)",
    },
    "fr": {
        "phonetic_heading": "Votre nom lors de la remise des diplômes",
        "phonetic_intro": (
            "Le maître de cérémonie lit à voix haute le nom de chaque lauréat. Si le vôtre "
            "risque d'être mal prononcé, indiquez comment il se prononce, en lettres latines, "
            "les syllabes accentuées en majuscules."
        ),
        "phonetic": "Prononciation de votre nom",
        "phonetic_hint": "p. ex. ah-MEE-nah dee-AH-loh",
        "phonetic_save": "Enregistrer la prononciation",
        "phonetic_saved": ("Enregistré : le maître de cérémonie lira votre nom de cette manière."),
        "certificate_download": "Télécharger votre certificat (PDF)",
    },
    "es": {
        "phonetic_heading": "Su nombre en la ceremonia de graduación",
        "phonetic_intro": (
            "El maestro de ceremonias lee en voz alta el nombre de cada graduado. Si el suyo "
            "pudiera pronunciarse mal, indique cómo suena, en letras latinas, con las sílabas "
            "tónicas en mayúsculas."
        ),
        "phonetic": "Pronunciación de su nombre",
        "phonetic_hint": "p. ej. ah-MEE-nah dee-AH-loh",
        "phonetic_save": "Guardar la pronunciación",
        "phonetic_saved": "Guardado: el maestro de ceremonias leerá su nombre de esta forma.",
        "certificate_download": "Descargar su certificado (PDF)",
    },
    "ru": {
        "phonetic_heading": "Ваше имя на церемонии выпуска",
        "phonetic_intro": (
            "Церемониймейстер зачитывает вслух имя каждого выпускника. Если Ваше имя могут "
            "произнести неправильно, укажите, как оно звучит, латинскими буквами, выделив "
            "ударные слоги заглавными буквами."
        ),
        "phonetic": "Произношение Вашего имени",
        "phonetic_hint": "например, ah-MEE-nah dee-AH-loh",
        "phonetic_save": "Сохранить произношение",
        "phonetic_saved": "Сохранено: церемониймейстер прочтёт Ваше имя именно так.",
        "certificate_download": "Скачать Ваш сертификат (PDF)",
    },
    "zh": {
        "phonetic_heading": "毕业典礼上的您的姓名",
        "phonetic_intro": (
            "司仪将逐一宣读每位毕业学员的姓名。如您的姓名可能被读错，请用拉丁字母写出其读音，"
            "重读音节用大写字母表示。"
        ),
        "phonetic": "您姓名的读音",
        "phonetic_hint": "例如 ah-MEE-nah dee-AH-loh",
        "phonetic_save": "保存姓名读音",
        "phonetic_saved": "已保存：司仪将按此读音宣读您的姓名。",
        "certificate_download": "下载您的证书（PDF）",
    },
    "ar": {
        "phonetic_heading": "اسمكم في حفل التخرج",
        "phonetic_intro": (
            "يقرأ عريف الحفل اسم كل خريج بصوت عالٍ. إذا كان اسمكم عرضة للنطق الخاطئ، "
            "فيُرجى كتابة طريقة نطقه بالحروف اللاتينية، مع كتابة المقاطع المنبورة بالأحرف الكبيرة."
        ),
        "phonetic": "طريقة نطق اسمكم",
        "phonetic_hint": "مثال: ah-MEE-nah dee-AH-loh",
        "phonetic_save": "حفظ طريقة النطق",
        "phonetic_saved": "تم الحفظ: سيقرأ عريف الحفل اسمكم بهذه الطريقة.",
        "certificate_download": "تنزيل شهادتكم (PDF)",
    },
}


def manage_words(language: str | None) -> dict[str, str]:
    """The words in ``language``, English where it has none."""
    primary = (language or "en").split("-")[0].lower()
    return {**WORDS["en"], **WORDS.get(primary, {})}
