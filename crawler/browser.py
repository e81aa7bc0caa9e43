"""Browser capture (`fakegov crawl render`): full-page screenshots and rendered DOM of flagged sites in
Debian's Chromium, blank-screenshot detection, perceptual hashes, the rescoring of rendered pages and
their likeness to the official pages (whose hashes `--references` renders the same way)."""

from __future__ import annotations

import asyncio
import functools
import io
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version as package_version
from pathlib import Path
from urllib.parse import urlsplit

import imagehash
from PIL import Image
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright

from crawler.settings import DOWNLOAD_MAXSIZE, USER_AGENT
from crawler.storing import detector_version
from detectors.domains import score_domain
from detectors.names import site_key
from detectors.pages import score_text
from detectors.reasons import Reason
from detectors.reference import BEIJING, PAGES_FILE, REFERENCE_DIR, STANDIN_NOTE
from detectors.targets import target_by_key
from detectors.verdict import combine
from detectors.weights import weights
from fakegov.clock import beijing, parse
from fakegov.errors import UserError
from fakegov.network import open_network
from store import queries
from store.db import transaction
from store.store import open_store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync")
VIEWPORT = {"width": 1366, "height": 768}
LOCALE = "zh-CN"
TIMEZONE = "Asia/Shanghai"
PAGE_TIME_LIMIT = 20.0
# A single-page app calls its API after "load"; wait at most this long for the network to go quiet.
SETTLE_SECONDS = 3.0
# The crawler's own download limit, so the browser refuses the same pages the crawler cut off.
MAX_ANSWER_BYTES = DOWNLOAD_MAXSIZE
# Taller pages are shot down to this height (endless lists would give a PNG nobody can open).
MAX_SCREENSHOT_HEIGHT = 16_000
# Pages rendered at once, each in its own browser context. Measured on 2 cores (15 world pages):
# 1 at a time 45 pages/min, 2 at a time 52, 3 at a time 42.
CONCURRENCY = 2
CLOSE_SECONDS = 5.0
VISUAL_SUFFIX = ".visual.json"
HASH_NOTE = "imagehash.phash (64 bits) of the first screen, 1366x768, of a full-page screenshot"
# Playwright's words for a page that was replaced (navigated away) while we read it.
_NAVIGATED = ("Execution context was destroyed", "navigating", "frame was detached")


class RenderError(Exception):
    """A page that could not be rendered; the message is one line for the run's errors."""


@dataclass
class Rendered:
    url: str                    # the address asked for
    final_url: str              # where the browser ended (after redirects and scripts)
    status: int | None
    png: bytes
    dom: str | None             # page.content(); None when larger than MAX_ANSWER_BYTES
    height: int                 # the page's full height in CSS pixels
    dialogs: list[str] = field(default_factory=list)
    popups: list[str] = field(default_factory=list)

    @property
    def clipped(self) -> bool:
        return self.height > MAX_SCREENSHOT_HEIGHT


# -- the browser ----------------------------------------------------------------------------------

def chromium_missing() -> str | None:
    """Why Debian's Chromium cannot be used here, or None (the project never downloads a browser)."""
    return None if CHROMIUM.exists() else f"{CHROMIUM} is absent: install Debian's chromium package"


@functools.cache
def cjk_font() -> str:
    """The font Chromium draws Chinese text with, as fontconfig chooses it (part of the render's environment)."""
    if not shutil.which("fc-match"):
        return "unknown (fc-match is absent)"
    result = subprocess.run(["fc-match", "-f", "%{family[0]}", "sans-serif:lang=zh-cn"],
                            capture_output=True, text=True, timeout=10, check=False)
    return result.stdout.strip() or "unknown"


