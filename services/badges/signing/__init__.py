"""Signed badge codes: the code layout, each ceremony's key ring, sealed private keys."""
