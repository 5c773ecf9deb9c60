"""Route modules: scan, gallery, wordlists, categories, admin, health. Each exposes `router`."""
