"""Every site-specific selector, regex, name and list: the one file to fix when fakti.bg changes.

Grouped by what they describe: hosts and URLs (§1), dates and numbers (§2), rendered text
(§3) and article markup (§5) of ``fakti-site.md``.

A digit is ``[0-9]``: fakti.bg writes ASCII digits, and ``\\d`` (any Unicode decimal digit,
which ``int()`` reads too) made ``/world/١٢٣-x`` article 123 and ``١٢٣`` a view count. ``\\d``
stays only in ``[^\\W\\d_]`` (a letter: no digit of any script).
"""

from __future__ import annotations

import re

from lxml import etree

# --- §1 hosts and URLs -------------------------------------------------------------------

#: The canonical origin of every output URL.
CANONICAL_ORIGIN = "https://fakti.bg"
#: Hosts (lower-case, without port) that are fakti.bg itself.
SITE_HOSTS = frozenset({"fakti.bg", "www.fakti.bg", "fakti.bg.", "www.fakti.bg."})
#: Schemes a fetchable link may have.
WEB_SCHEMES = frozenset({"http", "https"})
#: Their default ports (a URL that gives one means the same without it).
DEFAULT_PORTS = {"http": 80, "https": 443}
#: Section slugs (the same in both editions).
SECTIONS = frozenset(
    {
        "bulgaria", "world", "life", "technozone", "avto", "biznes", "mnenia", "krimi",
        "sport", "video", "imoti", "zdrave", "kultura-art", "razsledvania",
    }
)  # fmt: skip

#: A character no clean URL has (whitespace, controls, quotes, angle brackets): a page's
#: `<link rel=canonical>` holding one is ignored (the request URL is used instead).
URL_UNSAFE = re.compile(r"[\s<>\"'\x00-\x1f\x7f]")
#: `/en/amp/...` → `/en/...`, `/amp/...` → `/...`.
AMP_PATH = re.compile(r"^(/en)?/amp(/.+)$")
#: An article path: optional `en/`, section, `<id>-<slug>` (slug kept verbatim; an id of 1 to
#: 18 digits).
ARTICLE_PATH = re.compile(
    r"^/(?:(?P<en>en)/)?(?P<section>[a-z0-9-]+)/(?P<id>[0-9]{1,18})-(?P<slug>[^/]*)/?$"
)
#: The largest integer written (a 64-bit signed integer: what pandas, DuckDB and SQLite
#: load); article ids have at most 18 digits, a larger count is no count.
INT64_MAX = 2**63 - 1
#: An English day page: `/en/<section>/YYYY/MM/DD/<n>`.
DAY_PATH = re.compile(
    r"^/en/(?P<section>[a-z0-9-]+)/(?P<y>[0-9]{4})/(?P<m>[0-9]{2})/(?P<d>[0-9]{2})/(?P<n>[0-9]+)/?$"
)
#: Section listing: `/<section>` or `/en/<section>`.
SECTION_PATH = re.compile(r"^/(?:en/)?(?P<section>[a-z0-9-]+)/?$")
HOME_PATHS = frozenset({"/", "/en", "/en/"})
SEARCH_PATH = re.compile(r"^/(?:en/)?search/?$")
RSS_PATH = re.compile(r"^/(?:(?P<en>en)/)?feed(?:/(?P<section>[a-z0-9-]+))?/?$")
DNES_PATH = re.compile(r"^/dnes/?$")
AUTHOR_PATH = re.compile(r"^/(?:en/)?author/[^/]+/?$")
#: What the spider builds (the patterns above read it back): the English edition's path
#: prefix (the Bulgarian edition has none), then the home page, a feed (`/feed` or
#: `/feed/<section>`) or the search page.
EN_PREFIX = "/en"
HOME_URL_PATH = "/"
FEED_URL_PATH = "/feed"
SEARCH_URL_PATH = "/search"
#: The query parameter of a section listing's or search results page's number.
PAGE_PARAM = "page"
#: A search for every article of a date range, newest first: these parameters, then the
#: first and last day (``SEARCH_DATE_FORMAT``), then the page number.
SEARCH_PARAMS: dict[str, str | int] = {"q": "", "sort": "date", "c": 0}
SEARCH_FROM_PARAM, SEARCH_TO_PARAM = "fromdate", "todate"
SEARCH_DATE_FORMAT = "%d.%m.%Y"
ROBOTS_PATH = "/robots.txt"

# --- §2 dates and numbers ----------------------------------------------------------------

