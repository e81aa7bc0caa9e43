"""The labelled evaluation corpus (fixtures/corpus): labels valid, files as labelled, mix as promised, apart from the world."""

from __future__ import annotations

import re
import tomllib
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
WORLD_HOSTS = ROOT / "fixtures" / "world" / "hosts"

TARGETS = {"cx.mem.gov.cn", "www.mem.gov.cn", "cnse.samr.gov.cn", "zlaq.mohurd.gov.cn", "zscx.osta.org.cn"}
PAGE_KINDS = {
    "fake": {"clone", "result", "seller", "wechat", "provincial", "lookup"},
    "benign": {"news", "gov-warning", "encyclopedia", "forum", "school", "recruitment", "lookup", "blog", "shop", "law", "other"},
    "official": {"portal", "query", "result", "noresult", "service", "notice", "wechat"},
}
PAGE_FIELDS = {"path", "url", "label", "kind", "target", "set", "encoding", "note"}
PAGE_OPTIONAL = {"layout", "declared", "bom", "malformed"}
ENCODINGS = {"utf-8", "gbk", "gb2312", "gb18030", "big5", "big5hkscs"}
GB_FAMILY = {"gbk", "gb2312", "gb18030"}
BIG5_FAMILY = {"big5", "big5hkscs"}
# Labels that browsers (WHATWG Encoding) decode with the labelled encoding, so naming them is not wrong.
BROWSER_ALIASES = {"big5hkscs": {"big5"}, "gbk": {"gbk", "x-gbk"}, "utf-8": {"utf-8", "utf8"}}
# The national hosts are necessarily served by the world too (as stand-ins); corpus pages saved from
# them must at least be different pages from the world's.
NATIONAL_HOSTS = {"cx.mem.gov.cn", "www.mem.gov.cn", "www.chinasafety.gov.cn", "cnse.samr.gov.cn", "cnse.e-cqs.cn",
                  "zlaq.mohurd.gov.cn", "zscx.osta.org.cn"}

DOMAIN_SHAPES = {"dots", "gov-in-name", "subdomain", "typo", "homoglyph", "idn-homoglyph", "idn-chinese", "pinyin",
                 "combo", "tld-swap", "cheap-tld", "digits"}
OFFICIAL_OUTSIDE_GOV_CN = {"zscx.osta.org.cn", "www.osta.org.cn", "cnse.e-cqs.cn"}
GOV_SUFFIXES = (".gov.cn", ".政务", ".xn--zfr164b")

SMALL_BYTES = 1500
LARGE_BYTES = 100_000


def _load(name: str, key: str) -> list[dict]:
    with open(CORPUS / name, "rb") as handle:
        return tomllib.load(handle)[key]


PAGES = _load("labels.toml", "page")
DOMAINS = _load("domains.toml", "domain")


def _host(url: str) -> str:
    return urlsplit(url).hostname.encode("idna").decode("ascii")


def _bytes(page: dict) -> bytes:
    return (CORPUS / page["path"]).read_bytes()


def _declared_charset(data: bytes) -> str | None:
    head = data[:4096].decode("latin-1")
    match = re.search(r"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", head, re.IGNORECASE)
    return match.group(1).lower() if match else None


