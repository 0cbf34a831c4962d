"""The notifications service's console pages: the email log, previews, announcements."""

from . import announcements, emails

MODULES = (emails, announcements)
