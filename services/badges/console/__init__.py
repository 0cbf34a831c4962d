"""The badges service's console pages: printing, live attendance and certificates."""

from . import attendance, certificates, printing

MODULES = (printing, attendance, certificates)
