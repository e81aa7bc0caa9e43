"""The second holdout (fixtures/corpus/holdout2): labels valid, files as labelled, the promised mix, new material."""

from __future__ import annotations

import re
import tomllib
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# One format for both corpora: the first corpus's rules are the definition, so they are imported, not copied.
from test_corpus import (
    BIG5_FAMILY,
    DOMAIN_SHAPES,
    ENCODINGS,
    GB_FAMILY,
    GOV_SUFFIXES,
    LARGE_BYTES,
    NATIONAL_HOSTS,
    OFFICIAL_OUTSIDE_GOV_CN,
    PAGE_FIELDS,
    PAGE_KINDS,
    PAGE_OPTIONAL,
    SMALL_BYTES,
    TARGETS,
    _TagBalance,
    check_labelled_encoding,
)

ROOT = Path(__file__).resolve().parent.parent
FIRST = ROOT / "fixtures" / "corpus"
HOLDOUT2 = FIRST / "holdout2"
WORLD_HOSTS = ROOT / "fixtures" / "world" / "hosts"
DEV_NAMES = ROOT / "tests" / "data" / "domains_dev.txt"

SET = "holdout2"
MAX_BYTES = 150 * 1024
SLOGANS = ("免考", "包过", "全国联网可查")
PROVINCIAL_EM_HOST = re.compile(r"^(yjt|yjglt|yjgl|yjglj|yjj)\.[a-z]+\.gov\.cn$")


def _load(folder: Path, name: str, key: str) -> list[dict]:
    with open(folder / name, "rb") as handle:
        return tomllib.load(handle)[key]


PAGES = _load(HOLDOUT2, "labels.toml", "page")
DOMAINS = _load(HOLDOUT2, "domains.toml", "domain")


def _host(url: str) -> str:
    return urlsplit(url).hostname.encode("idna").decode("ascii")


def _bytes(page: dict) -> bytes:
    return (HOLDOUT2 / page["path"]).read_bytes()


def _text(page: dict) -> str:
    return _bytes(page).decode(page["encoding"]).lstrip("\ufeff")


def _pages(label: str, kind: str | None = None) -> list[dict]:
    return [page for page in PAGES if page["label"] == label and kind in (None, page["kind"])]


# ---------------------------------------------------------------- pages: labels


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.get("path", "?"))
def test_page_entry_is_valid(page):
    assert PAGE_FIELDS <= page.keys(), f"missing {PAGE_FIELDS - page.keys()}"
    assert page.keys() <= PAGE_FIELDS | PAGE_OPTIONAL, f"unknown {page.keys() - PAGE_FIELDS - PAGE_OPTIONAL}"
    path = (HOLDOUT2 / page["path"]).resolve()
    assert path.is_file() and path.parent == (HOLDOUT2 / "pages").resolve()
    assert path.name.startswith(_host(page["url"]) + "--")
    parts = urlsplit(page["url"])
    assert parts.scheme in {"http", "https"} and parts.hostname
    assert page["label"] in PAGE_KINDS and page["kind"] in PAGE_KINDS[page["label"]]
    assert page["target"] in TARGETS | {""}
    if page["label"] == "fake":
        assert page["target"], "a fake names the site it imitates"
    assert page["set"] == SET
    assert page["encoding"] in ENCODINGS
    assert page.get("layout", "legacy") in {"legacy", "spa", "mobile"}
    assert page["note"].strip()


def test_every_file_is_labelled_once():
    paths = [page["path"] for page in PAGES]
    assert len(paths) == len(set(paths))
    assert {f"pages/{path.name}" for path in (HOLDOUT2 / "pages").iterdir()} == set(paths)


def test_pages_on_government_hosts_are_never_fakes():
    for page in PAGES:
        if _host(page["url"]).endswith(".gov.cn"):
            assert page["label"] != "fake", page["path"]


# ---------------------------------------------------------------- pages: the promised mix


def test_page_counts_per_label():
    labels = Counter(page["label"] for page in PAGES)
    assert len(PAGES) >= 60
    assert labels["fake"] >= 22 and labels["benign"] >= 26 and labels["official"] >= 8