SOFIA_TZ_NAME = "Europe/Sofia"
#: Sofia's zone abbreviations in an RFC 822 time (RSS `pubDate`), as UTC offsets in hours.
SOFIA_ZONE_NAMES: dict[str, int] = {"EET": 2, "EEST": 3}
#: The ISO 8601 times a JSON-LD or meta time may be: a calendar date, then optionally a time
#: to the minute or finer, then optionally an offset (a space before it, as some CMSs write
#: `2025-04-23 08:03:27 +0300`). Python's ``fromisoformat`` takes any character between date
#: and time (`2025-04-23+03:00` read as 03:00), and ``isoparse`` a year or a month alone
#: (read as its first day): neither is a time the page gave.
ISO_TIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[Tt ](?P<time>[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]*)?)?))?"
    r"\s*(?P<zone>[Zz]|[+-][0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2})?)?)?"
)
#: An RFC 822 zone written ISO-style (`+02:00`), which ``email.utils`` does not read.
RFC822_COLON_OFFSET = re.compile(r"([+-])([0-9]{2}):([0-9]{2})")
#: The year of an RFC 822 time as written (before its ``HH:MM``): ``0050`` is year 50, which
#: the standard library reads as the two-digit 2050.
RFC822_YEAR = re.compile(r"([0-9]+)\s+[0-9]{1,2}:[0-9]{2}")
#: The time of an RFC 822 date that gives no zone after it.
RFC822_TIME = re.compile(r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?")

#: Month names (lower-case) → month number: English and Bulgarian, full and short forms.
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("january", "jan", "януари", "яну"),
        ("february", "feb", "февруари", "фев"),
        ("march", "mar", "март", "мар"),
        ("april", "apr", "април", "апр"),
        ("may", "май"),
        ("june", "jun", "юни"),
        ("july", "jul", "юли"),
        ("august", "aug", "август", "авг"),
        ("september", "sep", "sept", "септември", "сеп", "септ"),
        ("october", "oct", "октомври", "окт"),
        ("november", "nov", "ноември", "ное", "ноем"),
        ("december", "dec", "декември", "дек"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

#: Thousands separators seen in counts: space, no-break space, narrow no-break space.
THOUSANDS_SPACES = " \u00a0\u202f"
_SP = f"[{THOUSANDS_SPACES}]"
#: An integer count: `2 542`, `2\u00a0542`, `144`.
COUNT = re.compile(rf"^(?:[0-9]{{1,3}}(?:{_SP}[0-9]{{3}})+|[0-9]+)$")
#: A time alone (`08:03`): the date line's time in a block of its own.
TIME_ONLY = re.compile(r"^[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?$")

_MONTH = r"(?P<{g}>[^\W\d_]{{3,10}})\.?"
_CLOCK = r",?\s+(?P<{h}>[0-9]{{1,2}}):(?P<{m}>[0-9]{{2}})(?::(?P<{s}>[0-9]{{2}}))?"
_TIME = rf"(?:{_CLOCK})?"
_EN_DAY = _MONTH.format(g="mon") + r"\s+(?P<day>[0-9]{1,2}),?\s+(?P<year>[0-9]{4})"
_BG_DAY = r"(?P<day>[0-9]{1,2})\.?\s+" + _MONTH.format(g="mon") + r",?\s+(?P<year>[0-9]{4})"
#: `Apr 23, 2025 08:03` (English order; Bulgarian month names too).
_EN_DATE = _EN_DAY + _TIME.format(h="hh", m="mm", s="ss")
#: `9 Януари, 2026 23:13` (Bulgarian order).
_BG_DATE = _BG_DAY + _TIME.format(h="hh", m="mm", s="ss")
#: The date and time the page's date element (`.ndt`) opens with, the hour mark after it
#: allowed (`23:13 ч.`, `23:13 часа`, `23:13h`), whatever follows them (:data:`DATE_REST_SHOWN`).
_HOUR_MARK = r"(?![0-9:])(?:\s?(?:ч\.?|часа|h)(?!\w))?"
DATE_START_EN = re.compile(
    rf"^{_EN_DAY}{_CLOCK.format(h='hh', m='mm', s='ss')}{_HOUR_MARK}", re.IGNORECASE
)
DATE_START_BG = re.compile(
    rf"^{_BG_DAY}{_CLOCK.format(h='hh', m='mm', s='ss')}{_HOUR_MARK}", re.IGNORECASE
)
_BG_UPD = (
    r"(?P<uday>[0-9]{1,2})\.?\s+"
    + _MONTH.format(g="umon")
    + r",?\s+(?P<uyear>[0-9]{4})"
    + _TIME.format(h="uhh", m="umm", s="uss")
)
_EN_UPD = (
    _MONTH.format(g="vmon")
    + r"\s+(?P<vday>[0-9]{1,2}),?\s+(?P<vyear>[0-9]{4})"
    + _TIME.format(h="vhh", m="vmm", s="vss")
)
_UPDATED_WORD = r"\s*,?\s*(?:обновена|обновено|updated)\s*:?\s*"
_COUNTS = r"(?P<counts>(?:\s+[0-9]+)*)"
#: The start of an update time shown in its own element after the date
#: (`<span>, обновена 25 Август, 2025 06:13</span>`): joined to the date line.
UPDATED_LEAD = re.compile(r",?\s*(?:обновена|обновено|updated)\b", re.IGNORECASE)
#: How many elements after the date element may hold it, and what may stand before it.
UPDATE_ELEMENTS = 4
UPDATE_PUNCT = " ,;-–—|"
#: A whole date line, English order: `Apr 23, 2025 08:03 144`.
DATE_LINE_EN = re.compile(
    rf"^{_EN_DATE}(?:{_UPDATED_WORD}(?:{_EN_UPD}|{_BG_UPD}))?{_COUNTS}$", re.IGNORECASE
)
#: A whole date line, Bulgarian order: `9 Януари, 2026 23:13 313 0`, forms A/B/C.
DATE_LINE_BG = re.compile(
    rf"^{_BG_DATE}(?:{_UPDATED_WORD}(?:{_BG_UPD}|{_EN_UPD}))?{_COUNTS}$", re.IGNORECASE
)
_COUNT_WORD = (
    r"\s(?:views?|comments?|reads?|прегледа?|прегледи|преглеждания|гледания|коментара?"
    r"|коментари|прочитания)"
)
#: A count as a date line may show it: plain (`313`), or in a form that is no count (`1.2K`,
#: `2,6 хил.`, `1,234`, `1.234`), with its word or not (`144 views`, `313 прегледа`); one
#: with a thousands space only with its word (`2 542 прегледа`: `2 542` alone is two counts).
_SHOWN_COUNT = (
    r"(?:(?:[0-9]+(?:[.,][0-9]+)?\s?(?:[KkMm]|хил\.?)(?!\w)|[0-9]{1,3}(?:[.,][0-9]{3})+"
    rf"|[0-9]+)(?:{_COUNT_WORD})?|[0-9]{{1,3}}(?:{_SP}[0-9]{{3}})+{_COUNT_WORD})"
)
#: One such count at the end of a line: a date line's views and comments, read off its end
#: one by one (`… обновена 25 Август, 2025 08:13 1.2K`, `… 08:03 144 views 3 comments`).
SHOWN_COUNT_END = re.compile(rf"\s+{_SHOWN_COUNT}$", re.IGNORECASE)
#: What says the time before it is no Sofia 24-hour time: a 12-hour clock's mark, glued to
#: it or not (`PM`, `08:03PM`, `11:13p.m.`), a zone or offset (`GMT+2`, `UTC`, `EET`,
#: `+02:00`) or a day part (`вечерта`, `следобед`, `evening`).
_CLOCK_QUALIFIER = (
    r"(?<![^\W\d_])(?:[ap]\.?m\.?|gmt|utc|z|eest|eet|cest|cet|bst|сутрин(?:та)?|вечер(?:та)?"
    r"|следобед|(?:на|преди|след)\s(?:обяд|обед)|през\sнощта|morning|afternoon|evening|night)"
    r"(?![^\W\d_])|(?<![0-9])[+\u2212-][0-9]{2}:?[0-9]{2}(?![0-9])"
)
#: What may follow the date and time in the page's date element (`.ndt`, which holds nothing
#: but the date line) when the line is not read otherwise: a short rest with a digit (an
#: update or counts in another form: `, обновена 08:13`, `… 313 0 5`, `(updated 08:13)`, `|
#: 144`, `Views: 144`); not a card's headline (no digit), nor a rest with a
#: :data:`_CLOCK_QUALIFIER` (the hour shown is not the one read).
DATE_REST_SHOWN = re.compile(
    rf"(?!.*(?:{_CLOCK_QUALIFIER}))(?=.*[0-9]).{{1,60}}", re.IGNORECASE | re.DOTALL
)
#: What may follow the date and time of a body paragraph that repeats the page's `.ndt`:
#: counts and punctuation only (`… 23:13 ч. 313 0 5`, `… | 1.2K`); one opening with the
#: page's date and time, then words (`… 08:03 12 people were hurt`), is body text.
DATE_REST_BARE = re.compile(rf"(?=.{{1,60}}\Z)(?:[\W_]+{_SHOWN_COUNT})*[\W_]*", re.IGNORECASE)
#: Two `<br>`s in a row (each stands as a NUL; only whitespace between): a paragraph break.
DOUBLE_BREAK = re.compile(r"\0\s*\0[\s\0]*")
#: A date line in the headline's place gives way to one with a time or counts within this
#: many lines after it (an EN subtitle, a BG headline shown twice and a topic line).
DATE_LOOKAHEAD = 3
#: Longer text is never a date line; body paragraphs longer than the short limit are not
#: even tried as one.
DATE_LINE_MAX = 300
DATE_LINE_SHORT = 120
#: Cheap pre-check: a date line has a digit among its first characters (`Apr 2`, `9 Я`).
DATE_LINE_HINT = re.compile(r"[0-9]")
#: Listing dates: `днес в 12:38 ч.`, `вчера в 12:38 ч.`, `today at 12:38`, `yesterday at 12:38`.
LISTING_RELATIVE = re.compile(
    r"^(?P<rel>днес|вчера|today|yesterday)\s*(?:в|at)?\s*(?P<hh>[0-9]{1,2}):(?P<mm>[0-9]{2})\s*(?:ч\.?)?$",
    re.IGNORECASE,
)
LISTING_TODAY_WORDS = frozenset({"днес", "today"})
#: A time of day in a listing date (without one, the date stands for its whole day).
CLOCK_TIME = re.compile(r"[0-9]{1,2}:[0-9]{2}")
#: Listing date `16.06.2026` (optionally with a time).
LISTING_NUMERIC = re.compile(
    r"^(?P<day>[0-9]{1,2})\.(?P<month>[0-9]{1,2})\.(?P<year>[0-9]{4})(?:\s*г\.)?"
    r"(?:,?\s+(?P<hh>[0-9]{1,2}):(?P<mm>[0-9]{2})\s*(?:ч\.?)?)?$",
    re.IGNORECASE,
)

# --- §3 rendered text --------------------------------------------------------------------

#: Title suffixes stripped from title-derived headlines (longest first).
TITLE_SUFFIXES: tuple[str, ...] = (" - Fakti.bg", " - Факти", " - Fakti")
#: What separates a title's headline from what a title adds after it (`H | Fakti.bg`).
TITLE_SEPARATOR = re.compile(r"\s+[-|–—:·]\s")
#: An ellipsis ending a headline cut short, and the least of it left to compare.
ELLIPSIS_END = re.compile(r"\s*(?:\.{3}|…)$")
CUT_HEADLINE_MIN = 12
#: At most this many words follow a title's separator (a section and site name).
TITLE_TAIL_WORDS = 4
#: A title that is only the site's name (lower-case) is no headline.
SITE_NAMES = frozenset({"факти", "fakti", "fakti.bg", "факти.бг"})
#: The "Last news in Fakti" rail title (both editions), lower-case.
LAST_NEWS_TITLES = frozenset({"last news in fakti", "последни новини във факти", "последни новини"})
RAIL_TITLE_MAX = 40
#: The end of an image caption line `<headline>  - 1` (searched in its last characters only).
CAPTION_TAIL = re.compile(r"\s+-\s+[0-9]{1,2}$")
#: Photo credit line `Снимка: <source>`.
PHOTO_CREDIT = re.compile(r"^(?:Снимка|Снимки|Фото|Photo|Photos)\s*:", re.IGNORECASE)
#: Topic line `Тема: Украйна`.
TOPIC_LINE = re.compile(r"^(?:Тема|Topic)\s*:\s*(?P<topic>.+)$", re.IGNORECASE)
#: Author role at the end of an author line (`Автор във Fakti.bg`), a word of its own; `pre`
#: holds the name(s).
AUTHOR_ROLE = re.compile(
    r"^(?P<pre>.*?)\s*(?<!\S)(?P<role>(?:Заместник[- ]главен редактор|Главен редактор|Редактор"
    r"|Автор|Журналист|Репортер|Кореспондент|Колумнист|Водещ|Анализатор)\s+във\s+Fakti(?:\.bg)?)$",
    re.IGNORECASE,
)
#: A person's name: two to four capitalised words (`Анна Петрова`, `Jane Q. Doe`), in an
#: author line that shows it only once.
PERSON_NAME = re.compile(r"(?:[A-ZА-Я][\w.'’-]*\s+){1,3}[A-ZА-Я][\w.'’-]*")
#: Author lines end with one of these (lower-case) and are short.
AUTHOR_LINE_ENDS: tuple[str, ...] = ("fakti.bg", "fakti")
AUTHOR_LINE_MAX = 160
#: A stand-alone role line of up to four words (`Главен редактор във Fakti.bg`): taken as
#: one only right after the name shown twice, in the author slot of §3.
AUTHOR_ROLE_LINE = re.compile(r"^(?:\S+\s+){0,3}\S+\s+във\s+Fakti(?:\.bg)?$", re.IGNORECASE)
#: The opinion disclaimer opens with these words; it runs to its first `.`, `!` or `?` that
#: ends a sentence: the mark, any closing quotes or brackets (`редакцията.“`, `.)`), then the
#: end or a space not followed by a lowercase letter, or a space after a word of 4 letters or
#: more that is no abbreviation (`съгласна. и все пак`; not the dot of `Fakti.bg`, `т.нар.`,
#: `вкл.`, `млн.` or `напр.`), or a space before a camel-case word (`т.е. eBay`).
OPINION_DISCLAIMER_START = "ФАКТИ публикува мнения"
_CLOSERS = '[“”"»’)\\]]*'
#: Abbreviations of 4 or more letters whose dot does not end the disclaimer.
_ABBREVIATIONS = ("напр", "англ", "бълг", "прибл", "проф", "акад", "млрд", "подп", "прил", "incl")
_NOT_ABBREVIATION = "".join(f"(?<!{form})" for a in _ABBREVIATIONS for form in (a, a.capitalize()))
OPINION_DISCLAIMER = re.compile(
    rf"^{OPINION_DISCLAIMER_START}.*?(?:[.!?]{_CLOSERS}(?=\s*$|\s+(?![a-zа-яѐ-ѝ]))"
    rf"|(?<=[^\W\d_]{{4}})(?<!\.[^\W\d_]{{4}}){_NOT_ABBREVIATION}[.!?]{_CLOSERS}(?=\s)"
    rf"|[.!?]{_CLOSERS}(?=\s+[a-zа-яѐ-ѝ]+[A-ZА-ЯЀ-Ѝ])|$)\s*"
)
#: Bullet prefixes of tag lines in plain rendered text.
BULLET = re.compile(r"^[•·▪►◦*]\s*(?P<tag>.+)$")
#: A bullet written in a tag item's markup (`<li>• <a>…</a></li>`): an asterisk only with
#: a space after it (`*NSYNC` is a tag).
MARKUP_BULLET = re.compile(r"^(?:[•·▪►◦]\s*|\*\s+)(?P<tag>.+)$")
#: How far after the date line the header (caption, credit, author) may reach, in lines.
HEADER_WINDOW = 12
#: A block is link-heavy (rail, related links, tags, footer) when this share of its text is links.
LINKY_RATIO = 0.6
#: Trailing tags (text layer): a block made only of short links, inside the article.
TAG_LINK_MAX = 60
#: A bullet line of plain text is a tag only with at most this many words.
TAG_WORDS_MAX = 3
#: Text layer: at most this many rail titles are passed over before the body.
RAIL_TITLES_MAX = 8
#: A link of a `p` split at `<br><br>` is looked for this many parts ahead of the last one.
LINK_PARTS_AHEAD = 4
#: Social and sharing sites: a block of short links to them is a share bar, never tags.
SHARE_HOSTS = frozenset(
    {"facebook.com", "fb.com", "twitter.com", "x.com", "t.co", "linkedin.com", "pinterest.com",
     "reddit.com", "viber.com", "whatsapp.com", "wa.me", "t.me", "telegram.me", "telegram.org",
     "vk.com", "ok.ru", "tumblr.com", "instagram.com", "youtube.com", "tiktok.com",
     "threads.net", "bsky.app", "news.google.com", "flipboard.com", "addthis.com",
     "sharethis.com"}
)  # fmt: skip
TAG_LINE_RATIO = 0.85
#: A link to a document (`decision.pdf`): a `p` of such links is body text, never tags.
DOCUMENT_PATH = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|od[tsp]|rtf|txt|csv|zip|rar|7z)$", re.IGNORECASE
)
#: A link to an article (`/<section>/<id>-...` with a known section and a five-digit id or
#: more, optional `en/`, `amp/`; relative, or on any host: fakti.bg or a mirror's origin): a
#: block of such links is a related-links block (§5), never tags nor body text.
ARTICLE_HREF = re.compile(
    r"^(?:(?:https?:)?//[^/?#]*)?/(?:en/)?(?:amp/)?(?:"
    + "|".join(sorted(SECTIONS))
    + r")/[0-9]{5,}-",
    re.IGNORECASE,
)
#: Labels (lower-case, punctuation dropped) that may open a related-links paragraph
#: (`Прочетете още: <a>...</a>`).
RELATED_LABELS = frozenset(
    {"прочетете още", "прочети още", "вижте още", "вижте също", "още по темата", "свързани",
     "свързани новини", "свързана новина", "read also", "read more", "see also", "related",
     "more on the topic"}
)  # fmt: skip
#: The end of a sentence (a bullet line ending so is body text, never a tag).
SENTENCE_END = re.compile(r"[.!?…:;][“”\"»’)\]]*$")
#: A sentence ending with a dot (a paragraph, not a subtitle, before an in-body photo credit):
#: a letter somewhere, a dot at the end (not `.` or `...` alone, the junk subtitles of §3).
SENTENCE_DOT = re.compile(r"^(?=.*[^\W\d_]).*(?<!\.\.)\.[“”\"»’)\]]*$")
#: Last words of a plain-text line that leads into a list without a colon
#: (`Наградените журналисти са`); after any other line, bullets are trailing tags (§3).
LIST_LEAD_WORDS = frozenset({"са", "е", "бяха", "беше", "включват", "включва", "като", "следните"})
#: A bullet run of at least this many items without a letter (lottery numbers, departure
#: times) is a list, not tags (`112` alone is a tag).
NUMBER_LIST_MIN = 3
#: A related-links title alone on its line is at most this long (plain text).
RELATED_TITLE_MAX = 40
#: Punctuation and spaces around a related-links label.
LABEL_PUNCT = re.compile(r"[\W_]+")
#: A share or follow item (lower-case, punctuation a space; a count after it allowed:
#: `Facebook 12`): a network, its Cyrillic name or abbreviation, mail, copy, print or send.
#: Such an item is never body text.
_SOCIAL = (
    r"facebook|фейсбук|fb|twitter|туитър|tw|x|viber|вайбър|telegram|телеграм|whatsapp|вотсап"
    r"|messenger|месинджър|linkedin|линкдин|instagram|инстаграм|youtube|ютюб|tiktok|тикток"
    r"|pinterest|reddit|threads|google news|email|e mail|mail|имейл|print|печат|принтирай"
    r"|разпечатай|изпрати(?: на приятел)?|send(?: to a friend)?|copy(?: link)?"
    r"|копирай(?: линка)?"
)
SOCIAL_ITEM = re.compile(rf"(?:{_SOCIAL})(?: [0-9]+)?")
#: A font size button's item, as written (`A+`, `A-`; Latin or Cyrillic `A`).
FONT_SIZE_ITEM = re.compile(r"[AaАа] ?[+\-−]")
#: The label of a box that is no body text (lower-case, punctuation a space, as
#: :data:`LABEL_PUNCT` leaves it): a short text (:data:`BOX_LABEL_WORDS`) holding a word
#: that opens with one of these stems (comments, opinions and reactions, share, poll, vote and
#: rating, related links and more, most read, latest and recommended, author bio, tags,
#: topics and categories, follow, sign-up and log-in, paid and partner content):
#: `12 коментара`, `Коментирайте`, `Мнения (3)`, `Най-четени`, `Share on Facebook`,
#: `Въпрос на деня`, `Тема: Украйна`, `Платена публикация`, `Следете ни в Telegram`. Searched;
#: see :data:`LABEL_LEAD` for `Анкета: <question>` and :data:`SHORT_LABEL` for `Още новини`.
_LABEL_STEMS = (
    "comment", "коментар", "коментир", "мнени", "мислите", "дискус", "discussion",
    "reaction", "readers", "читател", "отзив", "share", "сподел", "poll", "анкет", "гласув",
    "допитване", "vote", "survey",
    "въпрос на деня", "question of the day", "оцен", "rate", "rating", "related", "свързан",
    "виж още", "виж също", "вижте още", "вижте също", "още по", "прочет", "read also",
    "read more", "see also", "more on", "most", "най", "latest", "последни", "popular",
    "популяр", "trending", r"топ\b", "препоръч", "recommend", "пропускайте", "author", "автор",
    "writer", "журналист", "bio", "tag", "таг", "етикет", "теми", r"тема\b", "topic",
    "категори", "categor", "рубрик", "keyword", "key words", "ключови", "follow",
    "последвайте", "следвайте", "следете", "абонира", "subscribe", "newsletter", "бюлетин",
    "влезте", "профил", "login", "log in", "sign in", "платен", "paid", "sponsor",
    "партньор", "partner", "реклам", "advert",
)  # fmt: skip
BOX_LABEL = re.compile(r"\b(?:" + "|".join(_LABEL_STEMS) + ")")
#: A label is at most this many words (`Какво мислите? Оставете вашия коментар по-долу`; not
#: `Share prices fell sharply across the whole region this week`).
BOX_LABEL_WORDS = 8
#: News, video and gallery words: a label in a text of at most ``SHORT_LABEL_WORDS`` words
#: (`Още новини`, `Топ новини`, `More news`, `Видео`, `Галерия`, `Watch the video`), not in
#: a longer one (`Новини от парламента за бюджета`).
SHORT_LABEL = re.compile(r"\b(?:новини\b|news\b|видео|video|галери|galler|снимк|photo)")
SHORT_LABEL_WORDS = 3
#: A text whose lead before `:` (at most ``BOX_LABEL_MAX`` characters) is a label is one
#: too (``LABEL_LEAD``: `Анкета: Ще гласувате ли?`, `Poll: ...`).
BOX_LABEL_MAX = 40
LABEL_LEAD = re.compile(rf"(?P<label>[^:]{{1,{BOX_LABEL_MAX}}}):\s*\S")
#: The text of a most-read item beside its links (lower-case, punctuation a space): counts,
#: times and dates in the site's forms only (`1234 прочитания`, `read 1234 times today`,
#: `12:30 | 5 коментара`, `Apr 17, 2025`, `17 Април, 2025`, `16.06.2026`, `днес в 12:38 ч.`).
_COUNT = (
    r"(?:[0-9]+|прочитания|прочитане|преглеждания|гледания|коментара|коментари|views|reads"
    r"|read|times|comments|today|днес|вчера|yesterday|ago|преди|часа|час|минути|мин|hours"
    r"|hour|minutes|min|ч|at|в|г|" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
)
COUNTS_ONLY = re.compile(rf"(?=.*[0-9]){_COUNT}(?: {_COUNT})*")
#: A rating's item: one to three digits alone (`<li>1</li>…<li>5</li>`).
RATING_ITEM = re.compile(r"[0-9]{1,3}")
#: The whole text of an ad label block (lower-case): never body text.
AD_LABELS = frozenset({"реклама", "advertisement", "sponsored", "спонсорирано"})
AD_LABEL_MAX = 16

