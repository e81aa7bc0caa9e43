"""Reference fingerprints of the official pages: built from a fetched page (and the scripts it loads,
since the current platform renders its form in JavaScript), stored as JSON in data/reference/,
loaded once for the page detector."""

from __future__ import annotations

import functools
import json
import ssl
import tomllib
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin

from detectors.identity import find_identity
from detectors.names import site_key
from detectors.page_features import PageFeatures, extract_features, favicon_hash, host_of, script_phrases
from detectors.similarity import ReferenceView, asset_names, build_names, field_tokens, text_grams
from detectors.targets import target_by_key, target_for_host, targets
from detectors.textnorm import charset_from_content_type, decode_html, normalize_text
from fakegov.errors import UserError

REFERENCE_DIR = Path(__file__).resolve().parent / "data" / "reference"
PAGES_FILE = REFERENCE_DIR / "pages.toml"
BEIJING = timezone(timedelta(hours=8))
STANDIN_NOTE = ("Stand-in built from the simulated world's copy of this site, not from the real one: "
                "recapture with `fakegov reference capture URL` against the real site before relying on it.")

MAX_PAGE_BYTES = 5_000_000
MAX_SCRIPTS = 12
MAX_FAVICON_BYTES = 200_000
TIMEOUT = 20
# Shorter prompts ("查询", "姓名", "证件号码") are on every query page; only longer ones identify a site.
MIN_PHRASE_CHARS = 5
_HEADERS = {"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                          "Chrome/126.0 Safari/537.36",
            "Accept-Language": "zh-CN,zh;q=0.9"}


def beijing_now() -> str:
    return datetime.now(BEIJING).isoformat(timespec="seconds")


# -- building a fingerprint ---------------------------------------------------------------------

def fingerprint_view(features: PageFeatures, scripts: list[str] = ()) -> dict:
    """The JSON form of one official page. Scripts add what a single-page app renders later:
    prompts, labels, API paths and the footer's identity numbers."""
    phrases = set(features.phrases)
    kinds = ("icp", "police", "site_codes", "conac_ids", "sponsors")
    identity = {kind: set(getattr(features.identity, kind)) for kind in kinds}
    for script in scripts:
        phrases |= script_phrases(script)
        found = find_identity(normalize_text(script), script)
        for kind in kinds:
            identity[kind].update(getattr(found, kind))
    return {
        "title": features.title,
        "text_grams": sorted(text_grams(features.text)),
        "dom": sorted(features.dom_shingles),
        "fields": sorted(field_tokens(features)),
        "assets": sorted(asset_names(features.assets)),
        "builds": sorted(build_names(features.asset_urls)),
        "phrases": sorted(p for p in phrases if len(p) >= MIN_PHRASE_CHARS or p.startswith("/")),
        "favicon_mmh3": features.favicon_mmh3,
        "tlsh": features.tlsh,
        "identity": {kind: sorted(values) for kind, values in identity.items()},
    }


# -- fetching -----------------------------------------------------------------------------------

def _opener(network) -> urllib.request.OpenerDirector:
    """urllib through the network's proxy; TLS trusts the world's CA, or (simulated only) anything."""
    if network.ca_cert:
        context = ssl.create_default_context(cafile=network.ca_cert)
    elif network.simulated:
        context = ssl._create_unverified_context()
    else:
        context = ssl.create_default_context()
    proxies = {"http": network.proxy, "https": network.proxy} if network.proxy else None
    return urllib.request.build_opener(urllib.request.ProxyHandler(proxies),
                                       urllib.request.HTTPSHandler(context=context))


def _fetch(opener, url: str, limit: int) -> tuple[bytes, str, str | None]:
    """Body (at most `limit` bytes), final URL and declared charset of one GET."""
    request = urllib.request.Request(url, headers=_HEADERS)
    with opener.open(request, timeout=TIMEOUT) as response:
        return response.read(limit), response.geturl(), charset_from_content_type(response.headers.get("Content-Type"))


def _fetch_optional(opener, url: str, limit: int) -> bytes | None:
    try:
        return _fetch(opener, url, limit)[0]
    except (OSError, urllib.error.URLError, ValueError):
        return None


def fetch_view(url: str, network) -> tuple[str, dict]:
    """Fetch an official page, its same-site scripts and its favicon; return (final URL, view)."""
    opener = _opener(network)
    try:
        body, final_url, charset = _fetch(opener, url, MAX_PAGE_BYTES)
    except (OSError, urllib.error.URLError, ValueError) as err:
        raise UserError(f"cannot fetch {url}: {getattr(err, 'reason', err)}") from None
    features = extract_features(decode_html(body, charset), final_url)
    favicon = _fetch_optional(opener, features.favicon_href or urljoin(final_url, "/favicon.ico"), MAX_FAVICON_BYTES)
    if favicon:
        features.favicon_mmh3 = favicon_hash(favicon)
    scripts = []
    for src in [s for s in features.asset_urls if s.split("?")[0].endswith(".js")][:MAX_SCRIPTS]:
        script_url = urljoin(final_url, src)
        if site_key(host_of(script_url) or features.host) == site_key(features.host):
            data = _fetch_optional(opener, script_url, MAX_PAGE_BYTES)
            if data:
                scripts.append(decode_html(data))
    return final_url, fingerprint_view(features, scripts)


