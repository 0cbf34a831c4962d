"""Deliver messages as .eml files in a folder: the embedded mode's stand-in for SMTP."""

import hashlib
import os
import re
import tempfile
from email.message import Message
from pathlib import Path

from services.notifications.deliver.sender import TransientDeliveryError

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


def eml_filename(message_id: str) -> str:
    """Return the file name for a Message-ID: readable, and distinct for distinct ids."""
    bare = message_id.strip().strip("<>")
    if not bare:
        raise ValueError("a message needs a Message-ID to be written to a file")
    safe = _UNSAFE.sub("_", bare)
    if safe != bare or safe.startswith("."):
        # Replacing characters could make two ids collide; a digest keeps them apart.
        safe = f"{safe.lstrip('.')}-{hashlib.sha256(bare.encode()).hexdigest()[:12]}"
    return f"{safe}.eml"


class FileSender:
    """Write each message to `<directory>/<Message-ID>.eml`; a re-send replaces the file."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def path_for(self, message_id: str) -> Path:
        """Where the message with this Message-ID is written."""
        return self.directory / eml_filename(message_id)

    def send(self, message: Message) -> None:
        """Write `message` atomically, so a reader never sees half a file."""
        target = self.path_for(str(message["Message-ID"] or ""))
        # The message's own policy, with the line ends SMTP would carry.
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        temporary: str | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except OSError as exc:
            if temporary is not None and os.path.exists(temporary):
                os.unlink(temporary)
            raise TransientDeliveryError(f"cannot write {target}: {exc}") from exc

    def close(self) -> None:
        """Nothing stays open between messages."""
