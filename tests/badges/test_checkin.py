"""The door's verdicts on SQLite (see ``checkin_cases``)."""

from __future__ import annotations

from tests.badges.checkin_cases import *  # noqa: F403 - the cases run here on SQLite
