"""Pure extraction for fakti.bg pages. Nothing in this package imports Scrapy."""

from newsspider.extraction.article import extract_article, extract_from_text
from newsspider.extraction.dates import (
    SOFIA,
    DateLine,
    parse_date_line,
    parse_iso,
    parse_listing_date,
    parse_rfc822,
    sofia_local,
)
from newsspider.extraction.decode import decode, parse_html
from newsspider.extraction.numbers import parse_int
from newsspider.extraction.record import Extracted, ExtractionResult, NotArticle, Rejected
from newsspider.extraction.urls import (
    ArticleRef,
    canonicalize,
    classify,
    parse_article_url,
    to_fetch_url,
)

__all__ = [
    "SOFIA",
    "ArticleRef",
    "DateLine",
    "Extracted",
    "ExtractionResult",
    "NotArticle",
    "Rejected",
    "canonicalize",
    "classify",
    "decode",
    "extract_article",
    "extract_from_text",
    "parse_article_url",
    "parse_date_line",
    "parse_html",
    "parse_int",
    "parse_iso",
    "parse_listing_date",
    "parse_rfc822",
    "sofia_local",
    "to_fetch_url",
]
