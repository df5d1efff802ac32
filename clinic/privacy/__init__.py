"""Retention, export and erasure of visitors' data (docs/privacy.md)."""