class Chromium:
    """One headless Chromium with a fresh profile; every page gets its own context, closed after it."""

    def __init__(self, network, time_limit: float = PAGE_TIME_LIMIT):
        self.network = network
        self.time_limit = time_limit
        self._playwright = None
        self._browser = None
        self._relaunch = asyncio.Lock()

    async def __aenter__(self) -> Chromium:
        self._playwright = await async_playwright().start()
        await self._launch()
        return self

    async def __aexit__(self, *exc) -> None:
        if self._browser is not None:
            await _quietly(self._browser.close(), CLOSE_SECONDS)
        await self._playwright.stop()

    async def _launch(self) -> None:
        proxy = {"server": self.network.proxy} if self.network.proxy else None
        self._browser = await self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), proxy=proxy, headless=True)

    @property
    def version(self) -> str:
        return self._browser.version

    def environment(self) -> str:
        """What evidence rules ask to state: the tools, their versions and the rendering settings."""
        return (f"浏览器 Chromium {self.version}（{CHROMIUM}，无头模式，全新配置），Playwright "
                f"{package_version('playwright')}，窗口 {VIEWPORT['width']}×{VIEWPORT['height']}，语言 {LOCALE}，"
                f"时区 {TIMEZONE}，中文字体 {cjk_font()}，代理 {self.network.proxy or '无（直接访问）'}，"
                f"User-Agent {USER_AGENT}")

    async def render(self, url: str) -> Rendered:
        """Render one page within the time limit, or raise RenderError; never leaves a page behind."""
        async with self._relaunch:                  # a page crashed the browser: the next one gets a new one
            if not self._browser.is_connected():
                await self._launch()
        # Broken certificates are common on fakes and must not hide their pages; the crawler records
        # each certificate itself. Service workers could serve later visits from their cache.
        context = await self._browser.new_context(
            ignore_https_errors=True, locale=LOCALE, timezone_id=TIMEZONE, viewport=VIEWPORT,
            user_agent=USER_AGENT, service_workers="block", accept_downloads=False)
        try:
            return await asyncio.wait_for(_render_in(context, url, self.time_limit), self.time_limit + CLOSE_SECONDS)
        except asyncio.TimeoutError:
            raise RenderError(f"no result within {self.time_limit:g} s") from None
        except PlaywrightError as err:
            raise RenderError(_one_line(err)) from None
        finally:
            if not await _quietly(context.close(), CLOSE_SECONDS):
                await _quietly(self._browser.close(), CLOSE_SECONDS)


async def _quietly(awaitable, seconds: float) -> bool:
    """Await cleanup within `seconds`; False if it failed or hung (the caller escalates)."""
    try:
        await asyncio.wait_for(awaitable, seconds)
        return True
    except Exception:  # noqa: BLE001 - cleanup of a page that is already gone
        return False


def _one_line(err: BaseException) -> str:
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return " ".join(first.split())[:300]


