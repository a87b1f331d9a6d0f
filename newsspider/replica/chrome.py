"""Page chrome shared by every HTML page: inline styles and scripts, navigation, the
"Last news" rail and a link-heavy footer that pads a page to a realistic weight."""

from __future__ import annotations

import bisect
import random
from functools import lru_cache
from html import escape

from newsspider.replica import words as W
from newsspider.replica.generator import SECTIONS, Article

MIN_WEIGHT = 80_000
MAX_WEIGHT = 150_000

SECTION_NAMES_BG = {
    "bulgaria": "България",
    "world": "Свят",
    "life": "Лайф",
    "technozone": "Технозона",
    "avto": "Авто",
    "biznes": "Бизнес",
    "mnenia": "Мнения",
    "krimi": "Крими",
    "sport": "Спорт",
    "video": "Видео",
    "imoti": "Имоти",
    "zdrave": "Здраве",
    "kultura-art": "Култура",
    "razsledvania": "Разследвания",
}


def esc(text: str) -> str:
    """Escape for a text node."""
    return escape(text, quote=False)


def attr(text: str) -> str:
    """Escape for an attribute value."""
    return escape(text, quote=True)


@lru_cache(maxsize=4)
def css(amp: bool = False) -> str:
    """About 14 KB of made-up style rules."""
    rng = random.Random(f"css:{amp}")
    props = ("margin", "padding", "color", "font-size", "line-height", "border-width", "width")
    rules = []
    for i in range(230):
        body = ";".join(f"{rng.choice(props)}:{rng.randint(0, 40)}px" for _ in range(4))
        rules.append(f".c{i:03d}-{rng.choice(W.EN_WORDS)}{{{body}}}")
    return "\n".join(rules)


@lru_cache(maxsize=2)
def head_script(lang: str) -> str:
    """About 10 KB of inline configuration script."""
    rng = random.Random(f"js:{lang}")
    slots = ",".join(
        f'{{"id":"slot-{i}","size":[{rng.choice((300, 728, 970))},{rng.choice((90, 250, 600))}],'
        f'"targeting":"{rng.choice(W.EN_WORDS)}"}}'
        for i in range(120)
    )
    return (
        f'window.faktiConfig={{"lang":"{lang}","slots":[{slots}]}};'
        "function faktiTrack(e){var d=window.dataLayer=window.dataLayer||[];d.push(e);}"
    )


FOOT_SCRIPT = (
    "(function(){var s=document.querySelectorAll('.ad');for(var i=0;i<s.length;i++)"
    "{s[i].setAttribute('data-seen','1');}faktiTrack({event:'page'});})();"
)


@lru_cache(maxsize=8)
def nav(lang: str, origin: str) -> str:
    """The header: logo, section links and search form, on the replica's origin."""
    prefix = "/en" if lang == "en" else ""
    names = (
        (lambda s: s.replace("-", " ").title()) if lang == "en" else SECTION_NAMES_BG.__getitem__
    )
    links = "".join(
        f'<li><a href="{origin}{prefix}/{s}">{esc(names(s))}</a></li>' for s in SECTIONS
    )
    other = f"{origin}/" if lang == "en" else f"{origin}/en/"
    return (
        f'<header class="site-header"><a class="logo" href="{origin}{prefix}/">Fakti.bg</a>'
        f'<nav class="menu"><ul>{links}</ul></nav>'
        f'<a class="lang" href="{other}">{"BG" if lang == "en" else "EN"}</a>'
        f'<form class="search" action="{origin}{prefix}/search" method="get">'
        '<input type="text" name="q"><input type="hidden" name="sort" value="date">'
        '<input type="hidden" name="c" value="0"></form></header>'
    )


def rail(lang: str, items: list[Article], *, cls: str = "last-news") -> str:
    """The "Last news in Fakti" aside (links relative to the site)."""
    title = "Last news in Fakti" if lang == "en" else "Последни новини"
    lis = "".join(f'<li><a href="{a.path}">{esc(a.headline)}</a></li>' for a in items)
    return f'<aside class="{cls}"><h3>{title}</h3><ul>{lis}</ul></aside>'


@lru_cache(maxsize=16)
def _footer_pool(lang: str, origin: str, encoding: str) -> tuple[bytes, list[int]]:
    """Footer link items, encoded and joined, and the byte offset after each item."""
    rng = random.Random(f"footer:{lang}")
    prefix = "/en" if lang == "en" else ""
    offsite = (
        "https://www.facebook.com/fakti.bg",
        "https://x.com/faktibg",
        "https://www.focus.bg/",
        "https://cdn4.focus.bg/fakti/about",
        "https://partner.example.com/promo",
    )
    items, ends, total = [], [], 0
    for i in range(2200):
        kind = i % 5
        label = " ".join(W.words(rng, lang, 3))
        if kind == 0:
            href = f"{origin}{prefix}/{rng.choice(SECTIONS)}"
        elif kind == 1 and lang == "en":
            href = (
                f"{origin}/en/{rng.choice(SECTIONS)}/2025/{rng.randint(3, 12):02d}/"
                f"{rng.randint(1, 28):02d}/{rng.randint(10000, 99999)}"
            )
        elif kind == 2:
            href = f"{rng.choice(offsite)}?ref={i}"
        elif kind == 3:
            href = f"{origin}{prefix}/author/{W.slugify(rng.choice(W.EN_NAMES))}"
        else:
            href = f"{origin}/tag/{W.slugify(label)}"
        item = f'<li><a href="{href}">{esc(label)}</a></li>\n'.encode(encoding, "xmlcharrefreplace")
        total += len(item)
        items.append(item)
        ends.append(total)
    return b"".join(items), ends


def footer(
    lang: str, origin: str, used: int, target: int, encoding: str = "utf-8", *, script: bool = True
) -> bytes:
    """An encoded footer with as many links as make the page about ``target`` bytes
    (``used`` bytes so far), and a closing inline script unless ``script`` is false (AMP)."""
    pool, ends = _footer_pool(lang, origin, encoding)
    need = max(0, target - used - 400)
    k = min(len(ends) - 1, bisect.bisect_left(ends, need))
    copyright_ = (
        "© Fakti.bg. All rights reserved." if lang == "en" else "© Fakti.bg. Всички права запазени."
    )
    tail = f'</ul><p class="copyright">{copyright_}</p></footer>'
    if script:
        tail += f"<script>{FOOT_SCRIPT}</script>"
    return (
        b'<footer class="site-footer"><ul class="footer-links">'
        + pool[: ends[k]]
        + tail.encode(encoding)
    )


def target_weight(key: str) -> int:
    """A stable page weight between 85 and 145 KB for ``key``."""
    return 85_000 + random.Random(f"weight:{key}").randrange(60_000)
