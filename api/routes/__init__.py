"""Route modules: scan, gallery, wordlists, admin, health. Each exposes `router`."""
