"""Fixtures of the web tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, one per test module (see tests.web.browser)."""
    with chromium() as browser:
        yield browser
