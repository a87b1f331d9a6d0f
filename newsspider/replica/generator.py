"""The replica's synthetic site: seeded, deterministic article specs and their ground truth.

``Site(articles, seed, now)`` draws every article's metadata at once (cheap: 50,000 specs
take about a second); text (paragraphs, tags...) is drawn on demand from a per-article
generator, so nothing large is held in memory. ``Site.ground_truth(when)`` is computed from
these data, never by running the extractor.
"""

from __future__ import annotations

import bisect
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path

from dateutil import tz

from newsspider.extraction.record import RECORD_FIELDS, content_hash, isoformat
from newsspider.replica import words as W

SOFIA = tz.gettz("Europe/Sofia")
CANONICAL = "https://fakti.bg"
DATA = Path(__file__).resolve().parent / "data"

#: Sections served, the same in both editions (the slugs of fakti-site.md §1).
SECTIONS: tuple[str, ...] = (
    "bulgaria",
    "world",
    "life",
    "technozone",
    "avto",
    "biznes",
    "mnenia",
    "krimi",
    "sport",
    "video",
    "imoti",
    "zdrave",
    "kultura-art",
    "razsledvania",
)

#: Relative section sizes (big news sections, so listings of a small site still paginate).
SECTION_WEIGHTS: dict[str, int] = {
    "bulgaria": 20,
    "world": 20,
    "life": 8,
    "technozone": 5,
    "avto": 4,
    "biznes": 8,
    "mnenia": 4,
    "krimi": 6,
    "sport": 10,
    "video": 3,
    "imoti": 2,
    "zdrave": 4,
    "kultura-art": 4,
    "razsledvania": 2,
}
WINDOW_START = datetime(2025, 3, 1, tzinfo=SOFIA)
#: Ids have 7 digits from this day on.
SEVEN_DIGITS_FROM = datetime(2025, 9, 5, tzinfo=SOFIA)
SEED_ID = 965998
SEED_TIME = datetime(2025, 4, 23, 8, 3, tzinfo=SOFIA)
_ID_PERIOD = 360  # seconds per id: about 240 a day
#: Share of the articles of epoch 1 edited by epoch 2 (a paragraph appended, silently).
EDITED_SHARE = 0.05
OPINION_LEAD = "ФАКТИ публикува мнения"


def resolve_local(naive: datetime) -> datetime:
    """The Sofia time a page showing ``naive`` means: first occurrence of a repeated hour,
    a time in the spring gap shifted forward by the gap (fakti-site.md §2)."""
    dt = naive.replace(tzinfo=SOFIA, fold=0)
    if not tz.datetime_exists(dt):
        dt = tz.resolve_imaginary(dt)
    return dt


