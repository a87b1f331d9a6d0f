"""The JSON Schema of the output record, shipped inside the package."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def article_schema() -> dict[str, Any]:
    """The article record's JSON Schema (draft 2020-12)."""
    return json.loads(resources.files(__name__).joinpath("article.schema.json").read_text("utf-8"))
