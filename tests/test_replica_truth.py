"""Extractor against the replica's ground truth (depends on ``newsspider.extraction``).

Run alone with ``pytest tests/test_replica_truth.py``. For every article of the default
300-article site (and the AMP copy of every English one), the page the replica serves is run
through ``extract_article`` and compared field by field with ``Site.ground_truth``; the seed
article is also rendered in each English variant and compared with its expected record.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from newsspider.extraction import extract_article
from newsspider.extraction.record import Extracted, content_hash
from newsspider.replica import articles as render
from newsspider.replica.generator import SOFIA, Site
from newsspider.replica.pages import Pages

NOW = datetime(2026, 11, 29, 11, 0, tzinfo=SOFIA)
ORIGIN = "http://127.0.0.1:8765"
SITE = Site(articles=300, seed=1, now=NOW)
PAGES = Pages(SITE, cache_size=1)


def _cases() -> list:
    cases = []
    for a in SITE.articles:
        label = "-".join(filter(None, (a.lang, str(a.article_id), a.variant, a.broken, a.form)))
        cases.append(pytest.param(a.key, a.path, id=label))
        if a.amp_path:
            cases.append(pytest.param(a.key, a.amp_path, id=label + "-amp"))
    return cases


def _compare(result, truth: dict) -> list[tuple[str, object, object]]:
    assert isinstance(result, Extracted), result
    got = {**result.fields}
    got["content_hash"] = content_hash(got.get("headline"), got.get("subtitle"), got.get("body"))
    return [(k, v, got.get(k)) for k, v in truth.items() if got.get(k) != v]


@pytest.mark.parametrize(("key", "path"), _cases())
def test_extractor_reproduces_ground_truth(key, path):
    a = SITE.by_key[key]
    page = PAGES.render(path, 2, ORIGIN)
    assert page.status == 200
    result = extract_article(page.body, "https://fakti.bg" + path, content_type=page.content_type)
    assert _compare(result, a.truth(2)) == []


@pytest.mark.parametrize("variant", ["full", "nostructured", "redesign", "amp"])
def test_seed_article_in_every_english_variant(variant, seed_expected):
    seed = SITE.by_key[("en", 965998)]
    a = dataclasses.replace(seed, variant="full" if variant == "amp" else variant)
    if variant == "amp":
        body, ctype = render.render_amp(SITE, a, 1, ORIGIN)
        url = "https://fakti.bg" + a.amp_path
    else:
        body, ctype = render.render(SITE, a, 1, ORIGIN)
        url = a.url
    result = extract_article(body, url, content_type=ctype)
    assert isinstance(result, Extracted), result
    mismatches = {
        k: (v, result.fields.get(k)) for k, v in seed_expected.items() if result.fields.get(k) != v
    }
    assert mismatches == {}
