"""Names with line breaks must never turn into headers, as the SMTP server sees the message."""

from services.notifications.compose.letters import render_email
from services.notifications.compose.message import build_message
from services.notifications.deliver.smtp import SmtpSender

SENDER = "Protocol Office <protocol@example.org>"
MESSAGE_ID = "<header-safety@ceremony.example.org>"


def test_name_with_line_break_never_reaches_a_header(smtp_server, template_context):
    rendered = render_email("confirmation", "en", template_context)
    message = build_message(
        rendered, SENDER, "Eve\r\nBcc: x@evil.example", "eve@example.org", MESSAGE_ID
    )

    with SmtpSender(smtp_server.url, timeout=5) as sender:
        sender.send(message)

    [received] = smtp_server.received
    header_block = received.data.split(b"\r\n\r\n", 1)[0]
    assert received.rcpt_tos == ["eve@example.org"]
    assert not any(line.lower().startswith(b"bcc") for line in header_block.split(b"\r\n"))