class _Deadline:
    """The time left for one page, handed out to each Playwright call as its timeout."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self, cap: float | None = None) -> float:
        left = max(0.05, self._end - time.monotonic())
        return min(left, cap) if cap is not None else left

    def ms(self, cap: float | None = None) -> float:
        return self.left(cap) * 1000


class _Guard:
    """Keeps a hostile page in check: dialogs dismissed, popups closed, oversized answers stopped."""

    def __init__(self, page):
        self.page = page
        self.dialogs: list[str] = []
        self.popups: list[str] = []
        self.oversized = False
        self.navigations = 0
        self._received: dict[str, int] = {}
        self._session = None

    async def start(self, context) -> None:
        self.page.on("dialog", self._on_dialog)
        self.page.on("popup", self._on_popup)
        self.page.on("framenavigated", self._on_navigated)
        # Playwright has no size limit; the DevTools protocol reports every chunk as it arrives.
        self._session = await context.new_cdp_session(self.page)
        self._session.on("Network.responseReceived", self._on_response)
        self._session.on("Network.dataReceived", self._on_data)
        await self._session.send("Network.enable")

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message[:200]}")
        asyncio.ensure_future(_quietly(dialog.dismiss(), CLOSE_SECONDS))

    def _on_popup(self, popup) -> None:
        self.popups.append(popup.url)
        asyncio.ensure_future(_quietly(popup.close(), CLOSE_SECONDS))

    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.navigations += 1

    def _on_response(self, event: dict) -> None:
        headers = {key.lower(): value for key, value in event.get("response", {}).get("headers", {}).items()}
        declared = str(headers.get("content-length", "")).strip()
        if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
            self._stop()

    def _on_data(self, event: dict) -> None:
        request = event.get("requestId", "")
        self._received[request] = self._received.get(request, 0) + int(event.get("dataLength", 0))
        if self._received[request] > MAX_ANSWER_BYTES:
            self._stop()

    def _stop(self) -> None:
        if not self.oversized:
            self.oversized = True
            asyncio.ensure_future(_quietly(self._session.send("Page.stopLoading"), CLOSE_SECONDS))

    def check(self) -> None:
        if self.oversized:
            raise RenderError(f"an answer was larger than {MAX_ANSWER_BYTES // (1024 * 1024)} MB; loading stopped")


async def _render_in(context, url: str, seconds: float) -> Rendered:
    deadline = _Deadline(seconds)
    page = await context.new_page()
    guard = _Guard(page)
    await guard.start(context)
    try:
        response = await page.goto(url, wait_until="commit", timeout=deadline.ms())
    except PlaywrightError as err:
        if "Download is starting" in str(err):
            raise RenderError("the address starts a download, not a page (refused)") from None
        raise
    loaded = await _settle(page, deadline)
    guard.check()
    try:
        height, png, dom = await _read_page(page, deadline)
    except (asyncio.TimeoutError, PlaywrightTimeout):
        raise RenderError(_unfinished(loaded, guard, deadline)) from None
    guard.check()
    return Rendered(url=url, final_url=page.url, status=response.status if response else None, png=png,
                    dom=dom if len(dom.encode("utf-8")) <= MAX_ANSWER_BYTES else None, height=height,
                    dialogs=guard.dialogs, popups=guard.popups)


async def _read_page(page, deadline: _Deadline) -> tuple[int, bytes, str]:
    """Screenshot and DOM; a page that replaces itself while read (a refresh loop) is read again once loaded."""
    for _ in range(3):
        try:
            height, png = await _screenshot(page, deadline)
            return height, png, await asyncio.wait_for(page.content(), deadline.left())
        except PlaywrightTimeout:
            raise
        except PlaywrightError as err:
            if not any(words in str(err) for words in _NAVIGATED):
                raise
            await _quietly(page.wait_for_load_state("load", timeout=deadline.ms(SETTLE_SECONDS)), deadline.left())
    raise RenderError("the page kept navigating away while it was read (refresh or redirect loop)")


def _unfinished(loaded: bool, guard: _Guard, deadline: _Deadline) -> str:
    if guard.navigations > 3:
        return (f"the page kept navigating ({guard.navigations} loads in {deadline.seconds:g} s: "
                "a refresh or redirect loop)")
    if loaded:
        return f"the page stopped answering within {deadline.seconds:g} s (a script that never ends)"
    return f"the page did not finish loading within {deadline.seconds:g} s (a script that never ends, or a slow answer)"


async def _settle(page, deadline: _Deadline) -> bool:
    """Wait for "load", then briefly for the network to go quiet; False if "load" never came."""
    try:
        await page.wait_for_load_state("load", timeout=deadline.ms(deadline.seconds * 0.6))
    except PlaywrightTimeout:
        return False
    try:
        await page.wait_for_load_state("networkidle", timeout=deadline.ms(SETTLE_SECONDS))
    except PlaywrightTimeout:
        pass                 # polling pages never go quiet; what has rendered by now is what we keep
    await _quietly(page.evaluate("document.fonts.ready.then(() => true)"), deadline.left(1.0))
    return True


async def _screenshot(page, deadline: _Deadline) -> tuple[int, bytes]:
    height = int(await asyncio.wait_for(page.evaluate(
        "Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)"),
        deadline.left()))
    clip = None
    if height > MAX_SCREENSHOT_HEIGHT:
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": MAX_SCREENSHOT_HEIGHT}
    png = await page.screenshot(full_page=True, clip=clip, animations="disabled", timeout=deadline.ms())
    return height, png


# -- what a screenshot shows ----------------------------------------------------------------------

@dataclass(frozen=True)
class Look:
    blank: str | None           # why the screenshot counts as blank (Chinese, one line), or None
    phash: str | None           # hex perceptual hash of the first screen, only for a screenshot that is not blank


def look_of(png: bytes) -> Look:
    """Blank check first: a blank page hashes like every other blank page, so it gets no hash."""
    with Image.open(io.BytesIO(png)) as image:
        image = image.convert("RGB")
    blank = blank_reason(image)
    if blank:
        return Look(blank, None)
    first_screen = image.crop((0, 0, min(image.width, VIEWPORT["width"]), min(image.height, VIEWPORT["height"])))
    return Look(None, str(imagehash.phash(first_screen)))


def blank_reason(image: Image.Image) -> str | None:
    """Why the image counts as blank, when one colour (to within a few shades) covers at least the share
    `blank_share` of weights.toml [visual]; else None."""
    # Shades are merged so anti-aliasing and gradients of one colour count as that colour; big pages are
    # counted on a reduced copy, which keeps the shares.
    scaled = image.reduce(max(1, image.height // 2000))
    merged = scaled.point(lambda value: value | 0x0F)
    counts = merged.getcolors(maxcolors=merged.width * merged.height)
    count, colour = max(counts)
    share = count / (merged.width * merged.height)
    if share < weights("visual")["blank_share"]:
        return None
    return f"截图几乎全是一种颜色（{share:.1%} 为 #{colour[0]:02x}{colour[1]:02x}{colour[2]:02x}）：页面空白，未计算视觉指纹"


@dataclass(frozen=True)
class VisualView:
    target: str
    url: str
    phash: imagehash.ImageHash


@functools.cache
def visual_references(reference_dir: Path = REFERENCE_DIR) -> tuple[VisualView, ...]:
    """The official pages' hashes from data/reference/*.visual.json (a broken file is skipped)."""
    views = []
    for path in sorted(reference_dir.glob(f"*{VISUAL_SUFFIX}")):
        try:
            document = json.loads(path.read_text("utf-8"))
            views += [VisualView(document["target"], view["url"], imagehash.hex_to_hash(view["phash"]))
                      for view in document["views"] if view.get("phash")]
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return tuple(views)


