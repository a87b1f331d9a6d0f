"""Article pages in every variant of docs/design.md: full, nostructured, redesign, AMP,
Bulgarian forms A/B/C, opinion and broken (markup, windows-1251, no paragraphs)."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta, timezone

from newsspider.replica import chrome
from newsspider.replica import words as W
from newsspider.replica.chrome import attr, esc
from newsspider.replica.generator import SOFIA, Article, Content, Site, When

EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BG_MONTHS = (
    "Януари",
    "Февруари",
    "Март",
    "Април",
    "Май",
    "Юни",
    "Юли",
    "Август",
    "Септември",
    "Октомври",
    "Ноември",
    "Декември",
)


def count(n: int, sep: str) -> str:
    """``2542`` → ``2 542`` with the given thousands separator."""
    return f"{n:,}".replace(",", sep)


def _month(a: Article, m: int) -> str:
    if a.month_style == "en":
        return EN_MONTHS[m - 1]
    return BG_MONTHS[m - 1] if a.month_style == "bg" else BG_MONTHS[m - 1][:3]


def date_text(a: Article) -> str:
    """The date part of the date line, as the page shows it (no counts)."""
    s = a.shown
    assert s is not None
    if a.lang == "en":
        return f"{_month(a, s.month)} {s.day}, {s.year} {s:%H:%M}"
    if a.form == "C":
        return f"{s.day} {_month(a, s.month)}, {s.year}"
    text = f"{s.day} {_month(a, s.month)}, {s.year} {s:%H:%M}"
    if a.form == "B":
        u = a.updated_shown
        assert u is not None
        text += f", обновена {u.day} {_month(a, u.month)}, {u.year} {u:%H:%M}"
    return text


def date_line(a: Article, c: Content, epoch: int) -> str:
    """The whole date line as rendered text: date, then views (and BG comments)."""
    parts = [date_text(a)]
    views = a.shown_views(epoch)
    if views is not None:
        parts.append(count(views, a.sep))
        if c.comments is not None:
            parts.append(count(c.comments, a.sep))
    return " ".join(parts)


def jsonld_time(dt: datetime, style: str) -> str:
    """An instant in the JSON-LD offset style of the page."""
    if style == "z":
        return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "utc":
        return dt.astimezone(UTC).isoformat(timespec="seconds")
    if style == "plus1":
        return dt.astimezone(timezone(timedelta(hours=1))).isoformat(timespec="seconds")
    return dt.astimezone(SOFIA).isoformat(timespec="seconds")


def jsonld(a: Article, c: Content) -> str:
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": a.url,
        "headline": a.headline,
        "datePublished": jsonld_time(a.published, a.jsonld_style),
        "dateModified": jsonld_time(a.updated or a.published, "sofia"),
    }
    if c.subtitle:
        data["description"] = c.subtitle
    if c.image_url:
        data["image"] = [c.image_url]
    if a.lang == "bg" and a.shows_author:
        data["author"] = [{"@type": "Person", "name": a.author_name}]
    data["publisher"] = {"@type": "Organization", "name": "Fakti.bg"}
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def meta_tags(a: Article, c: Content) -> str:
    out = [
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{attr(a.headline)}">',
        f'<meta property="og:url" content="{a.url}">',
        f'<meta property="article:published_time" content="{a.published.isoformat()}">',
    ]
    if c.subtitle:
        out.append(f'<meta property="og:description" content="{attr(c.subtitle)}">')
        out.append(f'<meta name="description" content="{attr(c.subtitle)}">')
    if c.image_url:
        out.append(f'<meta property="og:image" content="{c.image_url}">')
    return "".join(out)


def caption(a: Article) -> str:
    """``{headline}  - 1`` (EN, two spaces) or ``{headline} - 1`` (BG)."""
    return f"{a.headline}  - 1" if a.lang == "en" else f"{a.headline} - 1"


class _Layout:
    """Class names and layout decisions of one page (random names for the redesign)."""

    def __init__(self, a: Article, c: Content):
        self.rng = random.Random(c.rng_state)
        self.redesign = a.variant == "redesign"

    def cls(self, name: str) -> str:
        if self.redesign:
            return f"x{self.rng.getrandbits(28):07x}"
        return name


def _inline(rng: random.Random, text: str) -> str:
    """Escape a paragraph and sometimes wrap a run of its words in inline markup."""
    ws = text.split(" ")
    if len(ws) < 6 or rng.random() < 0.6:
        return esc(text)
    i = rng.randrange(1, len(ws) - 3)
    j = rng.randrange(i + 1, len(ws) - 1)
    tag = rng.choice(("strong", "em", "a"))
    if tag == "a":  # inline links are short anchors
        j = min(j, i + 4)
    open_ = '<a href="/tag/x">' if tag == "a" else f"<{tag}>"
    return (
        f"{esc(' '.join(ws[:i]))} {open_}{esc(' '.join(ws[i:j]))}</{tag}> {esc(' '.join(ws[j:]))}"
    )


def _extras(a: Article, lay: _Layout, related: list[Article], amp: bool) -> list[str]:
    """Non-text blocks that sit between paragraphs: ads, scripts, styles, related links."""
    rng = lay.rng
    label = "Advertisement" if a.lang == "en" else "Реклама"
    read_also = "Read also" if a.lang == "en" else "Прочетете още"
    links = "".join(f'<li><a href="{r.path}">{esc(r.headline)}</a></li>' for r in related)
    if amp:
        return [
            '<amp-ad width="300" height="250" type="adsense" data-ad-slot="42"></amp-ad>',
            f'<div class="related"><h4>{read_also}</h4><ul>{links}</ul></div>',
        ]
    if lay.redesign:
        slot = rng.randint(1, 999)
        ins = f'<ins class="adsbygoogle" data-ad-slot="{slot}"></ins>'
        ad = f'<div class="{lay.cls("ad")}">{ins}</div>'
        rel = f'<div class="{lay.cls("r")}"><h4>{read_also}</h4><ul>{links}</ul></div>'
    else:
        ad = (
            f'<div class="ad"><span class="ad-label">{label}</span>'
            f'<ins class="adsbygoogle" data-ad-slot="{rng.randint(1, 999)}"></ins></div>'
        )
        rel = f'<div class="related"><h4>{read_also}</h4><ul>{links}</ul></div>'
    return [
        ad,
        "<script>(adsbygoogle=window.adsbygoogle||[]).push({});</script>",
        "<style>.text .inline-box{margin:4px 0}</style>",
        rel,
        '<ins class="adsbygoogle" data-ad-client="ca-pub-0000"></ins>',
    ]


def body_html(
    a: Article, c: Content, lay: _Layout, related: list[Article], *, amp: bool = False
) -> str:
    """The inside of ``div.text``: paragraphs with extras between them (AMP: ``amp-ad``)."""
    rng = lay.rng
    paras = list(c.paragraphs)
    blocks: list[str] = []
    if c.disclaimer:
        if a.opinion_inline and paras:
            paras[0] = f"{c.disclaimer} {paras[0]}"
        else:
            blocks.append(f"<p>{esc(c.disclaimer)}</p>")
    extras = _extras(a, lay, related, amp)
    unclosed = not amp and a.variant == "broken" and a.broken == "markup"
    for i, p in enumerate(paras):
        end = "" if unclosed and i % 2 == 0 and i < len(paras) - 1 else "</p>"
        blocks.append(f"<p>{_inline(rng, p)}{end}")
        if end and i < len(paras) - 1 and rng.random() < 0.45:
            blocks.append(rng.choice(extras))
    if not paras:
        blocks.append(
            '<div class="video-embed"><iframe src="https://www.youtube.com/embed/replica" '
            'width="640" height="360"></iframe></div>'
        )
    if paras:
        blocks.append(extras[1 if amp else 3])
    if c.bottom_tags:
        tags = " ".join(f'<a href="/tag/{W.slugify(t)}">{esc(t)}</a>' for t in c.bottom_tags)
        blocks.append(f'<div class="{lay.cls("tags-bottom")}">{tags}</div>')
    return "\n".join(blocks)


def _head_block(a: Article, c: Content, lay: _Layout, epoch: int) -> list[str]:
    """Headline to author line, in the order of fakti-site.md §3."""
    cls = lay.cls
    out = [f'<h1 class="{cls("title")}">{esc(a.headline)}</h1>']
    stray = a.variant == "broken" and a.broken == "markup"
    if a.lang == "en":
        if c.subtitle is not None:
            out.append(_subtitle(c.subtitle, lay))
        if stray:
            out.append("</div>")
        out.append(_info(a, c, lay, epoch))
        out.append(_figure(a, c, lay))
        return out
    if a.headline_twice:
        out.append(f'<div class="{cls("title-repeat")}">{esc(a.headline)}</div>')
    if c.topic:
        out.append(
            f'<div class="{cls("topic")}">Тема: '
            f'<a href="/tema/{W.slugify(c.topic)}">{esc(c.topic)}</a></div>'
        )
    out.append(_info(a, c, lay, epoch))
    if stray:
        out.append("</div></div>")
    if c.bullets:
        lis = "".join(f'<li><a href="/tag/{W.slugify(t)}">{esc(t)}</a></li>' for t in c.bullets)
        out.append(f'<ul class="{cls("tags")}">{lis}</ul>')
    if c.subtitle is not None:
        out.append(_subtitle(c.subtitle, lay))
    out.append(_figure(a, c, lay))
    if a.shows_author:
        name = esc(a.author_name)
        out.append(
            f'<div class="{cls("author")}">'
            f'<a class="{cls("author-name")}" href="/author/{a.author_slug}">'
            f'{name}</a> <span class="{cls("author-name-repeat")}">{name}</span> '
            f'<span class="{cls("author-role")}">{esc(c.role)}</span></div>'
        )
    return out


def _subtitle(text: str, lay: _Layout) -> str:
    if lay.redesign:
        return f'<div class="{lay.cls("s")}">{esc(text)}</div>'
    return f'<h2 class="subtitle">{esc(text)}</h2>'


def _info(a: Article, c: Content, lay: _Layout, epoch: int) -> str:
    if lay.redesign:
        return f'<div class="{lay.cls("i")}">{esc(date_line(a, c, epoch))}</div>'
    parts = [f'<div class="ndt">{esc(date_text(a))}</div>']
    views = a.shown_views(epoch)
    if views is not None:
        parts.append(f'<div class="nv">{count(views, a.sep)}</div>')
        if c.comments is not None:
            parts.append(f'<div class="nc">{count(c.comments, a.sep)}</div>')
    return '<div class="info">' + "\n".join(parts) + "</div>"


def _figure(a: Article, c: Content, lay: _Layout, amp: bool = False) -> str:
    if not c.image_url:
        return ""
    cap = caption(a) if a.caption else ""
    if amp:
        img = (
            f'<amp-img src="{c.image_url}" width="800" height="450" layout="responsive" '
            f'alt="{attr(cap)}"></amp-img>'
        )
    else:
        img = f'<img src="{c.image_url}" alt="{attr(cap)}" width="800" height="450">'
    parts = [f'<figure class="{lay.cls("photo")}">', img]
    if a.caption:
        parts.append(f"<figcaption>{esc(cap)}</figcaption>")
    if c.photo_credit:
        parts.append(f'<div class="{lay.cls("photo-credit")}">Снимка: {esc(c.photo_credit)}</div>')
    parts.append("</figure>")
    return "".join(parts)


def _title(a: Article) -> str:
    if a.lang == "bg":
        return f"{a.headline} - Факти"
    return f"{a.headline} - Fakti.bg" if a.article_id % 2 else f"{a.headline} - Fakti"


def _related(site: Site, a: Article, when: When, rng: random.Random) -> list[Article]:
    pool = site.latest(site.by_lang[a.lang], when, 60)
    return [r for r in rng.sample(pool, min(3, len(pool))) if r is not a]


def _rail_items(site: Site, a: Article, when: When, n: int) -> list[Article]:
    """The ``n`` latest articles of ``a``'s language, ``a`` left out."""
    return [r for r in site.latest(site.by_lang[a.lang], when, n + 1) if r is not a][:n]


