"""Work beside the reactor: the crawl's side processes (FAKEGOV_SIDE_PROCESSES), for pure CPU work
such as the detectors, DNS and WHOIS look-ups, and reading pages. The reactor thread shares one core's
worth of interpreter lock with everything else in the crawl process."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from scrapy import signals


def become_side_process() -> None:
    """Ctrl-C is the crawl's to handle, and a side process ends with the crawl even when it is killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_after, args=(parent,), daemon=True).start()


def _start_side_process() -> None:
    """A side process loads the detectors' data before the first page arrives."""
    become_side_process()
    import crawler.scoring  # noqa: F401
    import detectors.domains  # noqa: F401
    import detectors.pages  # noqa: F401


def _exit_after(parent) -> None:
    parent.join()
    os._exit(0)


def started() -> bool:
    """Answered once the side process has started and loaded the detectors."""
    return True


def side_processes(crawler) -> ProcessPoolExecutor | None:
    """The crawl's processes beside the reactor (FAKEGOV_SIDE_PROCESSES; None for 0), stopped with the
    engine. Spawned, not forked: the crawl process has threads (world server, writers) a fork would copy
    in the middle of what they do."""
    if not hasattr(crawler, "fakegov_side"):
        count = crawler.settings.getint("FAKEGOV_SIDE_PROCESSES")
        crawler.fakegov_side = None
        if count > 0:
            crawler.fakegov_side = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"),
                                                       initializer=_start_side_process)
            crawler.signals.connect(crawler.fakegov_side.shutdown, signal=signals.engine_stopped)
    return crawler.fakegov_side


async def beside(crawler, function, *args, here=None):
    """`function(*args)` in a side process; without one (or once it died): `await here()` if given, else
    `function(*args)` in this thread."""
    pool = side_processes(crawler)
    if pool is not None:
        try:
            return await asyncio.wrap_future(pool.submit(function, *args))
        except BrokenProcessPool:
            crawler.fakegov_side = None
    return await here() if here else function(*args)