@dataclass(frozen=True)
class VisualMatch:
    target: str
    distance: int
    reason: Reason


def visual_match(phash: str, references: tuple[VisualView, ...]) -> VisualMatch | None:
    """The likeness signal when the first screen is within weights.toml's Hamming distance of an official page."""
    if not references:
        return None
    own = imagehash.hex_to_hash(phash)
    distance, view = min(((own - view.phash, view) for view in references), key=lambda pair: pair[0])
    visual = weights("visual")
    if distance > visual["max_distance"]:
        return None
    return VisualMatch(view.target, distance, Reason(
        "visual-similarity", visual["visual-similarity"],
        f"页面截图与官方 {view.target} 页面（{view.url}）几乎一样（感知哈希 64 位中相差 {distance} 位）",
        f"The screenshot looks like the official {view.target} page {view.url} "
        f"(perceptual hashes differ in {distance} of 64 bits)"))


# -- judging the rendered page --------------------------------------------------------------------

@dataclass
class Rejudged:
    score: int
    verdict: str
    kind: str | None
    target: str | None
    rendered_signals: list[Reason]      # the rendered DOM's signals, when they beat the raw page's


def rejudge(raw_score: int | None, raw_target: str | None, raw_signals: list[Reason], dom_result,
            visual: VisualMatch | None, host: str) -> Rejudged | None:
    """The better of the raw page's judgement and the rendered DOM's, plus the visual likeness; None
    unless that beats the raw score (rendering can only add to what the crawl found)."""
    raw = -1 if raw_score is None else raw_score
    if dom_result is not None and dom_result.verdict == "official":
        return None
    dom_wins = dom_result is not None and (dom_result.score > raw or not raw_signals)
    if visual is None:
        if not dom_wins or dom_result.score <= raw:
            return None
        return Rejudged(dom_result.score, dom_result.verdict, dom_result.kind, dom_result.target,
                        list(dom_result.signals))
    signals = dom_result.signals if dom_wins else raw_signals
    target = (dom_result.target if dom_wins else raw_target) or visual.target
    best = _combined(signals + [visual.reason], host, target)
    if best.score <= raw:
        return None
    return Rejudged(best.score, best.verdict, best.kind, best.target, list(dom_result.signals) if dom_wins else [])