def render(site: Site, a: Article, when: When, origin: str) -> tuple[bytes, str]:
    """The article page of ``a`` in its variant; returns ``(body, content_type)``."""
    epoch = site.epoch(when)
    c = a.content(epoch)
    lay = _Layout(a, c)
    related = _related(site, a, when, lay.rng)
    encoding = "windows-1251" if a.broken.startswith("cp1251") else "utf-8"
    head = [
        f'<!DOCTYPE html>\n<html lang="{a.lang}">\n<head>',
        (
            f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
            if encoding != "utf-8"
            else '<meta charset="utf-8">'
        ),
        f"<title>{esc(_title(a))}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<link rel="canonical" href="{a.url}">',
    ]
    if a.amp_path:
        head.append(f'<link rel="amphtml" href="https://fakti.bg{a.amp_path}">')
    if a.structured:
        head.append(meta_tags(a, c))
        head.append(jsonld(a, c))
    head.append(f"<style>{chrome.css()}</style>")
    head.append(f"<script>{chrome.head_script(a.lang)}</script>")
    head.append("</head>\n<body>")
    head.append(chrome.nav(a.lang, origin))
    head.append(chrome.rail(a.lang, _rail_items(site, a, when, 15), cls=lay.cls("last-news")))
    if lay.redesign:
        head.append(f'<main class="{lay.cls("m")}"><article class="{lay.cls("a")}">')
    else:
        head.append('<main id="main"><article>')
    head.extend(_head_block(a, c, lay, epoch))
    head.append(f'<div class="{lay.cls("text")}">')
    head.append(body_html(a, c, lay, related))
    head.append("</div>\n</article></main>")
    if a.variant == "broken":
        head.append("</div><div class=more><ul><li>")
    page = "\n".join(head)
    if a.variant == "broken":
        page = _break(page)
    data = page.encode(encoding, "xmlcharrefreplace")
    data += chrome.footer(a.lang, origin, len(data), chrome.target_weight(a.url), encoding)
    if a.variant != "broken":
        data += b"\n</body>\n</html>\n"
    ctype = "text/html; charset=utf-8"
    if a.broken == "cp1251":
        ctype = "text/html; charset=windows-1251"
    elif a.broken == "cp1251-meta":
        ctype = "text/html"
    return data, ctype


