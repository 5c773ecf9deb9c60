"""HTTP service of the listing scanner (FastAPI). Build the app with `api.main.create_app()`."""