class _TagBalance(HTMLParser):
    """Counts elements left open, or closed only implicitly, ignoring the ones HTML lets you leave open."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
    OPTIONAL_END = {"html", "head", "body", "p", "li", "dt", "dd", "tr", "td", "th", "tbody", "thead", "tfoot",
                    "option", "optgroup", "colgroup", "caption"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.broken: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        """XHTML-style <x/> opens nothing."""

    def handle_endtag(self, tag):
        if tag not in self.open:
            self.broken.append(f"</{tag}> without a start")
            return
        while (top := self.open.pop()) != tag:
            if top not in self.OPTIONAL_END:
                self.broken.append(f"<{top}> closed by </{tag}>")

    def problems(self, text: str) -> list[str]:
        self.feed(text)
        self.close()
        return self.broken + [f"<{tag}> never closed" for tag in self.open if tag not in self.OPTIONAL_END]


# ---------------------------------------------------------------- pages: labels


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.get("path", "?"))
def test_page_entry_is_valid(page):
    assert PAGE_FIELDS <= page.keys(), f"missing {PAGE_FIELDS - page.keys()}"
    assert page.keys() <= PAGE_FIELDS | PAGE_OPTIONAL, f"unknown {page.keys() - PAGE_FIELDS - PAGE_OPTIONAL}"
    path = (CORPUS / page["path"]).resolve()
    assert path.is_file() and path.parent == (CORPUS / "pages").resolve()
    parts = urlsplit(page["url"])
    assert parts.scheme in {"http", "https"} and parts.hostname
    assert page["label"] in PAGE_KINDS and page["kind"] in PAGE_KINDS[page["label"]]
    assert page["target"] in TARGETS | {""}
    if page["label"] == "fake":
        assert page["target"], "a fake names the site it imitates"
    assert page["set"] in {"tune", "holdout"}
    assert page["encoding"] in ENCODINGS
    assert page.get("layout", "legacy") in {"legacy", "spa", "mobile"}
    assert page["note"].strip()


def test_page_paths_are_unique_and_every_file_is_labelled():
    paths = [page["path"] for page in PAGES]
    assert len(paths) == len(set(paths))
    on_disk = {f"pages/{path.name}" for path in (CORPUS / "pages").iterdir()}
    assert on_disk == set(paths)


def test_pages_on_government_hosts_are_never_fakes():
    for page in PAGES:
        if _host(page["url"]).endswith(".gov.cn"):
            assert page["label"] != "fake", page["path"]


# ---------------------------------------------------------------- pages: the promised mix


def test_page_counts_per_label():
    labels = Counter(page["label"] for page in PAGES)
    assert len(PAGES) >= 90
    assert labels["fake"] >= 30 and labels["benign"] >= 40 and labels["official"] >= 10


def test_holdout_is_about_a_third_and_spread_over_kinds():
    holdout = sum(page["set"] == "holdout" for page in PAGES)
    assert 0.25 <= holdout / len(PAGES) <= 0.45
    sets_by_kind: dict[tuple, set] = {}
    for page in PAGES:
        sets_by_kind.setdefault((page["label"], page["kind"]), set()).add(page["set"])
    for (label, kind), sets in sets_by_kind.items():
        if sum(page["label"] == label and page["kind"] == kind for page in PAGES) >= 3:
            assert sets == {"tune", "holdout"}, f"{label}/{kind} is not split"


def test_fakes_cover_every_kind_layout_and_target():
    fakes = [page for page in PAGES if page["label"] == "fake"]
    assert {"clone", "result", "seller", "wechat", "provincial"} <= {page["kind"] for page in fakes}
    assert {"legacy", "spa", "mobile"} <= {page.get("layout") for page in fakes}
    assert {page["target"] for page in fakes} == TARGETS


def test_benign_and_official_cover_their_kinds():
    assert PAGE_KINDS["benign"] - {"other"} <= {page["kind"] for page in PAGES if page["label"] == "benign"}
    official = [page for page in PAGES if page["label"] == "official"]
    cx_kinds = {(page.get("layout"), page["kind"]) for page in official if page["target"] == "cx.mem.gov.cn"}
    assert {("legacy", "query"), ("legacy", "result"), ("spa", "query"), ("spa", "result"), ("spa", "noresult")} <= cx_kinds
    assert {"cnse.samr.gov.cn", "zlaq.mohurd.gov.cn", "zscx.osta.org.cn", "www.mem.gov.cn"} <= {page["target"] for page in official}


def test_hardest_benign_pages_quote_the_slogans():
    """The government warnings are only hard if they really quote what the sellers say."""
    slogans = ("免考", "包过", "保过", "速成", "全国联网可查", "官网可查")
    for page in PAGES:
        if page["kind"] == "gov-warning":
            text = _bytes(page).decode(page["encoding"])
            assert _host(page["url"]).endswith(".gov.cn"), page["path"]
            assert sum(slogan in text for slogan in slogans) >= 2, page["path"]


# ---------------------------------------------------------------- pages: bytes


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page["path"])
def test_page_bytes_are_in_the_labelled_encoding(page):
    check_labelled_encoding(page, _bytes(page))


def check_labelled_encoding(page: dict, data: bytes) -> None:
    """The bytes decode in the labelled encoding, and a declared charset is right unless labelled wrong."""
    has_bom = data.startswith(b"\xef\xbb\xbf")
    assert has_bom == page.get("bom", False)
    text = data[3 if has_bom else 0:].decode(page["encoding"])
    assert re.search(r"[\u4e00-\u9fff]", text), "no Chinese text"
    declared = _declared_charset(data)
    if "declared" in page:
        assert declared == page["declared"] != page["encoding"]
        try:
            misread = data.decode(page["declared"])
        except UnicodeDecodeError:
            misread = None
        assert misread != text, "the declared charset reads the page correctly, so it is not wrong"
    elif declared is not None:
        assert declared in BROWSER_ALIASES.get(page["encoding"], {page["encoding"]}), declared


def test_encoding_mix():
    encodings = Counter(page["encoding"] for page in PAGES)
    assert sum(encodings[name] for name in GB_FAMILY) >= 8
    assert sum(encodings[name] for name in BIG5_FAMILY) >= 4
    assert sum("declared" in page for page in PAGES) >= 2
    assert sum(page.get("bom", False) for page in PAGES) >= 2


def test_traditional_character_pages_are_traditional():
    for page in PAGES:
        if page["encoding"] in BIG5_FAMILY:
            text = _bytes(page).decode(page["encoding"])
            assert re.search("[證網們這話過國]", text), page["path"]


def test_sizes_include_tiny_and_large_pages_without_padding():
    sizes = {page["path"]: len(_bytes(page)) for page in PAGES}
    assert sum(size < SMALL_BYTES for size in sizes.values()) >= 3
    large = [page for page in PAGES if sizes[page["path"]] >= LARGE_BYTES]
    assert len(large) >= 3
    for page in large:
        data = _bytes(page)
        # real markup compresses 5-15x; repeated filler compresses far more
        assert len(zlib.compress(data, 9)) / len(data) > 0.05, page["path"]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page["path"])
def test_malformed_flag_matches_the_markup(page):
    text = _bytes(page).decode(page["encoding"]).lstrip("\ufeff")
    problems = _TagBalance().problems(text)
    if page.get("malformed"):
        assert problems, "labelled malformed but the tags balance"
    else:
        assert not problems, problems[:5]


def test_a_few_pages_are_malformed():
    assert sum(page.get("malformed", False) for page in PAGES) >= 3


# ---------------------------------------------------------------- pages: apart from the world


def test_no_page_host_is_served_by_the_world():
    if not WORLD_HOSTS.is_dir():
        pytest.skip("fixtures/world/hosts is absent")
    world = {path.name.lower() for path in WORLD_HOSTS.iterdir() if path.is_dir()}
    for page in PAGES:
        host = _host(page["url"])
        if host not in world:
            continue
        assert page["label"] == "official" and host in NATIONAL_HOSTS, f"{page['path']}: {host} is a world host"
        served = {file.read_bytes() for file in (WORLD_HOSTS / host).rglob("*") if file.is_file()}
        assert _bytes(page) not in served, f"{page['path']} is a copy of a world file"


# ---------------------------------------------------------------- domains


@pytest.mark.parametrize("entry", DOMAINS, ids=lambda entry: entry.get("name", "?"))
def test_domain_entry_is_valid(entry):
    required = {"name", "label", "set", "note"} | ({"target", "shape"} if entry.get("label") == "lookalike" else set())
    assert required <= entry.keys() <= required | {"target", "shape"}
    name = entry["name"]
    assert name == name.strip().lower() and " " not in name and not name.endswith(".")
    ascii_form = name.encode("idna").decode("ascii")
    assert ascii_form.encode("ascii").decode("idna")
    assert entry["label"] in {"lookalike", "benign", "official"}
    assert entry["set"] in {"tune", "holdout"}
    if entry["label"] == "lookalike":
        assert entry["target"] in TARGETS and entry["shape"] in DOMAIN_SHAPES


def test_domain_names_are_unique():
    names = Counter(entry["name"] for entry in DOMAINS)
    assert [name for name, count in names.items() if count > 1] == []


def test_government_names_are_official_and_only_they():
    for entry in DOMAINS:
        name = entry["name"]
        under_gov = name.endswith(GOV_SUFFIXES)
        if under_gov:
            assert entry["label"] == "official", name
        elif entry["label"] == "official":
            assert name in OFFICIAL_OUTSIDE_GOV_CN, name


def test_domain_counts_and_holdout():
    labels = Counter(entry["label"] for entry in DOMAINS)
    assert len(DOMAINS) >= 300
    assert labels["lookalike"] >= 120 and labels["benign"] >= 80 and labels["official"] >= 40
    holdout = sum(entry["set"] == "holdout" for entry in DOMAINS)
    assert 0.25 <= holdout / len(DOMAINS) <= 0.45
    for label in ("lookalike", "benign", "official"):
        assert {entry["set"] for entry in DOMAINS if entry["label"] == label} == {"tune", "holdout"}


def test_every_shape_is_in_both_sets():
    sets_by_shape: dict[str, set] = {}
    for entry in DOMAINS:
        if entry["label"] == "lookalike":
            sets_by_shape.setdefault(entry["shape"], set()).add(entry["set"])
    assert sets_by_shape.keys() == DOMAIN_SHAPES
    assert all(sets == {"tune", "holdout"} for sets in sets_by_shape.values()), sets_by_shape


def test_every_idn_name_is_given_in_both_forms_in_one_set():
    by_name = {entry["name"]: entry for entry in DOMAINS}
    for entry in DOMAINS:
        if entry["name"].isascii():
            continue
        ascii_form = by_name.get(entry["name"].encode("idna").decode("ascii"))
        assert ascii_form is not None, f"{entry['name']} has no punycode entry"
        assert (ascii_form["label"], ascii_form["set"]) == (entry["label"], entry["set"])


def test_page_hosts_listed_as_domains_share_the_page_set():
    """A name tuned on must not identify a holdout page, and the other way round."""
    by_name = {entry["name"].encode("idna").decode("ascii"): entry for entry in DOMAINS}
    for page in PAGES:
        entry = by_name.get(_host(page["url"]))
        if entry is not None and page["label"] == "fake":
            assert entry["set"] == page["set"], page["path"]