# -- storing ------------------------------------------------------------------------------------

def _target_of(url: str):
    host = host_of(url)
    target = target_for_host(host) if host else None
    if target is None:
        raise UserError(f"{host or url} is not an official host of any target in detectors/data/targets.toml")
    return target


def store_view(target, url: str, view: dict, standin: bool, reference_dir: Path) -> Path:
    """Put one view into the target's reference file, replacing an earlier capture of the same URL."""
    path = reference_dir / target.reference
    document = json.loads(path.read_text("utf-8")) if path.exists() else {"target": target.key, "views": []}
    view = {"url": url, "captured_at": beijing_now(), "time_zone": "Asia/Shanghai (北京时间, UTC+8)",
            "standin": standin, **view}
    urls = [v["url"] for v in document["views"]]
    if url in urls:
        document["views"][urls.index(url)] = view      # in place: a recapture keeps the file's order
    else:
        document["views"].append(view)
    document["target"] = target.key
    document["name"] = target.name
    document["standin"] = any(v["standin"] for v in document["views"])
    if document["standin"]:
        document["note"] = STANDIN_NOTE
    else:
        document.pop("note", None)
    reference_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", "utf-8")
    tmp.replace(path)
    for cached in (load_documents, load_views, official_identity, official_favicons, official_builds):
        cached.cache_clear()
    return path


def capture_reference(url: str, network, reference_dir: Path | None = None, standin: bool | None = None) -> Path:
    """Fetch an official page and store its fingerprint as (part of) its target's reference.

    A capture from the real internet is marked "standin": false; one through a simulated world is a
    stand-in unless the caller says otherwise (the world only imitates the real site)."""
    target = _target_of(url)
    _, view = fetch_view(url, network)
    standin = network.simulated if standin is None else standin
    return store_view(target, url, view, standin, reference_dir or REFERENCE_DIR)


def capture_standins(network, reference_dir: Path | None = None) -> list[Path]:
    """(Re)build every target's stand-in reference from the pages listed in pages.toml, as served by
    `network` (the simulated world). `python -m detectors.reference` does it with the bundled world."""
    with open(PAGES_FILE, "rb") as fh:
        pages = tomllib.load(fh)["pages"]
    reference_dir = reference_dir or REFERENCE_DIR
    for key in pages:          # a rebuild starts afresh, in the order pages.toml lists the views
        (reference_dir / target_by_key(key).reference).unlink(missing_ok=True)
    return [capture_reference(url, network, reference_dir, standin=True)
            for key in pages for url in pages[key]]


# -- loading ------------------------------------------------------------------------------------

def _view(target: str, data: dict) -> ReferenceView:
    return ReferenceView(
        target=target, url=data["url"], title=data.get("title", ""),
        text_grams=frozenset(data.get("text_grams", ())), dom=frozenset(data.get("dom", ())),
        fields=frozenset(data.get("fields", ())), assets=frozenset(data.get("assets", ())),
        builds=frozenset(data.get("builds", ())), phrases=frozenset(data.get("phrases", ())),
        favicon_mmh3=data.get("favicon_mmh3"), tlsh=data.get("tlsh"))


@functools.cache
def load_documents(reference_dir: Path = REFERENCE_DIR) -> tuple[dict, ...]:
    """The reference files of all targets that have one (a missing or broken file is skipped)."""
    documents = []
    for target in targets():
        path = reference_dir / target.reference
        try:
            documents.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError):
            continue
    return tuple(documents)


@functools.cache
def load_views(reference_dir: Path = REFERENCE_DIR) -> tuple[ReferenceView, ...]:
    return tuple(_view(doc["target"], view) for doc in load_documents(reference_dir) for view in doc["views"])


@functools.cache
def official_identity(reference_dir: Path = REFERENCE_DIR) -> dict[str, str]:
    """Identity numbers of the official pages (ICP, 公安备案, site code, conac id) -> target key."""
    owners = {}
    for doc in load_documents(reference_dir):
        for view in doc["views"]:
            identity = view.get("identity", {})
            for kind in ("icp", "police", "site_codes", "conac_ids"):
                for value in identity.get(kind, ()):
                    owners.setdefault(value, doc["target"])
    return owners



@functools.cache
def official_favicons(reference_dir: Path = REFERENCE_DIR) -> dict[int, str]:
    """Favicon hashes (Shodan mmh3) of the official pages -> target key."""
    return {view.favicon_mmh3: view.target for view in load_views(reference_dir) if view.favicon_mmh3 is not None}


@functools.cache
def official_builds(reference_dir: Path = REFERENCE_DIR) -> dict[str, frozenset[str]]:
    """Hash-named build files (app.7a2e6d91.js) of each target's official pages."""
    builds: dict[str, frozenset[str]] = {}
    for view in load_views(reference_dir):
        builds[view.target] = builds.get(view.target, frozenset()) | view.builds
    return builds


if __name__ == "__main__":
    from fakegov.network import open_network

    with open_network(Path(__file__).resolve().parent.parent / "fixtures" / "world") as world_network:
        for stored in sorted(set(capture_standins(world_network))):
            print(f"stand-in reference stored: {stored}")