# --- §5 article markup (modelled; every selector has a text-layer fallback) -------------

_X = etree.XPath


def _cls(name: str) -> str:
    """XPath test for a whole class name (the cheap substring test runs first)."""
    word = f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
    return f"contains(@class, '{name}') and {word}"


# Document-wide lookups iterate by tag name (much cheaper than `//x[@attr]` XPaths).
JSONLD_TYPE = "application/ld+json"
CANONICAL_REL = "canonical"
#: The `<html>` attribute that says the page's language (``bg``, ``en-GB``, ``bg_BG``: its
#: primary subtag, before a ``PAGE_LANG_SEPARATOR``, is the edition's ``lang``).
PAGE_LANG_ATTR = "lang"
PAGE_LANG_SEPARATOR = re.compile(r"[-_]")
#: A Cyrillic letter, a Latin one: a Bulgarian article's text has more of the first, an
#: English one's more of the second.
CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
LATIN_LETTER = re.compile(r"[A-Za-z]")
#: At most this many characters (whitespace aside) of another story's card (the date line's
#: lowest ancestor with a link to another article) besides its links and its date line's
#: date, views and comments: a short lead at most. A header box holding the article's body
#: has more.
LISTING_CARD_TEXT_MAX = 300
#: Class names of the §5 article markup, each written once here: `.subtitle`,
#: `.ndt`/`.nv`/`.nc` (date, views, comments; listing items use them too, §4), `.topic`,
#: `ul.tags`, `.tags-bottom`, `.author-name` and the body's `div.text`.
SUBTITLE_CLASS = "subtitle"
DATE_CLASS, VIEWS_CLASS, COMMENTS_CLASS = "ndt", "nv", "nc"
TOPIC_CLASS = "topic"
TAGS_CLASS = "tags"
TAGS_BOTTOM_CLASS = "tags-bottom"
AUTHOR_NAME_CLASS = "author-name"
BODY_CLASS = "text"
#: The classes above, found in one pass over the article element (besides its `h1`).
SELECTOR_CLASSES = frozenset(
    {SUBTITLE_CLASS, DATE_CLASS, VIEWS_CLASS, COMMENTS_CLASS, TOPIC_CLASS, TAGS_CLASS,
     TAGS_BOTTOM_CLASS, AUTHOR_NAME_CLASS, BODY_CLASS}
)  # fmt: skip
#: How many elements after the date line the text layer looks at for the main image.
FOLLOWING_MAX = 200
IMAGE_TAGS = frozenset({"img", "amp-img"})
#: Skipped tags that may still hold the main image.
IMAGE_CONTAINERS = frozenset({"figure", "picture", "amp-img", "img"})

