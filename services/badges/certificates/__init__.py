"""Certificates: the course kept from the bus, release, issue, revocation and verification."""