_QUOTED_CLASS = re.compile(r'class="([a-z-]+)"')


def _break(page: str) -> str:
    """Unquote class attributes and upper-case some tags (broken variant)."""
    page = _QUOTED_CLASS.sub(r"class=\1", page)
    return page.replace("<figure", "<FIGURE").replace("</figure>", "</FIGURE>")


def render_amp(site: Site, a: Article, when: When, origin: str) -> tuple[bytes, str]:
    """The AMP copy of an English article: AMP markup, JSON-LD, canonical to the non-AMP URL."""
    epoch = site.epoch(when)
    c = a.content(epoch)
    lay = _Layout(a, c)
    lay.redesign = False
    related = _related(site, a, when, lay.rng)
    parts = [
        f'<!doctype html>\n<html amp lang="{a.lang}">\n<head>',
        '<meta charset="utf-8">',
        f"<title>{esc(_title(a))}</title>",
        f'<link rel="canonical" href="{a.url}">',
        '<meta name="viewport" content="width=device-width,minimum-scale=1">',
        '<script async src="https://cdn.ampproject.org/v0.js"></script>',
        "<style amp-boilerplate>body{visibility:hidden}</style>",
        f"<style amp-custom>{chrome.css(amp=True)}</style>",
        jsonld(a, c),
        "</head>\n<body>",
        chrome.nav(a.lang, origin),
        chrome.rail(a.lang, _rail_items(site, a, when, 10)),
        '<main id="main"><article>',
        f"<h1>{esc(a.headline)}</h1>",
    ]
    if c.subtitle is not None:
        parts.append(f'<h2 class="subtitle">{esc(c.subtitle)}</h2>')
    parts.append(_info(a, c, lay, epoch))
    parts.append(_figure(a, c, lay, amp=True))
    parts.append('<div class="text">')
    parts.append(body_html(a, c, lay, related, amp=True))
    parts.append("</div>\n</article></main>")
    data = "\n".join(parts).encode()
    data += chrome.footer(
        a.lang, origin, len(data), chrome.target_weight("amp" + a.url), script=False
    )
    return data + b"\n</body>\n</html>\n", "text/html; charset=utf-8"
