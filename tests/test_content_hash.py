"""``content_hash`` and ``normalise_text`` are stable: the same values as the original
regex-based implementation (the hash is stored in the state; a change would re-emit
every article under ``FAKTI_EMIT=changed``)."""

from datetime import datetime, timedelta, timezone

import pytest

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
