"""The words of the sign-in, password and sign-out pages, by language (English fills gaps)."""

from __future__ import annotations

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
    "ar": {
        "sign_in_title": "تسجيل الدخول",
        "sign_in_button": "تسجيل الدخول",
        "password": "كلمة المرور",
        "forgot_link": "هل نسيتم كلمة المرور؟",
        "sso_button": "تسجيل الدخول عبر {name}",
        "signed_in_as": "أنتم مسجَّلو الدخول باسم {name}.",
        "continue": "متابعة",
        "sign_out": "تسجيل الخروج",
        "signed_out": "تم تسجيل خروجكم.",
        "code_title": "تسجيل الدخول على خطوتين",
        "code_intro": (
            "يُرجى إدخال الرمز المكوَّن من 6 أرقام الذي يعرضه تطبيق المصادقة، أو أحد رموز "
            "الاسترداد الخاصة بكم."
        ),
        "code_label": "الرمز",
        "code_hint": "6 أرقام، أو رمز استرداد مثل abcde-fghjk",
        "start_over": "البدء من جديد",
        "second_step_expired": "استغرق تسجيل الدخول وقتًا طويلًا: يُرجى إدخال كلمة المرور مجددًا.",
        "invalid_credentials": "عنوان البريد الإلكتروني أو كلمة المرور غير صحيحين.",
        "code_required": "يُرجى إدخال الرمز الذي يعرضه تطبيق المصادقة.",
        "invalid_code": "هذا الرمز غير صحيح، أو سبق استخدامه.",
        "locked_out": (
            "تجاوزتم عدد المحاولات المسموح به: هذا الحساب مقفل. يُرجى المحاولة مجددًا بعد "
            "{minutes} دقيقة."
        ),
        "account_disabled": "هذا الحساب معطَّل. يُرجى التواصل مع أحد المسؤولين.",
        "local_passwords_disabled": "تسجيل الدخول بكلمة المرور غير مفعَّل هنا.",
        "csrf_failed": "تعذّر التحقق من هذا النموذج: يُرجى إعادة تحميل الصفحة والمحاولة مجددًا.",
        "sign_in": "تسجيل الدخول",
        "forgot_title": "نسيان كلمة المرور",
        "forgot_intro": (
            "يُرجى إدخال عنوان البريد الإلكتروني لحسابكم: سنرسل إليه رابطًا لتعيين كلمة مرور جديدة."
        ),
        "send_link": "إرسال الرابط",
        "reset_sent": (
            "إذا كان ثمة حساب لهذا العنوان، فإن رسالة تتضمن رابطًا في طريقها إليه. الرابط صالح "
            "لمدة ساعة واحدة."
        ),
        "password_title": "تعيين كلمة المرور",
        "password_intro_reset": "يُرجى اختيار كلمة مرور جديدة للحساب {email}.",
        "password_intro_welcome": "مرحبًا بكم، {name}. يُرجى اختيار كلمة مرور لحسابكم {email}.",
        "new_password": "كلمة المرور الجديدة",
        "password_hint": "{count} حرفًا على الأقل. بضع كلمات لا رابط بينها تصنع كلمة مرور قوية.",
        "repeat_password": "تكرار كلمة المرور",
        "save_password": "حفظ كلمة المرور",
        "password_too_short": "يُرجى استخدام {count} حرفًا على الأقل.",
        "passwords_differ": "كلمتا المرور غير متطابقتين.",
        "password_set": "تم تعيين كلمة المرور الخاصة بكم، وأنتم الآن مسجَّلو الدخول.",
        "go_to_console": "الانتقال إلى وحدة التحكم",
        "link_expired": "انتهت صلاحية هذا الرابط. يُرجى طلب رابط جديد.",
        "link_used": "سبق استخدام هذا الرابط، أو أُرسل رابط أحدث منه. يُرجى طلب رابط جديد.",
        "link_invalid": "هذا الرابط غير صالح.",
        "ask_again": "طلب رابط جديد",
    },
    "es": {
        "sign_in_title": "Inicio de sesión",
        "sign_in_button": "Iniciar sesión",
        "password": "Contraseña",
        "forgot_link": "¿Ha olvidado su contraseña?",
        "sso_button": "Iniciar sesión con {name}",
        "signed_in_as": "Ha iniciado sesión como {name}.",
        "continue": "Continuar",
        "sign_out": "Cerrar sesión",
        "signed_out": "Ha cerrado la sesión.",
        "code_title": "Inicio de sesión en dos pasos",
        "code_intro": (
            "Introduzca el código de 6 cifras que muestra su aplicación de autenticación, o uno "
            "de sus códigos de recuperación."
        ),
        "code_label": "Código",
        "code_hint": "6 cifras, o un código de recuperación como abcde-fghjk",
        "start_over": "Volver a empezar",
        "second_step_expired": (
            "El inicio de sesión ha tardado demasiado: introduzca de nuevo su contraseña."
        ),
        "invalid_credentials": "La dirección de correo electrónico o la contraseña no es correcta.",
        "code_required": "Introduzca el código de su aplicación de autenticación.",
        "invalid_code": "Este código no es correcto, o ya ha sido utilizado.",
        "locked_out": (
            "Demasiados intentos fallidos: esta cuenta está bloqueada. Vuelva a intentarlo "
            "dentro de {minutes} minutos."
        ),
        "account_disabled": "Esta cuenta está desactivada. Diríjase a un administrador.",
        "local_passwords_disabled": "El inicio de sesión con contraseña está desactivado aquí.",
        "csrf_failed": (
            "No se ha podido verificar este formulario: recargue la página e inténtelo de nuevo."
        ),
        "sign_in": "Iniciar sesión",
        "forgot_title": "Contraseña olvidada",
        "forgot_intro": (
            "Introduzca la dirección de correo electrónico de su cuenta: le enviaremos un enlace "
            "para establecer una nueva contraseña."
        ),
        "send_link": "Enviar el enlace",
        "reset_sent": (
            "Si existe una cuenta para esta dirección, se le está enviando un mensaje con un "
            "enlace. El enlace es válido durante una hora."
        ),
        "password_title": "Establezca su contraseña",
        "password_intro_reset": "Elija una nueva contraseña para {email}.",
        "password_intro_welcome": (
            "Bienvenido/a, {name}. Elija una contraseña para su cuenta {email}."
        ),
        "new_password": "Nueva contraseña",
        "password_hint": (
            "Al menos {count} caracteres. Unas pocas palabras sin relación entre sí forman una "
            "contraseña sólida."
        ),
        "repeat_password": "Repita la contraseña",
        "save_password": "Guardar la contraseña",
        "password_too_short": "Utilice al menos {count} caracteres.",
        "passwords_differ": "Las dos contraseñas no coinciden.",
        "password_set": "Su contraseña ha quedado establecida y ha iniciado sesión.",
        "go_to_console": "Ir a la consola",
        "link_expired": "Este enlace ha caducado. Solicite uno nuevo.",
        "link_used": (
            "Este enlace ya ha sido utilizado, o se ha enviado uno más reciente. Solicite uno "
            "nuevo."
        ),
        "link_invalid": "Este enlace no es válido.",
        "ask_again": "Solicitar un nuevo enlace",
    },
    "ru": {
        "sign_in_title": "Вход",
        "sign_in_button": "Войти",
        "password": "Пароль",
        "forgot_link": "Забыли пароль?",
        "sso_button": "Войти через {name}",
        "signed_in_as": "Вы вошли как {name}.",
        "continue": "Продолжить",
        "sign_out": "Выйти",
        "signed_out": "Вы вышли из системы.",
        "code_title": "Двухэтапный вход",
        "code_intro": (
            "Введите 6-значный код из Вашего приложения для аутентификации или один из Ваших "
            "резервных кодов."
        ),
        "code_label": "Код",
        "code_hint": "6 цифр или резервный код вида abcde-fghjk",
        "start_over": "Начать заново",
        "second_step_expired": "Вход занял слишком много времени: введите пароль ещё раз.",
        "invalid_credentials": "Адрес электронной почты или пароль указаны неверно.",
        "code_required": "Введите код из Вашего приложения для аутентификации.",
        "invalid_code": "Этот код неверен или уже был использован.",
        "locked_out": (
            "Слишком много неудачных попыток: учётная запись заблокирована. Повторите попытку "
            "через {minutes} мин."
        ),
        "account_disabled": "Эта учётная запись отключена. Обратитесь к администратору.",
        "local_passwords_disabled": "Вход по паролю здесь отключён.",
        "csrf_failed": "Не удалось проверить форму: обновите страницу и повторите попытку.",
        "sign_in": "Войти",
        "forgot_title": "Восстановление пароля",
        "forgot_intro": (
            "Введите адрес электронной почты Вашей учётной записи: мы направим на него ссылку "
            "для установки нового пароля."
        ),
        "send_link": "Отправить ссылку",
        "reset_sent": (
            "Если для этого адреса существует учётная запись, письмо со ссылкой уже отправлено. "
            "Ссылка действительна в течение одного часа."
        ),
        "password_title": "Установка пароля",
        "password_intro_reset": "Выберите новый пароль для {email}.",
        "password_intro_welcome": (
            "Добро пожаловать, {name}. Выберите пароль для Вашей учётной записи {email}."
        ),
        "new_password": "Новый пароль",
        "password_hint": (
            "Не менее {count} символов. Надёжный пароль получается из нескольких не связанных "
            "между собой слов."
        ),
        "repeat_password": "Повторите пароль",
        "save_password": "Сохранить пароль",
        "password_too_short": "Используйте не менее {count} символов.",
        "passwords_differ": "Пароли не совпадают.",
        "password_set": "Пароль установлен, и Вы вошли в систему.",
        "go_to_console": "Перейти в консоль",
        "link_expired": "Срок действия этой ссылки истёк. Запросите новую.",
        "link_used": (
            "Эта ссылка уже использована, или была отправлена более новая. Запросите новую."
        ),
        "link_invalid": "Эта ссылка недействительна.",
        "ask_again": "Запросить новую ссылку",
    },
}
