"""Sending emails: the delivery log, the delivery loop and its outcomes, SMTP and file
senders, the rate limit, and what a delivery is composed from."""
