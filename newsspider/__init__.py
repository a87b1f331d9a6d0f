"""newsspider: a site-specific Scrapy pipeline for fakti.bg."""
