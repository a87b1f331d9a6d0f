"""``content_hash`` and ``normalise_text`` are stable: the same values as the original
regex-based implementation and as the previous one, kept here as the reference (the hash
is stored in the state; a change would re-emit every article under ``FAKTI_EMIT=changed``)."""

import hashlib
import re
import sys
import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspider.extraction import record
from newsspider.extraction.dates import SOFIA, parse_iso
from newsspider.extraction.record import content_hash, isoformat, normalise_text


def test_hash_pinned_value():
    # Value computed with the original implementation (re.sub(r"\s+") + strip).
    body = "Първи\tабзац \u2028 тук.\n\nВтори e\u0301 абзац\ud800.\n\n\n\n Трети\x1cред "
    assert content_hash("Заглавие  на\u00a0статия", None, body) == (
        "sha256:8eac637371ebbfc340b051e5be5496e6f299b305cd19146898e1cf1f587a9785"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" a\x1c\x1d\x85b\u3000c\u200bd e\u0301 \udfff ", "a b c\u200bd é \ufffd"),
        ("plain  ascii\t\ntext ", "plain ascii text"),
        ("\u00a0\u202f", ""),
        (None, ""),
        ("", ""),
    ],
)
def test_normalise_text(text, expected):
    assert normalise_text(text) == expected


def test_whitespace_and_composition_do_not_change_the_hash():
    a = content_hash("Café  news", "sub", "One\u00a0para.\n\nTwo")
    b = content_hash("Cafe\u0301 news", " sub ", "One para.\n\n\n\nTwo ")
    assert a == b
    assert a != content_hash("Café news", "sub", "One para. Two")  # paragraph breaks count


def test_isoformat_keeps_the_zone_offset():
    summer = datetime(2025, 4, 23, 8, 3, 7, 999, tzinfo=SOFIA)
    assert isoformat(summer) == "2025-04-23T08:03:07+03:00"
    autumn = datetime(2025, 10, 26, 3, 30, tzinfo=SOFIA)
    assert isoformat(autumn) == "2025-10-26T03:30:00+03:00"
    assert isoformat(autumn.replace(fold=1)) == "2025-10-26T03:30:00+02:00"
    assert isoformat(summer.astimezone(timezone(timedelta(hours=-5)))) == (
        "2025-04-23T00:03:07-05:00"
    )
    assert isoformat(None) is None
    with pytest.raises(ValueError):
        isoformat(datetime(2025, 1, 1))


def test_parse_iso_cache_gives_equal_values_for_stripped_text():
    assert parse_iso(" 2025-04-23T05:03:00Z ") == parse_iso("2025-04-23T08:03:00+03:00")
    assert isoformat(parse_iso("2025-04-23T05:03:00Z")) == "2025-04-23T08:03:00+03:00"
    assert parse_iso(["2025-04-23T05:03:00Z"]) is None  # unhashable input: no cache error
    assert parse_iso("not a time") is None


# The previous implementation, kept as the reference: ``content_hash`` must never change.
_SURROGATE = re.compile("[\ud800-\udfff]")


def reference_normalise_text(text: str | None) -> str:
    if not text:
        return ""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = _SURROGATE.sub("\ufffd", text)
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def reference_content_hash(headline: str | None, subtitle: str | None, body: str | None) -> str:
    paragraphs = [reference_normalise_text(p) for p in (body or "").split("\n\n")]
    parts = [
        reference_normalise_text(headline),
        reference_normalise_text(subtitle),
        "\n\n".join(p for p in paragraphs if p),
    ]
    return "sha256:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


#: Characters near the edges of normalisation: every kind of whitespace, unprintable
#: non-spaces, lone surrogates, combining marks and (de)composable letters.
EDGE_CHARS = (
    " \n\t\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2004\u200a\u2028\u2029\u202f\u205f"
    "\u3000\u200b\u00ad\ufeff\ud800\udc00\udfffe\u0301\u0327\u0308\u0306\u0439\u0438\u1100"
    "\u1161\u11a8\uac00\u212b\u0344\u0958\ufb01aZ.,-ЖяЙ"
)
chars = st.one_of(st.sampled_from(EDGE_CHARS), st.characters(exclude_categories=()))
#: Words as in article text, and words of any non-space characters (some unprintable,
#: unnormalised or lone surrogates).
plain_words = st.text(st.sampled_from("абвгЖЯйé.,-1aZ\u00ab\u2014"), min_size=1, max_size=6)
odd_words = st.text(chars.filter(lambda c: not c.isspace()), min_size=1, max_size=4)


def paragraphs_of(words: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Bodies as the extractor writes them: single spaces, one blank line between paragraphs."""
    paragraph = st.lists(words, min_size=1, max_size=6).map(" ".join)
    return st.lists(paragraph, min_size=1, max_size=5).map("\n\n".join)


normal_bodies = paragraphs_of(plain_words)


@st.composite
def near_normal_bodies(draw: st.DrawFn) -> str:
    """A normal body with a few edge characters or line feeds inserted."""
    body = draw(normal_bodies)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.sampled_from([*EDGE_CHARS, "\n\n", "  ", " \n\n"])) + body[at:]
    return body


texts = st.one_of(
    st.none(), st.text(chars, max_size=40), st.text(st.sampled_from(EDGE_CHARS), max_size=40)
)
bodies = st.one_of(
    texts, normal_bodies, paragraphs_of(st.one_of(plain_words, odd_words)), near_normal_bodies()
)


@settings(max_examples=1000, deadline=None)
@given(texts)
def test_normalise_text_equals_reference(text):
    assert normalise_text(text) == reference_normalise_text(text)


@settings(max_examples=1500, deadline=None)
@given(texts, texts, bodies)
def test_content_hash_equals_reference(headline, subtitle, body):
    assert content_hash(headline, subtitle, body) == reference_content_hash(
        headline, subtitle, body
    )


@settings(max_examples=300, deadline=None)
@given(normal_bodies)
def test_extractor_bodies_skip_the_word_split(body):
    assert record._is_normal(body) and record._paragraphs(body) is body
    assert not record._is_normal(body + " ") and not record._is_normal(body + "\n")


def test_fast_path_premises():
    """The body fast path relies on these properties of the Unicode database."""
    everything = [chr(c) for c in range(sys.maxunicode + 1)]
    spaces = [c for c in everything if c.isspace()]
    ascii_spaces = "".join(c for c in spaces if c.isascii() and c not in " \n")
    assert ascii_spaces == record._ASCII_SPACES
    assert [c for c in spaces if c.isprintable()] == [" "]
    assert not any(chr(c).isprintable() for c in range(0xD800, 0xE000))
