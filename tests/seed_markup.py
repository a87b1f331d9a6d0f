"""Test helper: render an article (e.g. the shared seed) into the §5 markup variants.

Only the article's own fields go in; the chrome (nav, rails, ads, scripts, footer) is
synthetic filler so that each variant looks like a real page around the article.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

from newsspider.extraction.dates import parse_iso

IMAGE = "https://cdn4.focus.bg/fakti/photos/fb/a1b/synthetic-image-1.jpg"
FILLER = "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor."


@dataclass
class Art:
    """What a markup variant shows of one article."""

    url: str
    headline: str
    published: datetime
    subtitle: str | None = None
    views: int | None = None
    paragraphs: list[str] = field(default_factory=list)
    image: str = IMAGE


def from_record(record: dict) -> Art:
    """An :class:`Art` from an expected record (the seed's ``expected.json``)."""
    return Art(
        url=record["url"],
        headline=record["headline"],
        published=parse_iso(record["published_at"]),
        subtitle=record.get("subtitle"),
        views=record.get("views"),
        paragraphs=record["body"].split("\n\n") if record["body"] else [],
    )


def e(text: str) -> str:
    return escape(text, quote=True)


def en_date(dt: datetime) -> str:
    return f"{dt:%b} {dt.day}, {dt.year} {dt:%H:%M}"


def _nav() -> str:
    links = "".join(
        f'<li><a href="/en/{s}">{s.title()}</a></li>' for s in ("world", "sport", "life")
    )
    return f'<nav class="menu"><ul>{links}</ul></nav>'


def _rail(title: str = "Last news in Fakti", cls: str = "last-news", tag: str = "aside") -> str:
    items = "".join(
        f'<li><a href="/en/world/{900000 + i}-rail-item-{i}">Rail headline number {i}</a></li>'
        for i in range(12)
    )
    return f'<{tag} class="{cls}"><h3>{title}</h3><ul>{items}</ul></{tag}>'


def _footer(tag: str = "footer", cls: str = "footer") -> str:
    links = " ".join(f'<a href="/en/page-{i}">Footer link {i}</a>' for i in range(40))
    return f'<{tag} class="{cls}"><div>{links}</div><p>Copyright line {FILLER}</p></{tag}>'


def _script() -> str:
    return (
        "<script>var x = {a: 1, b: 'Apr 23, 2025 08:03 144'}; function f() { return x; }</script>"
    )


def _style() -> str:
    return "<style>.a{color:red} .b{margin:0 auto} p{line-height:1.5}</style>"


def _related(h: str = "h4", cls: str = "related") -> str:
    items = "".join(
        f'<li><a href="/en/world/{800000 + i}-related-{i}">Related headline {i}</a></li>'
        for i in range(3)
    )
    return f'<div class="{cls}"><{h}>Read also</{h}><ul>{items}</ul></div>'


def _text_block(
    paras: list[str], cls: str = "text", ad_cls: str = "ad", rel_cls: str = "related"
) -> str:
    out = []
    for i, para in enumerate(paras):
        out.append(f"<p>{e(para)}</p>")
        if i == 0:
            out.append(f'<div class="{ad_cls}"><ins class="adsbygoogle"></ins></div>{_script()}')
        if i == 1:
            out.append(_related(cls=rel_cls) + _style())
    return f'<div class="{cls}">{"".join(out)}</div>'


def _jsonld(art: Art, *, utc: bool = False) -> str:
    if utc:
        stamp = art.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        stamp = art.published.isoformat()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": art.headline,
        "datePublished": stamp,
        "dateModified": stamp,
        "image": [art.image],
        "publisher": {"@type": "Organization", "name": "Fakti"},
    }
    if art.subtitle:
        data["description"] = art.subtitle
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def _head(art: Art, *, structured: bool, utc: bool = False, amp: bool = False) -> str:
    amp_url = art.url.replace("https://fakti.bg/en/", "https://fakti.bg/en/amp/")
    parts = [
        '<meta charset="utf-8">',
        f"<title>{e(art.headline)} - Fakti.bg</title>",
        f'<link rel="canonical" href="{e(art.url)}">',
        _style(),
        _script(),
    ]
    if not amp:
        parts.append(f'<link rel="amphtml" href="{e(amp_url)}">')
    if structured:
        parts += [
            f'<meta property="og:title" content="{e(art.headline)}">',
            f'<meta property="og:image" content="{e(art.image)}">',
            _jsonld(art, utc=utc),
        ]
        if art.subtitle:
            parts.append(f'<meta property="og:description" content="{e(art.subtitle)}">')
    return "<head>" + "".join(parts) + "</head>"


