"""The public JSON API: read-only, described by /api/openapi.json."""