def _combined(signals: list[Reason], host: str, target: str | None):
    try:
        domain = score_domain(host)
    except ValueError:
        domain = None
    # combine() adds the host's lookalike reason itself; stored signals already carry it once.
    kept = [s for s in signals if s.code not in ("lookalike-domain", "official-host")]
    return combine(kept, domain, False, None, target)


def render_notes(capture: dict, rendered: Rendered, look: Look) -> list[Reason]:
    """What an analyst must know about this render, as zero-point signals on the capture."""
    notes = []
    if look.blank:
        notes.append(Reason("blank-screenshot", 0, look.blank, "The screenshot is (nearly) one colour: no visual hash"))
    if rendered.clipped:
        notes.append(Reason("screenshot-clipped", 0,
                            f"页面高 {rendered.height} 像素，截图只保留顶部 {MAX_SCREENSHOT_HEIGHT} 像素",
                            f"The page is {rendered.height} px tall; the screenshot keeps its top "
                            f"{MAX_SCREENSHOT_HEIGHT} px"))
    if rendered.dom is None:
        notes.append(Reason("dom-too-large", 0, f"渲染后的网页代码超过 {MAX_ANSWER_BYTES // (1024 * 1024)} MB，未保存",
                            "The rendered DOM is larger than the limit and was not kept"))
    if rendered.status is not None and rendered.status != capture["status_code"]:
        notes.append(Reason("status-differs", 0,
                            f"浏览器得到的状态码 {rendered.status} 与抓取时的 {capture['status_code']} 不同（网站可能区别对待访客）",
                            f"The browser got status {rendered.status}, the crawler {capture['status_code']} "
                            "(the site may treat visitors differently)"))
    if site_key(urlsplit(rendered.final_url).hostname or "") != capture["site_key"]:
        notes.append(Reason("browser-redirect", 0, f"浏览器打开后被转到另一网站：{rendered.final_url}",
                            f"In a browser the page moves on to another site: {rendered.final_url}"))
    dialogs, popups = rendered.dialogs, rendered.popups
    if dialogs:
        notes.append(Reason("dialogs", 0, f"页面弹出 {len(dialogs)} 个对话框（已关闭），首个：{dialogs[0]}",
                            f"The page opened {len(dialogs)} dialogs (dismissed); first: {dialogs[0]}"))
    if popups:
        notes.append(Reason("popups", 0, f"页面打开 {len(popups)} 个新窗口（已关闭），首个：{popups[0]}",
                            f"The page opened {len(popups)} windows (closed); first: {popups[0]}"))
    return notes


# -- storing --------------------------------------------------------------------------------------

def captures_to_render(db, run_id: int | None = None, min_score: int | None = None,
                       sites: list[str] | None = None) -> list[dict]:
    """The newest entry and hop captures of flagged (or the given) sites that answered with a page of
    their own (no redirect) and have no screenshot yet; highest site score first."""
    where = ["c.role IN ('entry', 'hop')"]
    params: list = []
    if sites:
        where.append(f"s.site_key IN ({', '.join('?' * len(sites))})")
        params += sites
    else:
        where.append("s.verdict IN ('fake', 'suspicious')")
    if min_score is not None:
        where.append("coalesce(s.score, 0) >= ?")
        params.append(min_score)
    if run_id is not None:
        where.append("c.run_id = ?")
        params.append(run_id)
    rows = db.query(
        "SELECT c.id, c.run_id, c.site_id, c.requested_url, c.status_code, c.location, c.score, c.verdict, "
        "c.target, c.screenshot_sha256, s.site_key, s.score AS site_score FROM captures c "
        f"JOIN sites s ON s.id = c.site_id WHERE {' AND '.join(where)} ORDER BY c.id", params)
    newest = {row["requested_url"]: row for row in rows}
    chosen = [row for row in newest.values() if row["screenshot_sha256"] is None
              and row["status_code"] is not None and row["location"] is None]
    return sorted(chosen, key=lambda row: (-(row["site_score"] or 0), row["id"]))


def _raw_page_signals(db, capture_id: int) -> list[Reason]:
    return [Reason(row["code"], row["points"], row["zh"], row["en"]) for row in db.query(
        "SELECT code, points, zh, en FROM signals WHERE capture_id = ? AND detector = 'page' ORDER BY id",
        [capture_id])]


