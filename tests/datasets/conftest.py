"""Every data set test runs with an empty per-user cache, so files a user has cached never leak in."""

import pytest


@pytest.fixture(autouse=True)
def _empty_cache(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
