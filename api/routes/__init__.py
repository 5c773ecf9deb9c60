"""Route modules: scan, gallery, wordlists, categories, policies, admin, review, health. Each exposes `router`."""