def _article(art: Art, img: str = "img") -> str:
    sub = f'<h2 class="subtitle">{e(art.subtitle)}</h2>' if art.subtitle else ""
    nv = f'<div class="nv">{art.views}</div>' if art.views is not None else ""
    caption = f"{art.headline}  - 1"
    figure = (
        f'<figure><{img} src="{e(art.image)}" alt="{e(caption)}" width="800" height="450">'
        f"{'</amp-img>' if img == 'amp-img' else ''}<figcaption>{e(caption)}</figcaption></figure>"
    )
    return (
        f"<article><h1>{e(art.headline)}</h1>{sub}"
        f'<div class="info"><div class="ndt">{en_date(art.published)}</div>{nv}</div>'
        f"{figure}{_text_block(art.paragraphs)}</article>"
    )


def full(art: Art, *, utc: bool = False) -> str:
    """Variant 1: JSON-LD, `og:` meta and the §5 markup."""
    return (
        f'<!DOCTYPE html><html lang="en">{_head(art, structured=True, utc=utc)}<body>'
        f'{_nav()}{_rail()}<main id="main">{_article(art)}</main>{_footer()}</body></html>'
    )


def nostructured(art: Art) -> str:
    """Variant 2: no JSON-LD and no `og:` meta."""
    return (
        f'<!DOCTYPE html><html lang="en">{_head(art, structured=False)}<body>'
        f'{_nav()}{_rail()}<main id="main">{_article(art)}</main>{_footer()}</body></html>'
    )


def amp(art: Art) -> str:
    """Variant 4: AMP markup (`<html amp>`, `amp-img`), canonical link to the non-AMP URL."""
    return (
        f'<!DOCTYPE html><html amp lang="en">{_head(art, structured=True, amp=True)}<body>'
        f'<amp-sidebar id="s">{_nav()}</amp-sidebar>{_article(art, img="amp-img")}'
        f"{_footer()}</body></html>"
    )


def redesign(art: Art, *, title: bool = True) -> str:
    """Variant 3: random class names; no `ndt`/`nv`/JSON-LD/meta; a heading, then text blocks."""
    sub = f'<div class="k7">{e(art.subtitle)}</div>' if art.subtitle else ""
    views = f" {art.views}" if art.views is not None else ""
    paras = "".join(
        f'<div class="p2"><p>{e(p)}</p></div>' if i == 3 else f"<p>{e(p)}</p>"
        for i, p in enumerate(art.paragraphs)
    )
    paras = paras.replace("</p>", "</p>" + _related(h="h5", cls="x1"), 1)
    head = f"<title>{e(art.headline)} - Fakti.bg</title>" if title else ""
    return (
        f"<!DOCTYPE html><html><head>{head}{_style()}{_script()}</head><body>"
        f'<div class="zz1">{_nav()}</div>{_rail(cls="q9", tag="div")}'
        f'<div class="w0"><div class="w1"><h1 class="t5">{e(art.headline)}</h1>{sub}'
        f'<div class="d3">{en_date(art.published)}{views}</div>'
        f'<div class="f4"><img src="{e(art.image)}">'
        f'<span class="c1">{e(art.headline)}  - 1</span></div>'
        f'<div class="b8">{paras}</div></div>'
        f"{_rail(title='Most read', cls='q8', tag='div')}</div>"
        f"{_footer(tag='div', cls='ff2')}</body></html>"
    )


VARIANTS = {"full": full, "nostructured": nostructured, "redesign": redesign, "amp": amp}
