"""The registration service's console: ceremonies, guests, invitations, team, devices, audit,
the venue and the graduation."""

from . import (
    access,
    ceremonies,
    graduation,
    graduation_roll,
    guests,
    invitations,
    people,
    run_sheet,
    seating,
    venue,
    words,
)

MODULES = (
    ceremonies,
    guests,
    invitations,
    people,
    words,
    run_sheet,
    venue,
    access,
    seating,
    graduation,
    graduation_roll,
)
