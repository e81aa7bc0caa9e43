"""How much a page looks like an official page: component similarities (title, text, structure, form
fields, assets, phrases, TLSH) against a reference view, and their weighted blend."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tlsh
from rapidfuzz import fuzz

from detectors.page_features import PageFeatures
from detectors.textnorm import distinct_lines

TEXT_GRAM = 3
# Trigrams are taken from the head and the tail of long texts: copied headers, forms and footers sit
# there, and a page of 100 KB must not cost 100 000 trigrams.
TEXT_HEAD_CHARS = 3_000
TEXT_TAIL_CHARS = 1_000
# Structure is only compared when the official page has enough of it: every single-page-app shell
# looks alike.
MIN_STRUCTURE_SHINGLES = 30
# Likewise text: an official page with a few words (an app shell) is "contained" in anything on topic.
MIN_TEXT_GRAMS = 80
MIN_PARTIAL_TITLE = 8
# A file name that carries its build hash (app.7a2e6d91.js) is the same build, not the same framework.
_BUILD_NAME = re.compile(r"[.-][0-9a-f]{8,}\.(?:js|css)$|[.-][0-9A-Za-z_]{8}\.(?:js|css)$")
# Library files every kind of site loads: sharing them says nothing.
_GENERIC_ASSETS = re.compile(r"jquery|vue|element|bootstrap|layui|axios|polyfill|vendor|common|main|index|"
                             r"app\.|style|reset|base|global|favicon", re.I)


@dataclass(frozen=True)
class ReferenceView:
    """One official page as the detectors compare against it (loaded from a reference file)."""

    target: str
    url: str
    title: str = ""
    text_grams: frozenset[str] = frozenset()
    dom: frozenset[int] = frozenset()
    fields: frozenset[str] = frozenset()
    assets: frozenset[str] = frozenset()
    builds: frozenset[str] = frozenset()
    phrases: frozenset[str] = frozenset()
    favicon_mmh3: int | None = None
    tlsh: str | None = None


@dataclass
class PageSide:
    """What is computed once per page before comparing it with every reference view."""

    features: PageFeatures
    text_grams: frozenset[str]
    fields: frozenset[str]
    assets: frozenset[str]
    builds: frozenset[str]
    searchable: str          # the distinct lines of text and phrases, for finding official phrases anywhere
    found_phrases: dict[str, bool] = field(default_factory=dict)   # many views share their phrases

    def has_phrase(self, phrase: str) -> bool:
        found = self.found_phrases.get(phrase)
        if found is None:
            # Official phrases are single lines (prompts, labels, paths): each is in the distinct
            # lines exactly when it is in the page.
            found = self.found_phrases[phrase] = phrase in self.searchable
        return found


@dataclass
class Match:
    target: str
    view_url: str
    score: float                                   # 0..1, the weighted blend
    components: dict[str, float] = field(default_factory=dict)

    def strong_components(self, threshold: float = 0.6) -> list[str]:
        return [name for name, value in self.components.items() if value >= threshold]


def text_grams(text: str) -> frozenset[str]:
    """Character trigrams of the text without spaces (Chinese has no word boundaries to use)."""
    if len(text) > TEXT_HEAD_CHARS + TEXT_TAIL_CHARS:
        text = text[:TEXT_HEAD_CHARS] + "\n" + text[-TEXT_TAIL_CHARS:]
    compact = "".join(text.split())
    return frozenset(compact[i:i + TEXT_GRAM] for i in range(len(compact) - TEXT_GRAM + 1))


def asset_names(assets) -> frozenset[str]:
    """Distinctive file names among asset paths (generic library names left out)."""
    names = {a.rsplit("/", 1)[-1] for a in assets}
    return frozenset(n for n in names if n and not _GENERIC_ASSETS.search(n))


def build_names(raw_assets) -> frozenset[str]:
    """File names that carry a build hash, exactly as written."""
    return frozenset(n for n in (a.rsplit("/", 1)[-1].split("?")[0] for a in raw_assets) if _BUILD_NAME.search(n))


def field_tokens(features: PageFeatures) -> frozenset[str]:
    return frozenset(token for form in features.forms for token in form.tokens)


def page_side(features: PageFeatures) -> PageSide:
    return PageSide(features=features, text_grams=text_grams(features.text), fields=field_tokens(features),
                    assets=asset_names(features.assets), builds=build_names(features.asset_urls),
                    searchable=distinct_lines(features.text_lines + "\n" + "\n".join(features.phrases)))


def containment(reference: frozenset, page: frozenset) -> float:
    """Share of the reference found in the page (a clone may add, but keeps what it copied)."""
    return len(reference & page) / len(reference) if reference else 0.0


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def title_similarity(page_title: str, reference_title: str) -> float:
    """Edit similarity of two titles; a long official title found inside a longer page title counts
    nearly as much (a short one such as "证书查询" is inside too many titles to mean anything)."""
    if not page_title or not reference_title:
        return 0.0
    whole = fuzz.ratio(page_title, reference_title)
    if len(reference_title) < MIN_PARTIAL_TITLE:
        return whole / 100
    return max(whole, 0.9 * fuzz.partial_ratio(page_title, reference_title)) / 100


def tlsh_similarity(a: str, b: str) -> float:
    """TLSH distance as a similarity: 0 distance -> 1.0, 150 or more (unrelated markup) -> 0.0."""
    try:
        distance = tlsh.diff(a, b)
    except ValueError:
        return 0.0
    return max(0.0, 1.0 - distance / 150)


def phrase_share(view: ReferenceView, side: PageSide) -> float:
    """Share of the official page's prompts, labels and API paths that appear anywhere in the page."""
    if not view.phrases:
        return 0.0
    return sum(1 for p in view.phrases if side.has_phrase(p)) / len(view.phrases)


def compare(side: PageSide, view: ReferenceView, weights: dict) -> Match:
    """Component similarities of a page to one reference view, and their blend. A component the
    reference view has no data for is left out of the blend rather than counted as a mismatch."""
    page = side.features
    components: dict[str, float] = {}
    if view.title:
        components["title"] = title_similarity(page.title, view.title)
    if len(view.text_grams) >= MIN_TEXT_GRAMS:
        components["text"] = containment(view.text_grams, side.text_grams)
    if len(view.dom) >= MIN_STRUCTURE_SHINGLES:
        components["structure"] = jaccard(view.dom, page.dom_shingles)
    if view.fields:
        components["fields"] = containment(view.fields, side.fields)
    if view.assets or view.builds:
        same_build = bool(view.builds & side.builds)
        components["assets"] = 1.0 if same_build else containment(view.assets, side.assets)
    if view.phrases:
        components["phrases"] = phrase_share(view, side)
    if view.tlsh and page.tlsh:
        components["layout"] = tlsh_similarity(view.tlsh, page.tlsh)
    total = sum(weights[name] for name in components)
    score = sum(weights[name] * value for name, value in components.items()) / total if total else 0.0
    return Match(target=view.target, view_url=view.url, score=round(score, 3),
                 components={k: round(v, 3) for k, v in components.items()})


def best_match(side: PageSide, views, weights: dict) -> Match | None:
    """The reference view the page resembles most, or None when there is none to compare with."""
    return max((compare(side, view, weights) for view in views), key=lambda m: m.score, default=None)
