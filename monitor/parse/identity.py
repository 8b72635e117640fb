"""One spelling per article address, so the same story is stored and alerted once.

In: a URL string. Out: the URL with tracking parameters and fragment removed, scheme and
host lowercased, default port dropped and query parameters sorted. Never raises.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "oly_", "__hs")
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "gclsrc", "yclid", "ysclid",
        "msclkid", "twclid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src", "ref_url",
        "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "vero_id", "vero_conv", "rb_clickid",
        "s_cid", "cmpid", "spm", "xtor", "ito", "wt_mc", "__twitter_impression",
    }
)  # fmt: skip
DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}


# An address already in canonical spelling: http(s), a lower-case host without port or
# user, no query, no fragment (most feed links). urlsplit/urlunsplit would give it back
# unchanged; skipping them halves the cost of building an article.
_PLAIN = re.compile(r"https?://[a-z0-9.-]+/[^\s?#]*")


def canonical_url(url: str) -> str:
    """The canonical spelling of `url`; text that is not a hierarchical URL is kept as is."""
    text = url.strip()
    if _PLAIN.fullmatch(text):
        return text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    if not parts.scheme or not parts.netloc:
        return text
    scheme = parts.scheme.lower()
    netloc = _netloc(parts.hostname or "", port, DEFAULT_PORTS.get(scheme), parts.netloc)
    path = parts.path or ("/" if scheme in DEFAULT_PORTS else "")
    return urlunsplit((scheme, netloc, path, _query(parts.query), ""))


def is_tracking(name: str) -> bool:
    """Whether a query parameter only says where the reader came from."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _netloc(host: str, port: int | None, default: int | None, original: str) -> str:
    """Lowercased host (brackets kept for IPv6), user info kept, default port dropped."""
    userinfo = original.rpartition("@")[0]
    shown = f"[{host}]" if ":" in host else host
    if port is not None and port != default:
        shown = f"{shown}:{port}"
    return f"{userinfo}@{shown}" if userinfo else shown


def _query(query: str) -> str:
    """Parameters sorted, tracking ones dropped; each kept pair is spelled as it came."""
    kept = []
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if pair and not is_tracking(unquote_plus(name)):
            kept.append((unquote_plus(name), unquote_plus(value), pair))
    return "&".join(pair for *_, pair in sorted(kept))
