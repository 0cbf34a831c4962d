"""Writing emails: template contexts, letters per language, MIME, calendar files, dates in
the recipient's locale, previews, and who the emails come from."""
