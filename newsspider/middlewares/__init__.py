"""Downloader middlewares and settings helpers for politeness (robots ``Crawl-delay``,
``Retry-After``, backoff) and the loopback fast mode."""
