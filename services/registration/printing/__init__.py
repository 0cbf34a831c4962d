"""What the registration prints for the hall: usher charts, place cards and the run sheet."""
