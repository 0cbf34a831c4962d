"""What the ceremony services share: event contracts, the bus, configuration, storage and auth."""
