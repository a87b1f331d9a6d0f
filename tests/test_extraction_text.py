"""The rendered-text layer on its own: both orders of §3, bullets, author lines, disclaimers."""

from __future__ import annotations

import pytest

from newsspider.extraction import Extracted, NotArticle, Rejected, extract_from_text
from newsspider.extraction.body import author_from_line, clean_headline, is_caption

BG_URL = "https://fakti.bg/mnenia/1040020-sintetichen-tekst"
EN_URL = "https://fakti.bg/en/world/1040021-synthetic-text"

BG_TEXT = """Синтетично заглавие за проверка
Синтетично заглавие за проверка
Тема: Проверки
25 Август, 2025 07:10, обновена 25 Август, 2025 06:13
• първи етикет
• втори етикет
Подзаглавие на синтетичния текст
Синтетично заглавие за проверка - 1
Снимка: Архив
Петър Петров
Петър Петров
Автор във Fakti.bg
ФАКТИ публикува мнения от различни синтетични автори. Първи   абзац на текста.

Втори абзац на текста.
"""


def test_bg_order() -> None:
    result = extract_from_text(BG_TEXT, BG_URL)
    assert isinstance(result, Extracted)
    f = result.fields
    assert f["headline"] == "Синтетично заглавие за проверка"
    assert f["subtitle"] == "Подзаглавие на синтетичния текст"
    assert f["published_at"] == "2025-08-25T07:10:00+03:00"
    assert f["updated_at"] == "2025-08-25T06:13:00+03:00"
    assert (f["views"], f["comments"]) == (None, None)
    assert f["tags"] == ["Проверки", "първи етикет", "втори етикет"]
    assert f["authors"] == ["Петър Петров"]
    assert f["body"] == "Първи абзац на текста.\n\nВтори абзац на текста."
    assert set(result.layers.values()) <= {"url", "text"}


def test_bg_order_author_on_one_line_and_form_a() -> None:
    text = (
        "Заглавие едно\n9 Януари, 2026 23:13 313 0\nПодзаглавие едно\nЗаглавие едно - 1\n"
        "Иван Иванов Иван Иванов Главен редактор във Fakti.bg\nТекст на статията.\n"
    )
    result = extract_from_text(text, BG_URL)
    assert isinstance(result, Extracted)
    f = result.fields
    assert (f["views"], f["comments"]) == (313, 0)
    assert f["authors"] == ["Иван Иванов"]
    assert f["subtitle"] == "Подзаглавие едно"
    assert f["body"] == "Текст на статията."


def test_en_order_without_caption_or_marker() -> None:
    text = "Headline here\nSubtitle here\nMay 20, 2024 22:30 2 542\nOne.\n\nTwo.\n"
    result = extract_from_text(text, EN_URL)
    assert isinstance(result, Extracted)
    f = result.fields
    assert (f["headline"], f["subtitle"], f["views"]) == ("Headline here", "Subtitle here", 2542)
    assert f["published_at"] == "2024-05-20T22:30:00+03:00"
    assert f["body"] == "One.\n\nTwo."


def test_en_order_without_subtitle() -> None:
    text = "Last news in Fakti\nHeadline only\nМай 20, 2024 22:30 270\nHeadline only  - 1\nBody.\n"
    result = extract_from_text(text, EN_URL)
    assert isinstance(result, Extracted)
    assert (result.fields["headline"], result.fields["subtitle"]) == ("Headline only", None)
    assert result.fields["body"] == "Body."


def test_text_without_date_is_rejected() -> None:
    result = extract_from_text("Headline\nNo date here\nBody", EN_URL)
    assert isinstance(result, Rejected)
    assert result.reason == "missing:headline,published_at"


def test_text_non_article_url() -> None:
    assert isinstance(extract_from_text("x", "https://fakti.bg/en/"), NotArticle)


def test_clean_headline() -> None:
    assert clean_headline("A &amp; B &quot;C&quot; - Факти") == 'A & B "C"'
    assert clean_headline("Title - Fakti.bg") == "Title"
    assert clean_headline("Title - Fakti") == "Title"
    assert clean_headline("  Spaced   title  ") == "Spaced title"
    assert clean_headline(" - Fakti") == "- Fakti"
    assert clean_headline("") is None


def test_caption_and_author_helpers() -> None:
    assert is_caption("Headline  - 1", "Headline")
    assert is_caption("Headline - 2", "Headline")
    assert not is_caption("Other  - 1", "Headline")
    assert not is_caption("Headline", "Headline")
    assert author_from_line("Анна Б Анна Б Автор във Fakti.bg") == ("Анна Б", True)
    assert author_from_line("АннаАнна Автор във Fakti.bg") == ("Анна", True)
    assert author_from_line("Главен редактор във Fakti.bg") == (None, True)
    assert author_from_line("A body sentence that mentions Fakti") == (None, False)


def test_opinion_disclaimer_with_a_dot_inside_is_dropped_whole() -> None:
    disclaimer = "ФАКТИ публикува мнения на синтетични автори, а не на Fakti.bg и редакцията."
    for tail in ("", " Първи абзац на текста."):
        text = BG_TEXT.replace(
            "ФАКТИ публикува мнения от различни синтетични автори. Първи   абзац на текста.",
            disclaimer + tail + ("" if tail else "\nПърви абзац на текста."),
        )
        result = extract_from_text(text, BG_URL)
        assert isinstance(result, Extracted)
        assert result.fields["body"] == "Първи абзац на текста.\n\nВтори абзац на текста."


@pytest.mark.parametrize("end", ["редакцията.“", "редакцията.)", "редакцията.»", "редакцията.]"])
def test_opinion_disclaimer_ending_in_a_closing_quote_keeps_the_first_sentence(end: str) -> None:
    disclaimer = f"ФАКТИ публикува мнения на синтетични автори („не на {end}"
    text = BG_TEXT.replace(
        "ФАКТИ публикува мнения от различни синтетични автори. Първи   абзац на текста.",
        f"{disclaimer} Първо изречение. Първи абзац на текста.",
    )
    result = extract_from_text(text, BG_URL)
    assert isinstance(result, Extracted)
    assert result.fields["body"] == (
        "Първо изречение. Първи абзац на текста.\n\nВтори абзац на текста."
    )