def store_render(store, capture: dict, rendered: Rendered, references: tuple[VisualView, ...]) -> list[str]:
    """Keep the screenshot and DOM as evidence on the capture, with its notes, hash, visual likeness
    and better judgement; returns the outcome words the run counts."""
    png_sha = store.put_evidence(rendered.png, "image/png")
    dom_sha = None if rendered.dom is None else store.put_evidence(rendered.dom.encode("utf-8"),
                                                                     "text/html; charset=utf-8")
    look = look_of(rendered.png)
    official = capture["verdict"] == "official"
    visual = visual_match(look.phash, references) if look.phash and not official else None
    # The rendered DOM is text already: scored as UTF-8 whatever charset its <meta> still names.
    dom_result = score_text(rendered.dom, "utf-8", rendered.final_url) if rendered.dom else None
    db = store.db
    judged = None if official else rejudge(capture["score"], capture["target"], _raw_page_signals(db, capture["id"]),
                                           dom_result, visual, urlsplit(rendered.final_url).hostname or "")
    outcomes = ["rendered"] + (["blank"] if look.blank else []) + (["visual"] if visual else [])
    with transaction(db):
        db.execute("UPDATE captures SET screenshot_sha256 = ?, dom_sha256 = ? WHERE id = ?",
                   [png_sha, dom_sha, capture["id"]])
        queries.add_signals(db, capture["id"], capture["site_id"], "render",
                            [r.to_dict() for r in render_notes(capture, rendered, look)], detector_version())
        if look.phash:
            queries.add_indicators(db, capture["site_id"], capture["id"], [("phash", look.phash)])
        if visual:
            queries.add_signals(db, capture["id"], capture["site_id"], "visual", [visual.reason.to_dict()],
                                detector_version())
        if judged:
            _apply(db, capture, judged, detector_version())
            outcomes.append("rescored")
    return outcomes


def _apply(db, capture: dict, judged: Rejudged, version: str) -> None:
    """The capture takes the better judgement (its raw one stays readable in its "page" signals), and the
    site follows when its verdict came from the same run or the new score beats it."""
    queries.add_signals(db, capture["id"], capture["site_id"], "rendered",
                        [r.to_dict() for r in judged.rendered_signals], version)
    queries.add_signals(db, capture["id"], capture["site_id"], "render", [Reason(
        "rescored", 0, f"抓取时网页评分 {capture['score']}（{capture['verdict']}），浏览器渲染后评分 {judged.score}"
                       f"（{judged.verdict}）：本页采用后者",
        f"Scored {capture['score']} ({capture['verdict']}) as fetched, {judged.score} ({judged.verdict}) as "
        "rendered in a browser: the capture carries the latter").to_dict()], version)
    db.execute("UPDATE captures SET score = ?, verdict = ?, kind = ?, target = ?, detector_version = ? WHERE id = ?",
               [judged.score, judged.verdict, judged.kind, judged.target, version, capture["id"]])
    site = db.execute("SELECT s.score, c.run_id FROM sites s LEFT JOIN captures c ON c.id = s.verdict_capture_id "
                      "WHERE s.id = ?", [capture["site_id"]]).fetchone()
    if site[1] == capture["run_id"] or judged.score > (site[0] if site[0] is not None else -1):
        queries.update_site_verdict(db, capture["site_id"], capture["run_id"])


# -- the render run -------------------------------------------------------------------------------

@dataclass
class RenderRun:
    """A render run as it goes: counts by outcome, one-line errors and notes, saved after every page."""

    store: object
    run_id: int
    total: int
    counts: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    progress: bool = False              # a line per page on the terminal
    done: int = 0

    def record(self, url: str, outcomes: list[str], error: str | None = None) -> None:
        self.done += 1
        for outcome in outcomes + (["error"] if error else []):
            self.counts[outcome] = self.counts.get(outcome, 0) + 1
        if error:
            self.errors.append(f"{url}: {error}")
        queries.save_run_progress(self.store.db, self.run_id, self.counts, self.errors, self.notes)
        if self.progress:
            print(f"  [{self.done}/{self.total}] {'出错' if error else '已渲染'} {url}", flush=True)


