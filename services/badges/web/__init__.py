"""HTTP: the badges API's blueprints, their schemas and who may call them."""
