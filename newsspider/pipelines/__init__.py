"""Item pipelines: validation, rejects, deduplication/state and the crash-safe JSONL export.

Order (``ITEM_PIPELINES``): validate (100) → rejects (150) → dedup (200) → export (300).
Whatever passes export also reaches Scrapy's own feeds (``-o``/``-O``).
"""
