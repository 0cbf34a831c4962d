"""HTTP: the notifications API's blueprints and their schemas."""
