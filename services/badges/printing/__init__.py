"""Badges on paper: layout, fonts, PNG and PDF rendering, print sheets."""
