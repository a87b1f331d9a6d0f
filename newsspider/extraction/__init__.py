"""Pure extraction for fakti.bg pages. Nothing in this package imports Scrapy."""
