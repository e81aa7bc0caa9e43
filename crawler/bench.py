"""`fakegov bench crawl`: pages/s of a full fakegov crawl of a world against a bare Scrapy spider that
fetches exactly the same URLs, both measured in the same run, and where the full crawl's time goes.

Each crawl runs in its own process with the world served beside it, as `fakegov crawl --world` does.
Waiting costs both runs the same seconds and would hide every other cost, so it is left out of both:
the benchmark serves a copy of the world without the hosts it slows down on purpose (`delay`, `drip`),
and requests that wait out the download timeout (an https CONNECT the proxy hangs up on is only seen
as a timeout by Scrapy) are neither counted nor clocked in the full crawl, nor fetched by the bare one.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import scrapy
from scrapy import signals

from fakegov.errors import UserError

SEEDS = {
    "search": "search crawl: default keywords, all four engines, 2 result pages each, then every site the "
              "results lead to",
    "hosts": "tips crawl seeded with http://HOST/ for every host of the world",
}
REQUIRED_RATIO = 0.7
# A request that took this share of the download timeout waited it out: such waits cost both runs the
# same seconds, so those requests are left out of both (see `_read`).
TIMED_OUT = 0.9


# -- what both crawls record -------------------------------------------------------------------

class FetchRecorder:
    """Scrapy extension that writes, at the end, to the file named by the FAKEGOV_BENCH_RECORD setting:
    every request that reached the downloader (retries not again), the URLs of the requests that waited
    out the download timeout, and when each item left the pipelines (seconds since the first request)."""

    def __init__(self, crawler, path: Path):
        self.path = path
        self.timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        self.requests: list[dict] = []
        self.reached_at: dict[int, float] = {}
        self.waited: set[str] = set()
        self.items: list[tuple[float, float, str]] = []       # (seconds, CPU seconds, URL)
        self.first: tuple[float, float] | None = None
        crawler.signals.connect(self.reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(self.left, signal=signals.request_left_downloader)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item_done, signal=signal)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, Path(crawler.settings.get("FAKEGOV_BENCH_RECORD")))

    def _since_first(self) -> float:
        return time.perf_counter() - self.first[0]

    def reached(self, request, spider):
        if self.first is None:
            self.first = time.perf_counter(), time.process_time()
        self.reached_at[id(request)] = self._since_first()
        if not request.meta.get("retry_times"):
            self.requests.append({"url": request.url, "method": request.method,
                                  "body": request.body.decode("latin-1"),
                                  "content_type": (request.headers.get("Content-Type") or b"").decode("latin-1")})

    def left(self, request, spider):
        took = self._since_first() - self.reached_at.pop(id(request), 0.0)
        if took >= TIMED_OUT * request.meta.get("download_timeout", self.timeout):
            self.waited.add(request.url)

    def item_done(self, item, *args, **kwargs):
        url = item.url if hasattr(item, "url") else item.get("url")
        self.items.append((self._since_first(), time.process_time() - self.first[1], url))

    def closed(self, spider, reason):
        self.path.write_text(json.dumps({"requests": self.requests, "waited": sorted(self.waited),
                                         "items": self.items, "reason": reason}, ensure_ascii=False),
                             encoding="utf-8")


class BareSpider(scrapy.Spider):
    """Fetches a recorded list of requests and yields one small item per answer: no capture, no pipelines."""

    name = "bench-bare"

    def __init__(self, record: str, **kwargs):
        super().__init__(**kwargs)
        recorded = json.loads(Path(record).read_text(encoding="utf-8"))
        waited = set(recorded["waited"])
        self.recorded = [entry for entry in recorded["requests"] if entry["url"] not in waited]

    async def start(self):
        for entry in self.recorded:
            headers = {"Content-Type": entry["content_type"]} if entry["content_type"] else {}
            yield scrapy.Request(entry["url"], method=entry["method"], body=entry["body"].encode("latin-1"),
                                 headers=headers, dont_filter=True, callback=self.answered, errback=self.failed)

    def answered(self, response):
        yield {"url": response.url, "status": response.status}

    def failed(self, failure):
        yield {"url": failure.request.url, "error": type(failure.value).__name__}


# -- the two crawls, each run in its own process -------------------------------------------------

def _recorder_extensions() -> dict:
    from crawler import settings as crawl_defaults

    return {**crawl_defaults.EXTENSIONS, "crawler.bench.FetchRecorder": 0}


def run_full(world: Path, data: Path, seeds: str, record: Path, profile: Path | None) -> None:
    """The product's own crawl (`fakegov crawl search|tips --world`), recorded. Under cProfile, without
    side processes: one profile then sees every cost."""
    from crawler.runner import run_crawl
    from fakegov.network import open_network
    from store.store import open_store

    kind, spider_args = ("search", {}) if seeds == "search" else ("tips", {"file": str(_host_tips(world, data))})
    overrides = {"FAKEGOV_PROGRESS": False, "FAKEGOV_BENCH_RECORD": str(record),
                 "EXTENSIONS": _recorder_extensions()}
    if profile:
        overrides["FAKEGOV_SIDE_PROCESSES"] = 0
    store, _ = open_store(data)
    profiler = cProfile.Profile() if profile else None
    with open_network(world) as network:
        if profiler:
            profiler.enable()
        run_crawl(store, kind, spider_args, network, overrides=overrides)
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
    # The side processes have ended by now: their CPU time is known.
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    recorded = json.loads(record.read_text(encoding="utf-8"))
    recorded["side_cpu_seconds"] = children.ru_utime + children.ru_stime
    record.write_text(json.dumps(recorded, ensure_ascii=False), encoding="utf-8")


def _host_tips(world: Path, data: Path) -> Path:
    from fixtures.server import load

    tips = data / "bench-hosts.txt"
    tips.write_text("".join(f"http://{host}/\n" for host in sorted(load(world).hosts)), encoding="utf-8")
    return tips


def run_bare(world: Path, data: Path, urls: Path, record: Path) -> None:
    """The bare spider over the recorded URLs with the crawl's own download settings, and nothing else."""
    from scrapy.crawler import CrawlerProcess

    from crawler.runner import crawl_settings
    from fakegov.network import open_network

    with open_network(world) as network:
        settings = crawl_settings(data, network, run_id=0)
        settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        settings.set("DOWNLOADER_MIDDLEWARES", {"crawler.middlewares.NetworkProxyMiddleware": 350},
                     priority="cmdline")
        settings.set("DUPEFILTER_CLASS", "scrapy.dupefilters.RFPDupeFilter", priority="cmdline")
        settings.set("EXTENSIONS", {"crawler.bench.FetchRecorder": 0}, priority="cmdline")
        settings.set("FAKEGOV_BENCH_RECORD", str(record), priority="cmdline")
        process = CrawlerProcess(settings)
        process.crawl(BareSpider, record=str(urls))
        process.start()