def test_fakes_cover_every_kind_layout_and_target():
    fakes = _pages("fake")
    assert {"clone", "result", "seller", "wechat", "provincial"} <= {page["kind"] for page in fakes}
    assert {"legacy", "spa", "mobile"} <= {page.get("layout") for page in fakes}
    assert {page["target"] for page in fakes} == TARGETS


def test_fakes_include_the_hard_variants():
    clones = _pages("fake", "clone")
    shells = [page for page in clones if page.get("layout") == "spa" and len(_bytes(page)) < SMALL_BYTES]
    assert any('<div id="app"></div>' in _text(page) and _text(page).count("<script") >= 2 for page in shells)
    assert any(page["encoding"] in BIG5_FAMILY for page in clones)
    assert any(re.search(r'placeholder="Please enter', _text(page)) for page in clones), "no clone with English UI bits"
    assert any("谨防假冒" in _text(page) for page in clones), "no fake hiding behind 谨防假冒"
    assert any("国家安全生产考试" in _text(page) for page in _pages("fake", "wechat"))
    quiet_sellers = [page for page in _pages("fake", "seller") if not any(word in _text(page) for word in ("免考", "包过", "保过"))]
    assert quiet_sellers, "no subtle seller"


def test_benign_pages_cover_their_kinds_on_several_hosts():
    assert PAGE_KINDS["benign"] - {"other"} <= {page["kind"] for page in _pages("benign")}
    assert len({_host(page["url"]) for page in _pages("benign", "gov-warning")}) >= 4
    assert len({_host(page["url"]) for page in _pages("benign", "news")}) >= 3
    assert len({_host(page["url"]) for page in _pages("benign", "school")}) >= 2


def test_government_warnings_quote_the_slogans():
    """The government warnings are only hard if they really quote what the sellers say."""
    for page in _pages("benign", "gov-warning"):
        assert _host(page["url"]).endswith(".gov.cn"), page["path"]
        text = _text(page)
        assert all(slogan in text for slogan in SLOGANS), page["path"]


def test_a_judgement_quotes_a_fake_sites_slogans_and_address():
    judgements = [_text(page) for page in _pages("benign", "law") if "判决书" in _text(page)]
    assert any(re.search(r"cx\.mem\.gov\.cn\.[a-z0-9-]+\.[a-z]+", text) and "全国联网可查" in text for text in judgements)


def test_official_pages_cover_both_layouts_and_the_other_bodies():
    official = _pages("official")
    cx_kinds = {(page.get("layout"), page["kind"]) for page in official if _host(page["url"]) == "cx.mem.gov.cn"}
    assert {(layout, kind) for layout in ("legacy", "spa") for kind in ("query", "result", "noresult")} <= cx_kinds
    hosts = {_host(page["url"]) for page in official}
    assert {"www.mem.gov.cn", "cnse.samr.gov.cn"} <= hosts
    assert any(PROVINCIAL_EM_HOST.match(host) for host in hosts)


# ---------------------------------------------------------------- pages: bytes


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page["path"])
def test_page_bytes_are_in_the_labelled_encoding(page):
    check_labelled_encoding(page, _bytes(page))


def test_encoding_mix():
    encodings = Counter(page["encoding"] for page in PAGES)
    assert sum(encodings[name] for name in GB_FAMILY) >= 6
    assert sum(encodings[name] for name in BIG5_FAMILY) >= 2
    assert sum("declared" in page for page in PAGES) >= 1
    assert sum(page.get("bom", False) for page in PAGES) >= 1


def test_big5_pages_are_traditional():
    for page in PAGES:
        if page["encoding"] in BIG5_FAMILY:
            assert re.search("[證網們這話過國]", _text(page)), page["path"]


def test_sizes_run_from_tiny_to_150_kb_without_padding():
    sizes = {page["path"]: len(_bytes(page)) for page in PAGES}
    assert sum(size < SMALL_BYTES for size in sizes.values()) >= 3
    assert max(sizes.values()) <= MAX_BYTES
    large = [page for page in PAGES if sizes[page["path"]] >= LARGE_BYTES]
    assert len(large) >= 2
    for page in large:
        data = _bytes(page)
        # real markup compresses 5-15x; repeated filler compresses far more
        assert len(zlib.compress(data, 9)) / len(data) > 0.05, page["path"]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page["path"])