def after(at: datetime, minutes: int) -> datetime:
    """The Sofia time ``minutes`` of real time after (or before) the instant ``at``: aware
    datetime arithmetic adds to the wall clock, and could land in the spring gap, a time that
    never was."""
    return (at.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(SOFIA)


def wall(instant: datetime) -> datetime:
    """The naive Sofia wall-clock time of an instant (what a page shows)."""
    return instant.astimezone(SOFIA).replace(tzinfo=None, fold=0)


def _id_for(t: datetime) -> int:
    if t < SEVEN_DIGITS_FROM:
        return SEED_ID + int((t - SEED_TIME).total_seconds() // _ID_PERIOD)
    return 1_000_000 + int((t - SEVEN_DIGITS_FROM).total_seconds() // _ID_PERIOD)


@dataclass(slots=True)
class Content:
    """The drawn text of one article (not kept: drawn again when needed)."""

    subtitle: str | None
    paragraphs: list[str]
    topic: str | None = None
    bullets: list[str] = field(default_factory=list)
    bottom_tags: list[str] = field(default_factory=list)
    photo_credit: str | None = None
    role: str = W.BG_ROLES[0]
    comments: int | None = None
    disclaimer: str | None = None
    image_url: str | None = None
    rng_state: int = 0  # seed for layout decisions (ads, related blocks, page weight)


@dataclass(slots=True)
class Article:
    """One article's metadata. ``t`` (an instant, in UTC) orders articles and decides in which
    epoch they exist; ``shown`` is the wall-clock time the page shows, ``published`` its
    meaning."""

    lang: str
    article_id: int
    section: str
    t: datetime
    headline: str = ""
    slug: str = ""
    variant: str = "full"  # full | nostructured | redesign | broken
    broken: str = ""  # markup | cp1251 | cp1251-meta (variant broken)
    form: str = ""  # BG date-line form A | B | C
    shown: datetime | None = None
    updated_shown: datetime | None = None  # BG form B
    modified: datetime | None = None  # EN JSON-LD dateModified that differs
    views1: int | None = None  # None: does not exist in epoch 1
    views2: int = 0
    sep: str = " "
    month_style: str = "en"  # en | bg | bgshort
    subtitle_kind: str = "normal"  # normal | junk | none
    caption: bool = True
    image: bool = True
    video_only: bool = False
    author: int = 0
    shows_author: bool = True
    headline_twice: bool = False
    opinion_inline: bool = False
    jsonld_style: str = "sofia"  # sofia | z | utc | plus1
    is_seed: bool = False
    edited: bool = False  # epoch 2 shows one paragraph more (an edit; updated_at unchanged)
    frozen_published: datetime | None = None  # set once generation is done

    @property
    def key(self) -> tuple[str, int]:
        return (self.lang, self.article_id)

    @property
    def path(self) -> str:
        prefix = "/en" if self.lang == "en" else ""
        return f"{prefix}/{self.section}/{self.article_id}-{self.slug}"

    @property
    def amp_path(self) -> str | None:
        return (
            f"/en/amp/{self.section}/{self.article_id}-{self.slug}" if self.lang == "en" else None
        )

    @property
    def url(self) -> str:
        return CANONICAL + self.path

    @property
    def structured(self) -> bool:
        """Whether the page has JSON-LD and ``og:`` meta (times with their offset)."""
        return self.variant == "full" or (self.variant == "broken" and self.article_id % 2 == 0)

    @property
    def published(self) -> datetime:
        """The page's publication time: ``t`` where the page shows it with its offset (the
        second pass of a repeated hour too), else what its wall clock means (fold=0)."""
        if self.frozen_published is not None:
            return self.frozen_published
        assert self.shown is not None
        if self.structured and self.shown == wall(self.t):
            return self.t.astimezone(SOFIA)
        return resolve_local(self.shown)

    @property
    def updated(self) -> datetime | None:
        if self.updated_shown is not None:
            return resolve_local(self.updated_shown)
        return self.modified.astimezone(SOFIA) if self.modified else None

    @property
    def author_slug(self) -> str:
        return W.slugify(W.EN_NAMES[self.author])

    @property
    def author_name(self) -> str:
        return (W.BG_NAMES if self.lang == "bg" else W.EN_NAMES)[self.author]

    def views(self, epoch: int) -> int:
        return self.views1 if epoch == 1 and self.views1 is not None else self.views2

    def shown_views(self, epoch: int) -> int | None:
        """Views as the article page shows them (BG forms B and C show none)."""
        return None if self.form in ("B", "C") else self.views(epoch)

    def content(self, epoch: int = 1) -> Content:
        """Draw (again) this article's text, as ``epoch`` shows it, from its own generator."""
        if self.is_seed:
            return _seed_content()
        rng = random.Random(f"fakti-replica:{self.lang}:{self.article_id}:{self.headline}")
        lang = self.lang
        subtitle = None
        if self.subtitle_kind == "normal":
            subtitle = W.sentence(rng, lang, low=8, high=18)[:-1]
        elif self.subtitle_kind == "junk":
            subtitle = rng.choice(W.JUNK_SUBTITLES)
        paragraphs = (
            [] if self.video_only else [W.paragraph(rng, lang) for _ in range(rng.randint(3, 10))]
        )
        c = Content(subtitle=subtitle, paragraphs=paragraphs)
        if self.image:
            size = rng.choice(("big", "original", "fb", "16x9"))
            ext = rng.choice(("jpg", "jpg", "webp"))
            c.image_url = (
                f"https://cdn4.focus.bg/fakti/photos/{size}/{rng.randrange(4096):03x}/"
                f"{self.slug.strip('-')[:60]}-1.{ext}"
            )
        if lang == "bg":
            c.topic = rng.choice(W.BG_TOPICS) if rng.random() < 0.5 else None
            if rng.random() < 0.5:
                c.bullets = rng.sample(W.BG_TAGS, rng.randint(1, 4))
            if c.bullets and rng.random() < 0.5:
                c.bottom_tags = list(c.bullets)
            elif rng.random() < 0.3:
                c.bottom_tags = rng.sample(W.BG_TAGS, rng.randint(1, 3))
            c.photo_credit = (
                rng.choice(W.PHOTO_SOURCES) if self.image and rng.random() < 0.8 else None
            )
            c.role = rng.choice(W.BG_ROLES)
            if self.form == "A":
                # 1,000+ comments only where they have an element of their own: in one text
                # block ("1 234 567") views and comments could not be told apart
                big = rng.random() < 0.05 and self.variant != "redesign"
                few = rng.randint(0, 60) if rng.random() < 0.8 else rng.randint(61, 999)
                c.comments = rng.randint(1000, 3000) if big else few
        if self.section == "mnenia":  # (in both editions: fakti-site.md §3)
            c.disclaimer = f"{OPINION_LEAD} {' '.join(W.words(rng, 'bg', 12))}."
        c.rng_state = rng.getrandbits(32)
        if self.edited and epoch == 2:
            edit = random.Random(f"fakti-replica-edit:{lang}:{self.article_id}")
            c.paragraphs.append(W.paragraph(edit, lang))
        return c

    def tags(self, c: Content) -> list[str]:
        seen: dict[str, None] = {}
        for tag in ([c.topic] if c.topic else []) + c.bullets + c.bottom_tags:
            seen.setdefault(tag)
        return list(seen)

    def truth(self, epoch: int) -> dict:
        """The exact expected record (every field but ``scraped_at``)."""
        c = self.content(epoch)
        body = "\n\n".join(c.paragraphs)
        record = {
            "url": self.url,
            "article_id": self.article_id,
            "lang": self.lang,
            "section": self.section,
            "headline": self.headline,
            "subtitle": c.subtitle,
            "published_at": isoformat(self.published),
            "updated_at": isoformat(self.updated),
            "views": self.shown_views(epoch),
            "comments": c.comments,
            "authors": [self.author_name] if self.lang == "bg" and self.shows_author else [],
            "tags": self.tags(c) if self.lang == "bg" else [],
            "image_url": c.image_url,
            "body": body,
            "content_hash": content_hash(self.headline, c.subtitle, body),
        }
        assert tuple(record) == tuple(f for f in RECORD_FIELDS if f != "scraped_at")
        return record


@cache  # read once: every render of the seed article would read the file again
def _seed_record() -> dict:
    return json.loads((DATA / "fakti-en-965998.expected.json").read_text("utf-8"))


def _seed_content() -> Content:
    rec = _seed_record()
    return Content(
        subtitle=rec["subtitle"],
        paragraphs=[p for p in rec["body"].split("\n\n") if p.strip()],
        image_url="https://cdn4.focus.bg/fakti/photos/big/3a7/isw-putin-ready-for-peace-1.jpg",
        rng_state=965998,
    )


def _headline(rng: random.Random, lang: str, style: str) -> str:
    ws = W.words(rng, lang, rng.randint(5, 11))
    if style == "quote":
        ws[1] = '"' + ws[1]
        ws[3] = ws[3] + '"'
    elif style == "amp":
        ws.insert(2, "&")
    elif style == "open-quote":
        ws[0] += ":"
        ws[1] = '"' + ws[1]
    text = " ".join(ws)
    return text[0].upper() + text[1:]


#: When the site is seen: an epoch (1 or 2, at its clock) or a time (the movable clock).
When = int | datetime


def parse_time(text: str) -> datetime:
    """An ISO 8601 time; a naive one is Sofia local time, read as a page's (``resolve_local``:
    the first pass of the repeated hour, a spring-gap time an hour later)."""
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else resolve_local(dt)


#: Article markup variants (``Site(variant=...)``, ``--variant``).
VARIANTS = ("full", "nostructured", "redesign", "broken")


class Site:
    """A deterministic synthetic fakti.bg.

    ``now`` (aware, truncated to the minute; default the real current Sofia time) is epoch 2's
    clock; epoch 1's clock is 6 hours of real time earlier (across a clock change too). The
    site can be seen at any time up to ``now`` (``When``): the articles published by then,
    with the views and edits of the epoch that time falls in.
    """

    def __init__(
        self,
        articles: int = 300,
        seed: int = 1,
        now: datetime | None = None,
        *,
        variant: str | None = None,
        empty_listings: bool = False,
        feed_omits: str | None = None,
        search_pages: int | None = None,
    ):
        """``variant`` forces every article but the seed into one markup variant (a site
        redesign); ``empty_listings`` serves every listing, search and feed without items;
        ``feed_omits`` names a section the edition feeds leave out (a category a feed omits);
        ``search_pages`` caps a search's results at that many pages (later pages are served
        without results, as a search engine's result window does)."""
        if now is None:
            now = datetime.now(SOFIA)
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        try:  # (through UTC: a naive time of the spring gap kept its wall time, which never was)
            self.now = now.astimezone(UTC).astimezone(SOFIA).replace(second=0, microsecond=0)
        except OverflowError:  # (year 1 or 9999, beyond UTC's range)
            raise ValueError(f"the replica clock {now.isoformat()} is out of range") from None
        if self.now < datetime(2025, 11, 1, tzinfo=SOFIA):
            raise ValueError("the replica clock must be after 2025-11-01 (DST edges)")
        if not 1 <= articles <= 50_000:
            raise ValueError("articles must be between 1 and 50,000")
        if feed_omits is not None and feed_omits not in SECTIONS:
            raise ValueError(f"feed_omits must be one of {', '.join(SECTIONS)}")
        self.feed_omits = feed_omits
        if search_pages is not None and search_pages < 1:
            raise ValueError("search_pages must be 1 or more")
        self.search_pages = search_pages
        self.seed = seed
        self.n = articles
        self.articles: list[Article] = _generate(articles, seed, self.now, self.clock(1))
        if variant is not None:
            if variant not in VARIANTS:
                raise ValueError(f"variant must be one of {', '.join(VARIANTS)}")
            for a in self.articles:
                if not a.is_seed and a.variant != variant:
                    a.variant, a.broken = variant, "markup" if variant == "broken" else ""
                    if variant != "full":  # (only a full page shows its dateModified)
                        a.modified = None
                    a.frozen_published = None  # (an offset the page no longer shows)
                    a.frozen_published = a.published
        self.empty_listings = empty_listings
        self.by_key = {a.key: a for a in self.articles}
        self._index()

    def clock(self, when: When) -> datetime:
        """The site's current time: epoch ``when``'s clock (1 or 2), or the time ``when``
        itself, from the first publication time (``WINDOW_START``) to epoch 2's clock."""
        if isinstance(when, datetime):
            # (bounds in UTC: a Sofia ``when`` would compare by wall time, ignoring fold)
            if not WINDOW_START.astimezone(UTC) <= when <= self.now.astimezone(UTC):
                raise ValueError(
                    f"the clock must be from {WINDOW_START:%Y-%m-%d} to {self.now.isoformat()}"
                    " (epoch 2's clock)"
                )
            return when.astimezone(UTC).astimezone(SOFIA)  # (a spring-gap wall time never was)
        if when not in (1, 2):
            raise ValueError("epoch is 1 or 2")
        return after(self.now, -6 * 60) if when == 1 else self.now

    def instant(self, when: When) -> datetime:
        """``clock(when)`` in UTC, to compare or key: Sofia times (one tzinfo) compare and hash
        by wall time, ignoring ``fold``, so the two passes of the repeated hour would be one."""
        return self.clock(when).astimezone(UTC)

    def epoch(self, when: When) -> int:
        """The epoch whose views and edits the site shows at ``when``: 1 up to epoch 1's
        clock, 2 after it."""
        return 1 if self.instant(when) <= self.instant(1) else 2

    def _index(self) -> None:
        self.by_lang: dict[str, list[Article]] = {"bg": [], "en": []}
        # (every section the site serves, so an empty one is an empty list the site knows)
        self.by_section: dict[tuple[str, str], list[Article]] = {
            (lang, name): [] for lang in ("bg", "en") for name in SECTIONS
        }
        self.by_author: dict[tuple[str, str], list[Article]] = {}
        for a in self.articles:  # sorted by t
            self.by_lang[a.lang].append(a)
            self.by_section.setdefault((a.lang, a.section), []).append(a)
            self.by_author.setdefault((a.lang, a.author_slug), []).append(a)
        self._times = {id(lst): [a.t for a in lst] for lst in self._lists()}  # (UTC instants)

    def _lists(self) -> Iterator[list[Article]]:
        yield self.articles
        yield from self.by_lang.values()
        yield from self.by_section.values()
        yield from self.by_author.values()

    def existing(self, articles: list[Article], when: When) -> list[Article]:
        """The prefix of a time-sorted list that exists at ``when`` (oldest first)."""
        return articles[: bisect.bisect_right(self._times[id(articles)], self.instant(when))]

    def newest(self, articles: list[Article], when: When) -> list[Article]:
        """The articles of a time-sorted list that exist at ``when``, newest first."""
        return [] if self.empty_listings else self.existing(articles, when)[::-1]

    def latest(self, articles: list[Article], when: When, n: int, skip: int = 0) -> list[Article]:
        """Items ``skip`` to ``skip + n`` of ``newest(articles, when)``, without copying it."""
        if self.empty_listings:
            return []
        end = bisect.bisect_right(self._times[id(articles)], self.instant(when)) - skip
        return articles[max(0, end - n) : max(0, end)][::-1]

    def article(self, lang: str, article_id: int, when: When) -> Article | None:
        a = self.by_key.get((lang, article_id))
        return a if a is not None and a.t <= self.instant(when) else None

    def ground_truth(self, when: When = 1) -> Iterator[dict]:
        """The expected record of every article that exists at ``when``, oldest first."""
        epoch = self.epoch(when)
        for a in self.existing(self.articles, when):
            yield a.truth(epoch)

    def truth_lines(self, when: When = 1) -> Iterator[str]:
        """``ground_truth(when)`` as JSON Lines."""
        for rec in self.ground_truth(when):
            yield json.dumps(rec, ensure_ascii=False) + "\n"

    def write_truth(self, path: str | Path, when: When = 1) -> int:
        """Write ``ground_truth(when)`` as JSON Lines; return the number of records."""
        n = 0
        with open(path, "w", encoding="utf-8") as fh:
            for line in self.truth_lines(when):
                fh.write(line)
                n += 1
        return n


def _times(rng: random.Random, n: int, now: datetime) -> list[datetime]:
    """``n`` minute-granular instants (UTC) from 2025-03-01 to ``now``, denser towards the
    end: about 3% in the last 6 hours (epoch 2 only), 8% in the 24 hours before (epoch 1's
    last day). Drawn in real time: an hour Sofia repeats gets its two passes' share, the
    spring gap none."""
    now = now.astimezone(UTC)
    start = WINDOW_START.astimezone(UTC)
    end = now - timedelta(hours=30)
    span = (end - start).total_seconds()
    out = []
    for _ in range(n):
        u = rng.random()
        if u < 0.03:
            t = now - timedelta(seconds=rng.uniform(0, 6 * 3600))
        elif u < 0.11:
            t = now - timedelta(hours=6, seconds=rng.uniform(0, 24 * 3600))
        else:
            t = start + timedelta(seconds=span * rng.random() ** 0.5)
        out.append(t.replace(second=0, microsecond=0))
    return out


def _assign_ids(articles: list[Article], seed_index: int) -> None:
    """Ids follow time: 6 digits before 2025-09-05, 7 after; the seed keeps 965998."""
    nxt = SEED_ID
    for a in reversed(articles[:seed_index]):
        nxt = min(nxt - 1, _id_for(a.t))
        a.article_id = nxt
    prev = SEED_ID
    for a in articles[seed_index + 1 :]:
        floor = 1_000_000 if a.t >= SEVEN_DIGITS_FROM else 0
        prev = max(prev + 1, _id_for(a.t), floor)
        if a.t < SEVEN_DIGITS_FROM and prev >= 1_000_000:
            raise ValueError("too many articles before 2025-09-05 for 6-digit ids")
        a.article_id = prev


def _draw(rng: random.Random, a: Article) -> None:
    """Draw the random attributes of one article."""
    en = a.lang == "en"
    a.headline = _headline(
        rng, a.lang, rng.choices(("plain", "quote", "amp", "open-quote"), (85, 6, 6, 3))[0]
    )
    if en and rng.random() < 0.6:
        a.slug = W.slugify(" ".join(W.words(rng, "bg", rng.randint(5, 11))))
    else:
        a.slug = W.slugify(a.headline)
    odd = rng.random()
    if odd < 0.03:
        a.slug = "-" + a.slug
    elif odd < 0.06:
        a.slug += "-"
    elif odd < 0.09:
        while len(a.slug) < 190:
            a.slug += "-" + W.slugify(" ".join(W.words(rng, a.lang, 4)))
    if en:
        a.variant = rng.choices(("full", "nostructured", "redesign", "broken"), (50, 20, 20, 10))[0]
        a.broken = "markup" if a.variant == "broken" else ""
        a.month_style = rng.choices(("en", "bg", "bgshort"), (85, 10, 5))[0]
    else:
        a.variant = rng.choices(("full", "nostructured", "redesign", "broken"), (45, 25, 8, 12))[0]
        if a.variant == "broken":
            a.broken = rng.choices(("markup", "cp1251", "cp1251-meta"), (5, 3, 2))[0]
        a.form = rng.choices("ABC", (70, 20, 10))[0]
        a.month_style = rng.choices(("bg", "bgshort"), (93, 7))[0]
    a.views2 = min(int(rng.lognormvariate(6.5, 1.3)), 400_000)
    a.sep = rng.choices((" ", "\u00a0", "\u202f"), (5, 3, 2))[0]
    a.subtitle_kind = rng.choices(("normal", "junk", "none"), (80, 7, 13))[0]
    a.caption = rng.random() < 0.85
    a.image = rng.random() < 0.95
    a.video_only = a.section == "video" and rng.random() < 0.3
    if a.video_only:
        a.image = a.caption = False
    a.author = rng.randrange(len(W.EN_NAMES))
    a.shows_author = rng.random() < 0.85
    a.headline_twice = not en and rng.random() < 0.2
    a.opinion_inline = rng.random() < 0.5
    a.jsonld_style = rng.choices(("sofia", "z", "utc", "plus1"), (5, 3, 2, 1))[0]
    a.shown = wall(a.t)
    if a.form == "C":
        a.shown = a.shown.replace(hour=0, minute=0)
    elif a.form == "B":
        delta = rng.choice((-1, 1)) * rng.randint(1, 240)
        a.updated_shown = wall(after(a.published, delta))
    if en and a.variant == "full" and rng.random() < 0.15:
        a.modified = after(a.published, rng.randint(5, 300))


#: Feature bundles forced onto distinct epoch-1 articles so that every site of 60 or more
#: articles has each variant and each oddity at least once.
_COVERAGE: tuple[tuple[str, dict], ...] = (
    ("en", {"variant": "full", "sep": "\u00a0", "views2": 2542}),
    ("en", {"variant": "nostructured", "sep": "\u202f", "views2": 12345, "month_style": "bg"}),
    ("en", {"variant": "redesign", "sep": " ", "views2": 5067, "month_style": "bgshort"}),
    ("en", {"variant": "broken", "broken": "markup", "subtitle_kind": "junk"}),
    ("en", {"variant": "nostructured", "subtitle_kind": "none", "caption": False}),
    ("en", {"variant": "redesign", "subtitle_kind": "none"}),
    ("en", {"variant": "full", "headline_style": "amp", "subtitle_kind": "junk"}),
    ("en", {"variant": "redesign", "headline_style": "quote", "caption": False}),
    ("en", {"variant": "full", "modified_minutes": 95}),
    (
        "en",
        {
            "variant": "full",
            "section": "video",
            "video_only": True,
            "image": False,
            "caption": False,
        },
    ),
    ("bg", {"variant": "full", "form": "A", "views2": 313, "sep": "\u00a0"}),
    ("bg", {"variant": "full", "form": "B"}),
    ("bg", {"variant": "full", "form": "C"}),
    ("bg", {"variant": "nostructured", "form": "A", "views2": 2542, "sep": "\u202f"}),
    ("bg", {"variant": "nostructured", "form": "B", "month_style": "bgshort"}),
    ("bg", {"variant": "nostructured", "form": "C"}),
    ("bg", {"variant": "redesign", "form": "A"}),
    ("bg", {"variant": "full", "form": "A", "section": "mnenia", "opinion_inline": False}),
    ("bg", {"variant": "nostructured", "form": "A", "section": "mnenia", "opinion_inline": True}),
    ("en", {"variant": "full", "section": "mnenia", "opinion_inline": False}),
    ("en", {"variant": "redesign", "section": "mnenia", "opinion_inline": True}),
    ("bg", {"variant": "broken", "broken": "cp1251", "form": "A"}),
    ("bg", {"variant": "broken", "broken": "cp1251-meta", "form": "B"}),
    ("bg", {"variant": "broken", "broken": "markup", "form": "A", "headline_twice": True}),
    (
        "bg",
        {
            "variant": "broken",
            "broken": "markup",
            "form": "A",
            "section": "video",
            "video_only": True,
            "image": False,
            "caption": False,
        },
    ),
    (
        "bg",
        {
            "variant": "full",
            "form": "A",
            "headline_twice": True,
            "shows_author": False,
            "subtitle_kind": "none",
            "headline_style": "quote",
        },
    ),
    (
        "bg",
        {
            "variant": "nostructured",
            "form": "A",
            "subtitle_kind": "junk",
            "caption": False,
            "headline_style": "amp",
        },
    ),
)


def _apply(rng: random.Random, a: Article, overrides: dict) -> None:
    over = dict(overrides)
    style = over.pop("headline_style", None)
    minutes = over.pop("modified_minutes", None)
    for k, v in over.items():
        setattr(a, k, v)
    if a.variant != "broken":
        a.broken = ""
    if style:
        a.headline = _headline(rng, a.lang, style)
        a.slug = W.slugify(a.headline)
    a.shown = wall(a.t)
    a.updated_shown = None
    if a.form == "C":
        a.shown = a.shown.replace(hour=0, minute=0)
    elif a.form == "B":
        a.updated_shown = wall(after(a.published, -57))
    if minutes:
        a.modified = after(a.published, minutes)
    elif a.variant != "full":
        a.modified = None


def _second_pass(now: datetime) -> datetime:
    """03:10 +02:00 (01:10 UTC), in the second pass of the repeated hour, on the last autumn
    clock change (last Sunday of October) before ``now``."""
    sundays = (
        max(date(year, 10, d) for d in range(25, 32) if date(year, 10, d).weekday() == 6)
        for year in (now.year, now.year - 1)
    )
    return next(at for day in sundays if (at := datetime.combine(day, time(1, 10), UTC)) <= now)


def _forced(now: datetime, clock1: datetime) -> list[tuple[Article, dict]]:
    """Articles with fixed times: the seed and the DST edges (the second pass of the repeated
    hour on the last autumn change before each epoch's clock, ``clock1`` and ``now``: one
    article when they are the same change)."""
    utc = UTC
    return [
        (Article("en", SEED_ID, "world", SEED_TIME.astimezone(utc)), {"is_seed": True}),
        # autumn repeated hour, first occurrence (03:30 +03:00)
        (
            Article("en", 0, "world", datetime(2025, 10, 26, 0, 30, tzinfo=utc)),
            {"variant": "nostructured"},
        ),
        (
            Article("bg", 0, "bulgaria", datetime(2025, 10, 26, 0, 15, tzinfo=utc)),
            {"variant": "nostructured", "form": "A"},
        ),
        (
            Article("en", 0, "life", datetime(2025, 10, 26, 0, 45, tzinfo=utc)),
            {"variant": "redesign"},
        ),
        # spring gap: the page shows 30 Март, 2025 03:30 (meaning 04:30 +03:00)
        (
            Article("bg", 0, "bulgaria", datetime(2025, 3, 30, 1, 30, tzinfo=utc)),
            {"variant": "nostructured", "form": "A", "spring_gap": True},
        ),
        # the autumn repeated hour's second pass (03:10 +02:00), shown by the page's JSON-LD
        *(
            (
                Article("bg", 0, "bulgaria", at),
                {"variant": "full", "form": "A", "jsonld_style": "sofia"},
            )
            for at in sorted({_second_pass(clock1), _second_pass(now)})
        ),
    ]


def _generate(n: int, seed: int, now: datetime, clock1: datetime) -> list[Article]:
    rng = random.Random(f"fakti-replica:{seed}")
    now, clock1 = now.astimezone(UTC), clock1.astimezone(UTC)  # (Sofia times compare by wall)
    forced = _forced(now, clock1)[:n]
    twins = n * 3 // 100 if n >= 20 else 0
    base = n - len(forced) - twins
    arts: list[Article] = [a for a, _ in forced]
    for t in _times(rng, base, now):
        lang = "en" if rng.random() < 0.45 else "bg"
        section = rng.choices(SECTIONS, [SECTION_WEIGHTS[name] for name in SECTIONS])[0]
        arts.append(Article(lang, 0, section, t))
    arts.sort(key=lambda a: (a.t, a.lang))
    for a in arts:
        _draw(rng, a)
    seed_art = next(a for a in arts if a.t == SEED_TIME and a.lang == "en")
    _assign_ids(arts, arts.index(seed_art))
    forced_ids = {id(a) for a, _ in forced}
    for a, over in forced:
        gap = over.pop("spring_gap", False)
        if over.get("is_seed"):
            _make_seed(a)
            continue
        _apply(rng, a, over)
        if gap:
            a.shown = datetime(2025, 3, 30, 3, 30)
            a.form = "A"
    pool = [a for a in arts if id(a) not in forced_ids and a.t <= clock1]
    rng.shuffle(pool)
    for lang, over in _COVERAGE:
        pick = next((a for a in pool if a.lang == lang), None)
        if pick is None:
            continue
        pool.remove(pick)
        _apply(rng, pick, over)
    # some ids exist in both editions as distinct articles
    singles = [a for a in arts if not a.is_seed]
    keys = {a.key for a in arts}
    for a in rng.sample(singles, min(twins, len(singles))):
        other = "bg" if a.lang == "en" else "en"
        if (other, a.article_id) in keys:
            continue
        t = min(a.t + timedelta(minutes=rng.randint(1, 20)), now)
        if a.t < SEVEN_DIGITS_FROM <= t:  # keep 6-digit ids before the switch
            t = a.t
        twin = Article(other, a.article_id, rng.choice(SECTIONS), t)
        _draw(rng, twin)
        arts.append(twin)
        keys.add(twin.key)
    arts.sort(key=lambda a: (a.t, a.lang, a.article_id))
    edits = random.Random(f"fakti-replica-edits:{seed}")  # (the main stream stays as it was)
    for a in arts:
        a.frozen_published = a.published
        exists1 = a.t <= clock1
        clock = clock1 if exists1 else now  # (an update after it would be from the future)
        if a.modified is not None and a.modified > clock:
            a.modified = None
        if a.updated is not None and a.updated_shown is not None and a.updated > clock:
            a.updated_shown = wall(clock)
        if a.is_seed:
            a.views1, a.views2 = 144, 144
        elif exists1:
            a.views1 = a.views2
            if rng.random() < 0.25:
                a.views2 = a.views1 + rng.randint(1, 5000)
            a.edited = not a.video_only and edits.random() < EDITED_SHARE
    return arts


def _make_seed(a: Article) -> None:
    rec = _seed_record()
    a.is_seed = True
    a.article_id = rec["article_id"]
    a.headline = rec["headline"]
    a.slug = rec["url"].rsplit("/", 1)[1].split("-", 1)[1]
    a.variant = "full"
    a.broken = a.form = ""
    a.shown = wall(SEED_TIME)
    a.updated_shown = a.modified = None
    a.month_style = "en"
    a.subtitle_kind = "normal"
    a.caption = a.image = True
    a.video_only = False
    a.jsonld_style = "sofia"


def day_of(a: Article) -> date:
    """The Sofia calendar day an article is dated."""
    return a.published.date()