async def render_captures(run: RenderRun, captures: list[dict], network, time_limit: float) -> None:
    if not captures:
        return
    references = visual_references()
    async with Chromium(network, time_limit) as chromium:
        run.notes.append(chromium.environment())
        run.notes += reference_mismatch(chromium.version)
        queries.save_run_progress(run.store.db, run.run_id, run.counts, run.errors, run.notes)
        slots = asyncio.Semaphore(CONCURRENCY)

        async def render_one(capture: dict) -> None:
            url = capture["requested_url"]
            async with slots:
                try:
                    rendered = await chromium.render(url)
                except RenderError as err:
                    run.record(url, [], str(err))
                    return
            try:
                run.record(url, store_render(run.store, capture, rendered, references))
            except Exception as err:  # noqa: BLE001 - one page's bad DOM must never stop the batch
                run.record(url, [], f"internal error ({type(err).__name__}: {_one_line(err)})")

        await asyncio.gather(*(render_one(capture) for capture in captures))


def reference_mismatch(browser_version: str) -> list[str]:
    """A note when the official pages were hashed with another Chromium or font (their looks drift apart)."""
    used = {(view.get("browser", "").split(".")[0], view.get("font")) for document in _visual_documents()
            for view in document.get("views", ()) if view.get("phash")}
    here = (f"Chromium {browser_version}".split(".")[0], cjk_font())
    if not used or used == {here}:
        return []
    return [f"官方页面的视觉指纹由 {'、'.join(sorted(f'{b}／{f}' for b, f in used))} 渲染，本次为 "
            f"{here[0]}／{here[1]}：视觉相似度可能偏低，请用 `fakegov crawl render --references` 重新生成"]


def render_flagged(store, network, run_id: int | None = None, min_score: int | None = None,
                   sites: list[str] | None = None, time_limit: float = PAGE_TIME_LIMIT,
                   world: Path | None = None, progress: bool = False) -> int:
    """Render what `captures_to_render` selects, as a render run of its own; returns the run's id."""
    captures = captures_to_render(store.db, run_id, min_score, sites)
    asked = {"run": run_id, "min_score": min_score, "sites": sites, "time_limit": time_limit,
             "captures": [capture["id"] for capture in captures]}
    render_run = queries.start_run(store.db, "render", {"args": asked, "world": str(world) if world else None},
                                   os.getpid())
    run = RenderRun(store, render_run, len(captures), progress=progress)
    if progress:
        print(f"运行 {render_run}（render）：待渲染 {len(captures)} 个页面", flush=True)
    status = "failed"
    try:
        asyncio.run(render_captures(run, captures, network, time_limit))
        status = "finished"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        queries.save_run_progress(store.db, render_run, run.counts, run.errors, run.notes)
        queries.finish_run(store.db, render_run, status)
    return render_run


def run_render(args) -> int:
    missing = chromium_missing()
    if missing:
        raise UserError(missing)
    if args.references:
        return _run_references(args)
    store, _ = open_store(args.data)
    sites = _site_keys(store.db, args.site)
    if args.run is not None and queries.get_run(store.db, args.run) is None:
        raise UserError(f"no crawl run {args.run} in {args.data}")
    with open_network(args.world) as network:
        try:
            run_id = render_flagged(store, network, args.run, args.min_score, sites,
                                    args.timeout or PAGE_TIME_LIMIT, args.world.resolve() if args.world else None,
                                    progress=not args.no_progress)
        except PlaywrightError as err:         # the browser could not start: this machine's problem, in one line
            raise UserError(f"cannot run {CHROMIUM}: {_one_line(err)}") from None
    print("\n".join(render_summary(store, run_id)))
    return 0


def _site_keys(db, given: list[str] | None) -> list[str] | None:
    """The --site values as site keys (a host is taken as its site); unknown ones are a one-line error."""
    if not given:
        return None
    try:
        keys = sorted({site_key(value.strip().lower()) for value in given})
    except ValueError as err:
        raise UserError(f"--site: {err}") from None
    known = {row[0] for row in db.execute(
        f"SELECT site_key FROM sites WHERE site_key IN ({', '.join('?' * len(keys))})", keys).fetchall()}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise UserError(f"no such site in the store: {', '.join(unknown)}")
    return keys


