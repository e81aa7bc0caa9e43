"""What the capture needs to know about a page to decide what to fetch next: links, frames, icons,
resources, forms and client-side redirects. Read with lxml; hostile markup only ever gives less."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

_JS_REDIRECT = re.compile(
    r"""(?:window\.|top\.|self\.|document\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*["']([^"']{1,2000})["']""")
_META_REFRESH_URL = re.compile(r"""url\s*=\s*['"]?([^'";]+)""", re.I)


@dataclass
class Outline:
    links: list[tuple[str, str]] = field(default_factory=list)   # (absolute url, anchor text)
    frames: list[str] = field(default_factory=list)
    icons: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)            # scripts, styles, images
    forms: list[dict] = field(default_factory=list)
    refresh: str | None = None                                    # meta refresh or script redirect target
    refresh_how: str | None = None
    text_length: int = 0


def _absolute(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if href.startswith(("javascript:", "mailto:", "tel:", "data:", "#", "about:")):
        return None
    try:
        url = urljoin(base, href)
    except ValueError:
        return None
    return url.split("#", 1)[0] if urlsplit(url).scheme in ("http", "https") else None


def read_outline(text: str, base_url: str) -> Outline:
    outline = Outline()
    if not text or not text.strip():
        return outline
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return outline
    base = root.find(".//base")
    if base is not None and base.get("href"):
        base_url = _absolute(base_url, base.get("href")) or base_url
    for anchor in root.iter("a"):
        url = _absolute(base_url, anchor.get("href"))
        if url:
            outline.links.append((url, " ".join(anchor.text_content().split())[:80]))
    for frame in root.iter("iframe", "frame"):
        url = _absolute(base_url, frame.get("src"))
        if url:
            outline.frames.append(url)
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower()
        url = _absolute(base_url, link.get("href"))
        if url and "icon" in rel:
            outline.icons.append(url)
        elif url and "stylesheet" in rel:
            outline.resources.append(url)
    for element in root.iter("script", "img"):
        url = _absolute(base_url, element.get("src"))
        if url:
            outline.resources.append(url)
    for meta in root.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh":
            match = _META_REFRESH_URL.search(meta.get("content") or "")
            if match:
                outline.refresh, outline.refresh_how = _absolute(base_url, match.group(1)), "meta-refresh"
    body = root.find("body")
    outline.text_length = len("".join(body.itertext()).strip()) if body is not None else 0
    if outline.refresh is None:
        for script in root.iter("script"):
            match = _JS_REDIRECT.search(script.text or "")
            if match:
                outline.refresh, outline.refresh_how = _absolute(base_url, match.group(1)), "script"
                break
    outline.forms = [_form(form, base_url) for form in root.iter("form")]
    return outline


def _form(form, base_url: str) -> dict:
    inputs = []
    for field_ in form.iter("input", "select", "textarea"):
        entry = {"tag": field_.tag, "type": (field_.get("type") or "").lower(), "name": field_.get("name"),
                 "id": field_.get("id"), "placeholder": field_.get("placeholder"), "value": field_.get("value")}
        if field_.tag == "select":
            entry["options"] = [option.get("value") or option.text_content().strip()
                                for option in field_.iter("option")][:20]
        inputs.append({key: value for key, value in entry.items() if value not in (None, "")})
    return {"action": _absolute(base_url, form.get("action")) or base_url,
            "method": (form.get("method") or "get").upper(), "inputs": inputs}