def _phase(name: str, *args: str) -> None:
    """Run one phase of the benchmark in a fresh Python process (`python -m crawler.bench NAME ...`)."""
    done = subprocess.run([sys.executable, "-m", "crawler.bench", name, *args], capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise UserError(f"the benchmark's {name} crawl failed: {tail}")


# -- the world the benchmark serves ----------------------------------------------------------

def slow_hosts(world) -> list[str]:
    """Hosts that answer slowly on purpose, and the hosts whose CNAME leads to one of them."""
    slow = {name for name, host in world.hosts.items() if host.delay > 0 or host.drip > 0}
    grew = True
    while grew:
        more = {name for name, host in world.hosts.items() if host.cname in slow} - slow
        slow |= more
        grew = bool(more)
    return sorted(slow)


def copy_without(world_dir: Path, excluded: list[str], into: Path) -> Path:
    hosts = set(excluded)
    shutil.copytree(world_dir, into, ignore=lambda folder, names: [
        name for name in names if Path(folder).name == "hosts" and name in hosts])
    return into


# -- the measurement ---------------------------------------------------------------------------

def benchmark(world_dir: Path, workdir: Path, seeds: str = "search", rounds: int = 1, profile: bool = True) -> dict:
    """Run both crawls `rounds` times, alternately (and a profiled full crawl), in `workdir`; return the
    numbers and the lines to print."""
    from fixtures.server import load

    excluded = slow_hosts(load(world_dir))
    world = copy_without(world_dir, excluded, workdir / "world")
    load_before = os.getloadavg()[0]
    pairs = []
    for n in range(1, rounds + 1):
        full_record, bare_record = workdir / f"full-{n}.json", workdir / f"bare-{n}.json"
        _phase("full", "--world", str(world), "--data", str(workdir / f"full-{n}"), "--seeds", seeds,
               "--record", str(full_record))
        _phase("bare", "--world", str(world), "--data", str(workdir / f"bare-{n}"), "--urls", str(full_record),
               "--record", str(bare_record))
        full, bare = _read(full_record), _read(bare_record)
        pairs.append({"full": full, "bare": bare, "ratio": full["per_s"] / bare["per_s"] if bare["per_s"] else 0.0})
    result = {"seeds": seeds, "excluded": excluded, "load": load_before, "rounds": pairs,
              "ratio": statistics.median(pair["ratio"] for pair in pairs)}
    if profile:
        stats = workdir / "profiled.pstats"
        _phase("full", "--world", str(world), "--data", str(workdir / "profiled"), "--seeds", seeds,
               "--record", str(workdir / "profiled.json"), "--profile", str(stats))
        result["profile"] = time_by_component(stats)
    result["lines"] = report_lines(world_dir, result)
    return result


def _read(record: Path) -> dict:
    """Pages/s of one run over the requests that did not wait out the timeout, clocked from the first
    request to the last item of such a request."""
    data = json.loads(record.read_text(encoding="utf-8"))
    waited = set(data["waited"])
    fetched = sum(entry["url"] not in waited for entry in data["requests"])
    counted = [(seconds, cpu) for seconds, cpu, url in data["items"] if url not in waited]
    seconds, cpu = max(counted) if counted else (0.0, 0.0)
    return {"fetched": fetched, "waited": sorted(waited), "seconds": seconds, "cpu_seconds": cpu,
            "side_cpu_seconds": data.get("side_cpu_seconds", 0.0), "per_s": fetched / seconds if seconds > 0 else 0.0}


def _components() -> dict[str, list]:
    """The parts of a crawl whose cost is worth knowing, each as the functions that do it."""
    from crawler.capture import CaptureSpider
    from crawler.extensions import RunRecorder
    from crawler.frontier import FrontierDupeFilter
    from crawler.pipelines import FactsPipeline, StorePipeline
    from crawler.scoring import score_fetch
    from crawler.spiders.search import SearchSpider
    from crawler.warc import RunWarc
    from store.evidence import Evidence

    return {
        "detection (detectors on every page)": [score_fetch],
        "storage (SQLite rows of each fetch)": [StorePipeline.process_item],
        "frontier (request rows for resuming)": [FrontierDupeFilter.request_seen],
        "evidence files (hash, write, fsync)": [Evidence.put],
        "WARC records": [RunWarc.write],
        "DNS (records of every host)": [FactsPipeline._dns],
        "WHOIS (query, parse, store)": [FactsPipeline._whois],
        "capture (reading pages, choosing links)": [CaptureSpider.on_page, CaptureSpider.on_asset,
                                                    CaptureSpider.on_error, SearchSpider.on_serp,
                                                    SearchSpider.on_link],
        "run record (counts every 5 s)": [RunRecorder.save],
    }


# What the reactor thread does when it has nothing to do: wait in the selector.
_IDLE = {"<method 'poll' of 'select.epoll' objects>", "<method 'select' of 'select.kqueue' objects>",
         "<built-in method select.select>", "<method 'poll' of 'select.poll' objects>"}


def time_by_component(stats_file: Path) -> dict:
    """Seconds the reactor thread spent in each component (cumulative), idle, and in the whole crawl."""
    stats = pstats.Stats(str(stats_file)).stats
    total = max(entry[3] for entry in stats.values())
    idle = sum(entry[2] for (path, _, name), entry in stats.items() if path == "~" and name in _IDLE)
    parts = {}
    for label, functions in _components().items():
        codes = [fn.__code__ for fn in functions]
        keys = {(code.co_filename, code.co_firstlineno, code.co_name) for code in codes}
        parts[label] = sum(entry[3] for key, entry in stats.items() if key in keys)
    return {"total": total, "idle": idle, "parts": parts}


def report_lines(world_dir: Path, result: dict) -> list[str]:
    rounds = result["rounds"]
    waited = sorted({url for pair in rounds for url in pair["full"]["waited"]})
    lines = [f"world: {world_dir}; {SEEDS[result['seeds']]}",
             "slow hosts left out of the world of both runs: " + (", ".join(result["excluded"]) or "none"),
             f"requests that waited out the download timeout, left out of both runs: {len(waited)}"
             + "".join(f"\n  {url}" for url in waited),
             f"load average before the first run: {result['load']:.1f} on {os.cpu_count()} cores (other work on "
             "the machine slows the full crawl more than the bare one)",
             "full: the fakegov crawl with capture, canary, detection, evidence files, WARC, DNS, WHOIS and store; "
             "bare: a Scrapy spider with no pipelines fetching the same requests with the same proxy, concurrency, "
             "AutoThrottle, timeout and size limit"]
    for n, pair in enumerate(rounds, 1):
        full, bare = pair["full"], pair["bare"]
        lines.append(f"round {n}: full {full['fetched']} fetches in {full['seconds']:.2f} s = {full['per_s']:.1f} "
                     f"pages/s (CPU {full['cpu_seconds']:.1f} s, side processes {full['side_cpu_seconds']:.1f} s "
                     f"with their start-up); bare {bare['fetched']} in {bare['seconds']:.2f} s = "
                     f"{bare['per_s']:.1f} pages/s (CPU {bare['cpu_seconds']:.1f} s); ratio {pair['ratio']:.2f}")
    full_rate = statistics.median(pair["full"]["per_s"] for pair in rounds)
    bare_rate = statistics.median(pair["bare"]["per_s"] for pair in rounds)
    lines.append(f"median of {len(rounds)}: full {full_rate:.1f} pages/s, bare {bare_rate:.1f} pages/s, "
                 f"ratio full/bare {result['ratio']:.2f} (required: at least {REQUIRED_RATIO:.2f})")
    if "profile" in result:
        lines.extend(_profile_lines(result["profile"]))
    return lines


def _profile_lines(profile: dict) -> list[str]:
    busy = profile["total"] - profile["idle"]
    lines = [f"where the full crawl's time goes (cProfile of one more full crawl with everything in the reactor "
             f"thread, FAKEGOV_SIDE_PROCESSES=0; {busy:.1f} s busy and {profile['idle']:.1f} s waiting for the "
             "network, start-up included):"]
    for label, seconds in sorted(profile["parts"].items(), key=lambda part: -part[1]):
        lines.append(f"  {seconds:6.2f} s {seconds / busy:4.0%}  {label}")
    rest = busy - sum(profile["parts"].values())
    lines.append(f"  {rest:6.2f} s {rest / busy:4.0%}  Scrapy, Twisted, asyncio, start-up and the rest")
    return lines


def run_command(world_dir: Path, data: Path | None, seeds: str, rounds: int, profile: bool) -> list[str]:
    """What `fakegov bench crawl` prints; `data` keeps the crawls' folders, or a temporary folder is used."""
    if rounds < 1:
        raise UserError("--rounds must be at least 1")
    if data is not None and data.exists() and any(data.iterdir()):
        raise UserError(f"{data} is not empty: the benchmark needs a fresh folder (an old store would "
                        "answer WHOIS from its cache)")
    if data is not None:
        data.mkdir(parents=True, exist_ok=True)
        return benchmark(world_dir, data, seeds, rounds, profile)["lines"]
    with tempfile.TemporaryDirectory(prefix="fakegov-bench-") as folder:
        return benchmark(world_dir, Path(folder), seeds, rounds, profile)["lines"]


def _main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m crawler.bench", description="one phase of `fakegov bench crawl`")
    parser.add_argument("phase", choices=("full", "bare"))
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--record", type=Path, required=True)
    parser.add_argument("--seeds", choices=sorted(SEEDS), default="search")
    parser.add_argument("--urls", type=Path)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    if args.phase == "full":
        run_full(args.world, args.data, args.seeds, args.record, args.profile)
    else:
        run_bare(args.world, args.data, args.urls, args.record)


if __name__ == "__main__":
    _main(sys.argv[1:])
