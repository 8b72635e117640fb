"""Feed lists in and out (config/opml.py, `monitor feeds import|export`): an OPML list to
`[[feeds]]` TOML that the config loads, feeds already configured skipped; the config's feeds
as OPML that imports back to nothing new; hostile and wrong files refused clearly."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from monitor.config import export_opml, import_opml
from monitor.config.schema import config_from_dict
from monitor.errors import ConfigError
from monitor.model import Feed
from tests.test_cli import monitor

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Reader export</title></head><body>
<outline text="Belarus">
  <outline type="rss" text="RFE/RL Belarus" xmlUrl="https://www.rferl.org/api/zjmpqeyvmp/" />
  <outline type="rss" text="Nasha Niva" xmlUrl="https://nashaniva.com/rss" />
  <outline type="rss" text="Nasha Niva" xmlUrl="https://nashaniva.com/be/rss" />
</outline>
<outline type="rss" text="Local" xmlUrl="file:///etc/passwd" />
</body></opml>"""
CONFIGURED = (Feed("rferl", "https://WWW.rferl.org/api/zjmpqeyvmp", tags=("belarus",)),)


def test_an_opml_list_becomes_feeds_the_config_loads_without_the_known_ones() -> None:
    found = import_opml(OPML, "subs.opml", CONFIGURED)
    feeds = tomllib.loads(found.toml)["feeds"]
    assert [(f["name"], f["url"]) for f in feeds] == [
        ("nasha-niva", "https://nashaniva.com/rss"),
        ("nasha-niva-2", "https://nashaniva.com/be/rss"),
    ]
    assert feeds[0]["tags"] == ["Belarus"]
    assert found.added == 2 and len(found.skipped) == 2  # known (case, slash), not http(s)
    config = config_from_dict({"feeds": feeds}, "pasted")
    assert [f.name for f in config.feeds] == ["nasha-niva", "nasha-niva-2"]


def test_exported_feeds_import_back_to_nothing_new() -> None:
    feeds = (*CONFIGURED, Feed("folder", "/srv/news"), Feed("tg", "https://t.me/s/spring96"))
    opml = export_opml(feeds)
    assert "/srv/news" not in opml and 'category="belarus"' in opml
    again = import_opml(opml.encode(), "feeds.opml", feeds)
    assert again.added == 0 and again.toml == ""


def test_a_file_that_is_no_feed_list_is_refused_clearly() -> None:
    with pytest.raises(ConfigError, match=r"^notes.txt: no feeds found"):
        import_opml(b"shopping list: milk, bread", "notes.txt", ())


def test_entities_in_a_hostile_list_are_neither_expanded_nor_fetched() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body>'
        b'<outline type="rss" text="&c;&x;" xmlUrl="https://x.example/rss"/></body></opml>'
    )
    found = import_opml(bomb, "bomb.opml", ())
    assert "root:" not in found.toml and len(found.toml) < 500


def test_feeds_import_and_export_commands(tmp_path: Path) -> None:
    config = tmp_path / "m.toml"
    config.write_text('[[feeds]]\nname = "rferl"\nurl = "https://www.rferl.org/api/zjmpqeyvmp"\n')
    (tmp_path / "subs.opml").write_bytes(OPML)
    imported = monitor("--config", str(config), "feeds", "import", str(tmp_path / "subs.opml"))
    assert imported.returncode == 0, imported.stderr
    assert "2 new feed(s)" in imported.stderr
    config.write_text(config.read_text() + "\n" + imported.stdout)
    exported = monitor("--config", str(config), "feeds", "export")
    assert exported.stdout.count("<outline ") == 3
    missing = monitor("--config", str(config), "feeds", "import")
    assert missing.returncode == 2 and "name the OPML file" in missing.stderr