#: A player: an article element that holds one (outside ads and rails) but no paragraphs is
#: a video article with an empty body (§5), not a page whose body lies outside it.
VIDEO_TAGS: tuple[str, ...] = (
    "iframe", "video", "embed", "object", "amp-iframe", "amp-video", "amp-youtube",
)  # fmt: skip
#: Elements whose text is never article text (body and rendered-text layers).
SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "svg", "form", "button", "select",
     "nav", "footer", "aside", "ins", "object", "embed", "video", "audio", "canvas", "head",
     "amp-ad", "amp-analytics", "amp-iframe", "amp-img", "img", "source"}
)  # fmt: skip
#: Classes (whole words) of blocks that are never body text: ads, rails, related links...
SKIP_CLASSES = frozenset(
    {"ad", "ads", "advert", "advertisement", "adsbygoogle", "banner", "related",
     "related-links", "last-news", "share", "social", "comments"}
)  # fmt: skip
#: A sign-up or poll box in the body (`<div><h3>Абонирайте се</h3><p>…</p><form>…</form></div>`):
#: the first element around a `form` or `input` that shows text, when it holds at most
#: ``FORM_BOX_ELEMENTS`` elements and ``FORM_BOX_TEXT`` characters. Never body text.
FORM_TAGS: tuple[str, ...] = ("form", "input")
#: `input` types that are no widget of a box (a hidden value, a "read more" toggle).
FORM_INPUT_NOT_WIDGETS = frozenset({"hidden", "checkbox"})
FORM_BOX_ELEMENTS = 60
FORM_BOX_TEXT = 300
#: Further classes (§5 markup) whose text is header, not body: skipped by the selector layer.
HEADER_CLASSES = frozenset(
    {TAGS_CLASS, TAGS_BOTTOM_CLASS, TOPIC_CLASS, "author", "photo-credit", "info",
     "title-repeat", SUBTITLE_CLASS, DATE_CLASS, VIEWS_CLASS, COMMENTS_CLASS}
)  # fmt: skip
#: A photo and its caption: any block in them is never body text.
FIGURE_TAGS = frozenset({"figure", "figcaption"})
#: Block-level tags: each starts a new line in the rendered text.
#: Elements whose text is no header line of their own (the headline, captions).
NOT_HEADER_LINES = frozenset({"h1", "figcaption"})
BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "header", "ul", "ol", "li", "h1", "h2", "h3",
     "h4", "h5", "h6", "figcaption", "blockquote", "table", "tr", "td", "th", "hr",
     "dl", "dt", "dd", "pre", "address", "body", "html", "title", "center"}
)  # fmt: skip
#: The blocks of the body read by the selector layer besides `p` (children of `div.text`
#: right between two body `p`s): the items of a ``BODY_LISTS`` list, headings (not `h1`: the
#: headline) and quotes, none of them (nor the list) with one of ``NOT_PLAIN_ATTRS``.
SINGLE_BLOCKS = frozenset({"blockquote", "h2", "h3", "h4", "h5", "h6"})  # (not in a list)
BODY_LISTS = frozenset({"ul", "ol"})
#: Attributes none of which such a block and its list may have (a class: a box, a gallery,
#: an embed; `style`, any: it may hide it; or hidden from view).
NOT_PLAIN_ATTRS = ("class", "hidden", "style", "aria-hidden")
#: Elements between such blocks and the `p`s around them that never part them (as
#: whitespace, comments and elements that show nothing do not): no text of the article.
RUN_GAPS = frozenset({"script", "style", "noscript", "template"})
#: An element there shows nothing when it holds no text but in these and comments, no class
#: (a box a script fills: an empty `div.related`, a comments or ad slot) but on an ``ins`` (an
#: ad slot with nothing in it), and none of ``GAP_WIDGETS`` nor an AMP component but
#: ``amp-img`` (a form control, frame or player: a poll, a sign-up box, an embed, a video).
GAP_HIDDEN = RUN_GAPS
GAP_WIDGETS = frozenset(
    {"form", "input", "button", "select", "textarea", "iframe", "embed", "object"}
    | {"video", "audio", "canvas"}
)
GAP_CLASS_FREE = "ins"
#: The only elements such a block may hold (inline text): any other (a `p`, `div`, list,
#: table, figure, form control, embed, image, script) makes it no block read.
INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "dfn", "em", "font", "i", "kbd",
     "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
     "wbr"}
)  # fmt: skip
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Blocks of a table: its cells' lines are one body block, the table.
TABLE_PARTS = frozenset({"td", "th", "tr", "thead", "tbody", "tfoot", "caption"})
#: JSON-LD types that describe an article.
JSONLD_ARTICLE_TYPES = frozenset(
    {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "OpinionNewsArticle",
     "AnalysisNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle"}
)  # fmt: skip
#: The keys by which a JSON-LD article object names its page (a URL, or an object's `@id`).
JSONLD_PAGE_NAMES: tuple[str, ...] = ("mainEntityOfPage", "url", "@id")
#: Meta keys, in priority order, per field (the `meta` layer).
META_HEADLINE: tuple[str, ...] = ("og:title", "twitter:title")
META_SUBTITLE: tuple[str, ...] = ("og:description", "twitter:description")
META_PUBLISHED: tuple[str, ...] = ("article:published_time", "og:published_time")
META_MODIFIED: tuple[str, ...] = ("article:modified_time", "og:updated_time")
META_IMAGE: tuple[str, ...] = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image")
#: An article photo's URL (§1 "Images": `.../fakti/photos/<size>/...`; any `/photos/` path).
#: A JSON-LD or meta image that is not one (a logo, a default share image) gives way to a
#: photo shown in the page.
ARTICLE_PHOTO = re.compile(r"https?://[^/?#]+/(?:[^?#]*/)?photos/", re.IGNORECASE)
#: Lazy-loading image attributes, tried before `src`.
IMAGE_ATTRS: tuple[str, ...] = ("data-src", "data-original", "src")
#: Fast path (``article.py``): the page is parsed only up to the `</article>` that follows
#: its first `<h1>` start tag (byte patterns; tag names end at whitespace, `/` or `>`).
FAST_H1 = re.compile(rb"<h1[\t\n\f\r />]", re.IGNORECASE)
FAST_ARTICLE_END = re.compile(rb"</article[\t\n\f\r />]", re.IGNORECASE)
#: A well-formed `<script ...>` start tag whose attributes hold neither `json` nor an
#: entity (`&`): whatever its type, it cannot be `application/ld+json`.
FAST_PLAIN_SCRIPT = re.compile(
    rb"<script(?:[\t\n\f\r ]+[a-z_:][-a-z0-9_:.]*(?:[\t\n\f\r ]*=[\t\n\f\r ]*"
    rb"(?:\"[^\"&]*\"|'[^'&]*'|[^\t\n\f\r \"'=<>`&]+))?)*[\t\n\f\r ]*/?>",
    re.IGNORECASE,
)
FAST_JSON = re.compile(rb"json", re.IGNORECASE)
#: Tags after the cut that send a page to the full parse: `<html>`/`<head>`/`<body>` again, or
#: a `<script>` (checked by ``FAST_PLAIN_SCRIPT``, whose tag may not be JSON-LD). Searched in
#: the lower-cased bytes (case-sensitive: much faster).
FAST_SUFFIX_TAG_LOWER = re.compile(rb"<(?:script|html|head|body)[\t\n\f\r />]")
#: Class names the known markup needs (`.ndt`, `div.text`): a page whose bytes up to the cut
#: lack one is parsed in full at once (a shortcut only; the parsed markup is what counts).
FAST_MARKUP_HINTS: tuple[bytes, ...] = (DATE_CLASS.encode("ascii"), BODY_CLASS.encode("ascii"))
#: Appended after the cut (``FAST_END_MARK``); the article and `<head>` must be closed before it.
FAST_END_TAG = "newsspider-fast-end"
FAST_END_MARK = f"<{FAST_END_TAG}></{FAST_END_TAG}>".encode("ascii")
#: Codecs in which every ASCII byte is that ASCII character (safe to cut bytes on `>`), and
#: whose valid bytes libxml2 reads as Python does (parsed as they are, not re-encoded).
FAST_CODECS = frozenset({"utf-8", "ascii", "cp1251", "cp1252", "iso8859-1", "iso8859-5", "koi8-r"})
#: Charset declared in a `<meta>` tag (looked for in the first bytes of the page).
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
#: How many leading bytes to search for a `<meta charset>`.
META_SNIFF_BYTES = 4096