def test_malformed_flag_matches_the_markup(page):
    problems = _TagBalance().problems(_text(page))
    if page.get("malformed"):
        assert problems, "labelled malformed but the tags balance"
    else:
        assert not problems, problems[:5]


# ---------------------------------------------------------------- pages: new material


def _world_hosts() -> set[str]:
    return {path.name.lower() for path in WORLD_HOSTS.iterdir() if path.is_dir()} if WORLD_HOSTS.is_dir() else set()


def test_no_page_host_is_the_worlds_or_the_first_corpus_except_national_official_pages():
    first = _load(FIRST, "labels.toml", "page")
    first_hosts = {_host(page["url"]) for page in first}
    taken = _world_hosts() | first_hosts
    seen = {(FIRST / page["path"]).read_bytes() for page in first}
    for host in _world_hosts() & {_host(page["url"]) for page in PAGES}:
        seen |= {file.read_bytes() for file in (WORLD_HOSTS / host).rglob("*") if file.is_file()}
    for page in PAGES:
        host = _host(page["url"])
        if host in taken:
            assert page["label"] == "official" and host in NATIONAL_HOSTS, f"{page['path']}: {host} is taken"
        assert _bytes(page) not in seen, f"{page['path']} is a copy of an existing page"


# ---------------------------------------------------------------- domains


@pytest.mark.parametrize("entry", DOMAINS, ids=lambda entry: entry.get("name", "?"))
def test_domain_entry_is_valid(entry):
    required = {"name", "label", "set", "note"} | ({"target", "shape"} if entry.get("label") == "lookalike" else set())
    assert required <= entry.keys() <= required | {"target", "shape"}
    name = entry["name"]
    assert name == name.strip().lower() and " " not in name and not name.endswith(".")
    assert name.encode("idna").decode("ascii").encode("ascii").decode("idna")
    assert entry["label"] in {"lookalike", "benign", "official"}
    assert entry["set"] == SET
    if entry["label"] == "lookalike":
        assert entry["target"] in TARGETS and entry["shape"] in DOMAIN_SHAPES


def test_domain_names_are_unique():
    names = Counter(entry["name"] for entry in DOMAINS)
    assert [name for name, count in names.items() if count > 1] == []


def test_domain_names_are_new():
    first = {entry["name"] for entry in _load(FIRST, "domains.toml", "domain")}
    dev = {line.split()[-1] for line in DEV_NAMES.read_text().splitlines() if line.strip() and not line.startswith("#")}
    old = first | dev | _world_hosts()
    assert [entry["name"] for entry in DOMAINS if entry["name"] in old] == []


def test_government_names_are_official_and_only_they():
    for entry in DOMAINS:
        if entry["name"].endswith(GOV_SUFFIXES):
            assert entry["label"] == "official", entry["name"]
        elif entry["label"] == "official":
            assert entry["name"] in OFFICIAL_OUTSIDE_GOV_CN, entry["name"]


def test_domain_counts_and_shapes():
    labels = Counter(entry["label"] for entry in DOMAINS)
    assert len(DOMAINS) >= 150
    assert labels["lookalike"] >= 80 and labels["benign"] >= 30 and labels["official"] >= 15
    shapes = Counter(entry["shape"] for entry in DOMAINS if entry["label"] == "lookalike")
    assert shapes.keys() == DOMAIN_SHAPES
    targets = {entry["target"] for entry in DOMAINS if entry["label"] == "lookalike"}
    assert targets == TARGETS


def test_every_idn_name_is_given_in_both_forms():
    by_name = {entry["name"]: entry for entry in DOMAINS}
    for entry in DOMAINS:
        if entry["name"].isascii():
            continue
        ascii_form = by_name.get(entry["name"].encode("idna").decode("ascii"))
        assert ascii_form is not None, f"{entry['name']} has no punycode entry"
        assert ascii_form["label"] == entry["label"]


def test_listed_page_hosts_are_lookalikes_exactly_when_the_page_is_fake():
    """A benign page may sit on an official host (a bureau's warning), never on a lookalike one."""
    by_name = {entry["name"]: entry["label"] for entry in DOMAINS}
    for page in PAGES:
        label = by_name.get(_host(page["url"]))
        if label is not None:
            assert (label == "lookalike") == (page["label"] == "fake"), page["path"]
