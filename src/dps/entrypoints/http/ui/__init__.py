"""Server-rendered HTML pages (session cookie + CSRF)."""
