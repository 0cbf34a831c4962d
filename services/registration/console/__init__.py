"""The registration service's console: ceremonies, guests, invitations, team, devices, audit."""

from . import ceremonies, guests, invitations, people, words

MODULES = (ceremonies, guests, invitations, people, words)
