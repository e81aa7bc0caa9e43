"""Hostile input never crashes the page detector: binary, empty, huge, deeply nested, broken markup."""

from __future__ import annotations

import random

import pytest

from detectors.pages import score_manifest_entry, score_page

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.mark.parametrize("content,expected", [
    (b"", "empty file"),
    (b"   \n\t  ", "empty file"),
    (PNG, "binary file (PNG image)"),
    (b"\x00\x01\x02\x03binary" * 100, "binary file"),
    (b"\x1f\x8b\x08\x00" + bytes(200), "gzip"),
])
def test_files_that_are_not_pages_give_a_one_line_error(tmp_path, content, expected):
    path = tmp_path / "page.html"
    path.write_bytes(content)
    result = score_manifest_entry(path, "https://a.example.com/", base=tmp_path)
    assert set(result) == {"url", "error"} and expected in result["error"] and "\n" not in result["error"]


def test_missing_files_and_directories_give_errors(tmp_path):
    missing = score_manifest_entry(tmp_path / "nope.html", "https://a.example.com/", base=tmp_path)
    folder = score_manifest_entry(tmp_path, "https://a.example.com/", base=tmp_path)
    assert "cannot read" in missing["error"] and "cannot read" in folder["error"]


def test_relative_paths_are_read_from_the_manifest_folder(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text("<html><body><p>你好</p></body></html>", "utf-8")
    result = score_manifest_entry(tmp_path.joinpath("pages/a.html").relative_to(tmp_path), "https://a.example.com/",
                                  base=tmp_path)
    assert result["verdict"] == "benign"


def test_random_bytes_never_raise():
    rng = random.Random(7)
    for size in (1, 17, 4096, 200_000):
        raw = bytes(rng.getrandbits(8) for _ in range(size))
        assert score_page(raw, "https://junk.example.com/").verdict in ("benign", "suspicious")


def test_ten_megabyte_page_is_scored_from_its_beginning():
    line = "<p>特种作业操作证 免考包过 不用考试 联系QQ：2851736490 电工证680元</p>\n"
    raw = ("<html><head><title>大页面</title></head><body>" + line * (10 * 1024 * 1024 // len(line.encode()))
           + "</body></html>").encode("utf-8")
    result = score_page(raw, "https://big.example.com/")
    assert result.features.truncated
    assert "seller-language" in {s.code for s in result.signals}


@pytest.mark.parametrize("markup", [
    "<div>" * 100_000 + "深" + "</div>" * 100_000,
    "<table><tr><td>" * 20_000,
    "<html><body><p>未闭合<div><span>标签<form><input name=certnum" * 2000,
    "<<<>>><!-- <script> </style> &#xffff; &#0; &bogus; <![CDATA[ x ]]>" * 1000,
])
def test_deep_and_broken_markup_is_survived(markup):
    result = score_page(markup.encode("utf-8"), "https://deep.example.com/")
    assert 0 <= result.score <= 100


def test_pages_without_a_usable_url_are_still_scored():
    for url in ("", "not a url", "http://[::1/", "http://" + "a" * 300 + ".com/"):
        result = score_page("<p>免考包过，微信：tzzy_banzheng88</p>".encode(), url)
        assert result.url == url and result.verdict in ("benign", "suspicious", "fake")


def test_undecodable_text_is_reported(tmp_path):
    path = tmp_path / "mojibake.html"
    path.write_bytes(b"<p>" + b"\xff" * 6000)      # 0xFF starts no character in UTF-8, GB18030 or Big5
    result = score_manifest_entry(path, "https://a.example.com/", base=tmp_path)
    assert "cannot be decoded" in result["error"]
