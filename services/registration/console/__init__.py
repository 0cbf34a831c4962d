"""The registration service's console: ceremonies, guests, invitations, team, devices, audit."""

from . import access, ceremonies, guests, invitations, people, run_sheet, seating, venue, words

MODULES = (ceremonies, guests, invitations, people, words, run_sheet, venue, access, seating)
