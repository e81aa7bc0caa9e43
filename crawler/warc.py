"""One WARC file per crawl process: every fetch written as a request and a response record (warcio)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.items import Fetch

# Scrapy hands over bodies already decoded: the stored headers must describe the stored bytes.
_TRANSPORT_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class RunWarc:
    """Appends to <warc_dir>/run-<id>-<n>.warc.gz; a resumed run starts a new file, so a record cut
    short by a kill never sits in the middle of a file."""

    def __init__(self, warc_dir: Path, run_id: int):
        warc_dir.mkdir(parents=True, exist_ok=True)
        n = 1
        while (warc_dir / f"run-{run_id}-{n}.warc.gz").exists():
            n += 1
        self.path = warc_dir / f"run-{run_id}-{n}.warc.gz"
        self._file = open(self.path, "ab")
        self._writer = WARCWriter(self._file, gzip=True)

    def write(self, fetch: Fetch) -> str | None:
        """Write the fetch; returns the response record's WARC-Record-ID (None when nothing came back)."""
        if fetch.status is None:
            return None
        target = urlsplit(fetch.url)
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        request_headers = StatusAndHeaders(f"{fetch.method} {path} HTTP/1.1",
                                           [("Host", target.netloc), *fetch.request_headers.items()],
                                           is_http_request=True)
        response_headers = [(k, v) for k, v in fetch.headers.items() if k.lower() not in _TRANSPORT_HEADERS]
        response_headers += [("Content-Length", str(len(fetch.body)))]
        response_headers += [(f"X-Original-{k}", v) for k, v in fetch.headers.items()
                             if k.lower() in ("content-encoding", "transfer-encoding")]
        warc_headers = {"WARC-IP-Address": fetch.ip} if fetch.ip else {}
        response = self._writer.create_warc_record(
            fetch.url, "response", payload=io.BytesIO(fetch.body), warc_headers_dict=warc_headers,
            http_headers=StatusAndHeaders(f"{fetch.status} {_reason(fetch.status)}", response_headers,
                                          protocol="HTTP/1.1"))
        request = self._writer.create_warc_record(
            fetch.url, "request", payload=io.BytesIO(fetch.request_body or b""), http_headers=request_headers,
            warc_headers_dict={"WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")})
        self._writer.write_record(response)
        self._writer.write_record(request)
        self._file.flush()
        return response.rec_headers.get_header("WARC-Record-ID")

    def close(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
