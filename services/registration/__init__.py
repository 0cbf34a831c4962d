"""The registration service: ceremonies, guest registration with capacity and waitlist."""
