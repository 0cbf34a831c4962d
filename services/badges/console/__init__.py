"""The badges service's console pages: printing and live attendance."""

from . import attendance, printing

MODULES = (printing, attendance)