# --- §4 listings (owned by the crawling area; modelled except where §4 says observed) ----
# Listing XPaths use the `descendant::` axis: libxml2 evaluates `//x[predicate]` in time
# quadratic in the number of matches (parsing a 100,000-link page took 32 s instead of 6),
# `descendant::` in linear time.

#: Home, section, author and day items: `article.panel.selected-ln` (observed on BG home).
X_LISTING_ITEMS = _X(f"/descendant::article[{_cls('panel')}][{_cls('selected-ln')}]")
#: Search results: `#main li` with `span.post-title` (observed on BG search).
X_SEARCH_ITEMS = _X("/descendant::*[@id='main']/descendant::li")
#: Search result container; its absence means the page is not a search page.
X_SEARCH_MAIN = _X("/descendant::*[@id='main']")
#: An item's fields, found in one pass over it: its link is the first `a[href]` (observed:
#: relative on the live site), its headline the first `span` of the title class (observed:
#: `span.article-title` on panels, `span.post-title` in search results), its date, views and
#: comments the first element of their class (``DATE_CLASS``, ``VIEWS_CLASS`` and
#: ``COMMENTS_CLASS`` of §5).
LISTING_TITLE_CLASS = "article-title"
SEARCH_TITLE_CLASS = "post-title"
#: Pagination: `a[rel=next]` (modelled; `rel` values are case-insensitive).
X_NEXT_HREF = _X(
    "/descendant::a[contains(concat(' ', normalize-space(translate(@rel, 'NEXT', 'next')), ' '),"
    " ' next ')][1]/@href"
)
#: Fast path (``listings.py``): a panel or search page is parsed only up to the end of its
#: first `</main>` end tag (lower-case; the footer after it is most of the page) when nothing
#: after the cut can add an item or a next link.
LISTING_CUT = re.compile(rb"</main[\t\n\f\r />]")
#: After the cut: every `=` that may assign a watched attribute (`id`, `rel`, `class` end in
#: `d`, `l`, `s`; or whitespace before the `=`), and the raw value after an `=`, read up to
#: ``LISTING_VALUE_MAX`` bytes (a longer one counts as watched: the scan stays linear).
LISTING_EQ = re.compile(rb"=(?<=[dDlLsS\t\n\f\r ]=)")
LISTING_VALUE = re.compile(rb"""[\t\n\f\r ]*("[^"]*|'[^']*|[^\t\n\f\r >]*)""")
LISTING_VALUE_MAX = 256
#: Watched attributes, per kind, with the word of the XPaths above (`#main`, `rel=next`,
#: `article.selected-ln`) that their value after the cut must not hold in any case, nor an
#: `&` (it may be a character reference).
SEARCH_WATCH = {b"id": b"main", b"rel": b"next"}
PANEL_WATCH = {b"class": b"selected-ln", b"rel": b"next"}
#: RSS 2.0 items and their children (modelled).
X_RSS_CHANNEL = _X("/rss/channel")
X_RSS_ITEMS = _X("/rss/channel/item")
#: Dublin Core's date, which some feeds give instead of (or besides) `pubDate`.
RSS_DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