_STATUS_ZH = {"finished": "完成", "interrupted": "已中断（再次运行即可继续）", "failed": "失败", "running": "进行中"}


def render_summary(store, run_id: int) -> list[str]:
    """The run in the words its users read (Chinese, Beijing time)."""
    run = queries.get_run(store.db, run_id)
    counts = run["counts"]
    took = (parse(run["finished_at"]) - parse(run["started_at"])).total_seconds() if run["finished_at"] else 0
    lines = [f"运行 {run_id}（render）{_STATUS_ZH[run['status']]}，用时 {took:.0f} 秒，开始于 {beijing(run['started_at'])}",
             f"渲染 {counts.get('rendered', 0)} 页（空白 {counts.get('blank', 0)}，与官方页面外观相似 "
             f"{counts.get('visual', 0)}，渲染后评分提高 {counts.get('rescored', 0)}），出错 {counts.get('error', 0)}"]
    lines += [f"环境：{note}" for note in run["notes"][:1]] + [f"注意：{note}" for note in run["notes"][1:]]
    if run["errors"]:
        lines.append(f"错误（前 5 条，共 {len(run['errors'])} 条）：")
        lines += [f"  {line}" for line in run["errors"][:5]]
    return lines


# -- the official pages' looks --------------------------------------------------------------------

def _visual_path(target_key: str, reference_dir: Path = REFERENCE_DIR) -> Path:
    return reference_dir / (Path(target_by_key(target_key).reference).stem + VISUAL_SUFFIX)


def _visual_documents(reference_dir: Path = REFERENCE_DIR) -> list[dict]:
    documents = []
    for path in sorted(reference_dir.glob(f"*{VISUAL_SUFFIX}")):
        try:
            documents.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError):
            continue
    return documents


async def render_reference_views(network, time_limit: float) -> tuple[dict[str, list[dict]], list[str]]:
    """Render every official page of pages.toml exactly as suspects are rendered: views by target, errors."""
    with open(PAGES_FILE, "rb") as fh:
        pages = tomllib.load(fh)["pages"]
    views: dict[str, list[dict]] = {}
    errors = []
    async with Chromium(network, time_limit) as chromium:
        for key, urls in pages.items():
            for url in urls:
                try:
                    rendered = await chromium.render(url)
                except RenderError as err:
                    errors.append(f"{url}: {err}")
                    continue
                look = look_of(rendered.png)
                view = {"url": url, "final_url": rendered.final_url,
                        "captured_at": datetime.now(BEIJING).isoformat(timespec="seconds"),
                        "browser": f"Chromium {chromium.version}", "font": cjk_font(), "standin": network.simulated}
                view.update({"blank": look.blank} if look.blank else {"phash": look.phash})
                views.setdefault(key, []).append(view)
    return views, errors


def store_visual_views(key: str, views: list[dict], reference_dir: Path = REFERENCE_DIR) -> Path:
    """Write a target's visual reference, replacing earlier views of the same URLs and keeping the others."""
    path = _visual_path(key, reference_dir)
    earlier = json.loads(path.read_text("utf-8"))["views"] if path.exists() else []
    fresh = {view["url"] for view in views}
    kept = [view for view in earlier if view["url"] not in fresh] + views
    document = {"target": key, "name": target_by_key(key).name, "standin": any(view["standin"] for view in kept)}
    if document["standin"]:
        document["note"] = STANDIN_NOTE.replace("fakegov reference capture URL", "fakegov crawl render --references")
    document.update({"hash": HASH_NOTE, "time_zone": "Asia/Shanghai (北京时间, UTC+8)", "views": kept})
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", "utf-8")
    tmp.replace(path)
    visual_references.cache_clear()
    return path


def _run_references(args) -> int:
    with open_network(args.world) as network:
        views, errors = asyncio.run(render_reference_views(network, args.timeout or PAGE_TIME_LIMIT))
    for key, target_views in views.items():
        path = store_visual_views(key, target_views)
        print(f"visual reference stored: {path} ({len(target_views)} pages)")
    for line in errors:
        print(f"fakegov: {line}", file=sys.stderr)
    return 1 if errors else 0
