"""JSON API handlers under /api/v1 (Bearer tokens only), health and API docs."""
