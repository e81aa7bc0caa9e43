"""The crawl's side processes: work runs there, falls back to the crawl process when one dies, and they
end with a killed crawl; the writer process keeps evidence files and the WARC file."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from crawler import pipelines, side
from crawler.items import Fetch

ROOT = Path(__file__).resolve().parent.parent


def _exit_if_side_process() -> str:
    if multiprocessing.parent_process() is not None:
        os._exit(1)
    return "here"


def test_side_work_runs_in_another_process_and_here_once_that_died():
    crawler = get_crawler(settings_dict={"FAKEGOV_SIDE_PROCESSES": 1})

    async def scenario():
        there = await side.beside(crawler, os.getpid)
        pool = crawler.fakegov_side
        try:
            died = await side.beside(crawler, _exit_if_side_process)
            after = await side.beside(crawler, os.getpid)
        finally:
            pool.shutdown()
        return there, died, after

    there, died, after = asyncio.run(scenario())
    assert there != os.getpid()
    assert died == "here" and after == os.getpid()
    assert crawler.fakegov_side is None


def test_without_side_processes_the_work_is_done_here():
    crawler = get_crawler(settings_dict={"FAKEGOV_SIDE_PROCESSES": 0})

    async def here():
        return "awaited here"

    assert asyncio.run(side.beside(crawler, os.getpid)) == os.getpid()
    assert asyncio.run(side.beside(crawler, os.getpid, here=here)) == "awaited here"


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_killed_crawl_takes_its_side_process_with_it():
    script = ("import asyncio, os, signal\n"
              "from scrapy.utils.test import get_crawler\n"
              "from crawler import side\n"
              "crawler = get_crawler(settings_dict={'FAKEGOV_SIDE_PROCESSES': 1})\n"
              "print(asyncio.run(side.beside(crawler, os.getpid)), flush=True)\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == -signal.SIGKILL
    helper = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while not _gone(helper) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(helper)


def _fetch(n: int) -> Fetch:
    return Fetch(fingerprint=f"f{n}", role="entry", url=f"http://fake{n}.example/", host=f"fake{n}.example",
                 site_key=f"fake{n}.example", status=200, headers={"Content-Type": "text/html"},
                 body=f"<html><body>证书查询 {n}</body></html>".encode("utf-8"))


def test_the_writer_process_keeps_evidence_and_warc_and_a_new_warc_file_follows_its_death(tmp_path):
    crawler = get_crawler(settings_dict={"FAKEGOV_SIDE_PROCESSES": 1, "FAKEGOV_DATA": str(tmp_path)})
    pipeline = pipelines.EvidencePipeline(crawler)
    first, second = _fetch(1), _fetch(2)

    async def scenario():
        await pipeline.open_spider()
        await pipeline.process_item(first)
        os.kill(pipeline.process.submit(os.getpid).result(), signal.SIGKILL)
        await pipeline.process_item(second)
        await pipeline.close_spider()

    asyncio.run(scenario())
    for item in (first, second):
        assert (tmp_path / "evidence" / item.stored.sha256[:2] / item.stored.sha256).read_bytes() == item.body
        assert item.warc_record
    warcs = sorted((tmp_path / "warc").glob("run-*.warc.gz"))
    assert [path.name.rsplit("-", 1)[1] for path in warcs] == ["1.warc.gz", "2.warc.gz"]
    responses = []
    for path in warcs:
        with open(path, "rb") as stream:
            responses += [(record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read())
                          for record in ArchiveIterator(stream) if record.rec_type == "response"]
    assert responses == [(first.url, first.body), (second.url, second.body)]
    assert crawler.fakegov_warc == warcs[1]
