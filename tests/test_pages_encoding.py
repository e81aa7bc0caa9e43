"""Pages in every encoding Chinese sites use, with right, wrong and missing declarations."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from detectors.pages import score_page
from detectors.textnorm import (collapse_space, decode_html, detect_codec, distinct_lines, join_spaced_hanzi, nfkc,
                                normalize_text, to_simplified)

TEXT = "关于谨防假冒特种作业操作证查询网站的提醒：请登录应急管理部官方平台查询证书信息。"
TRADITIONAL = "關於謹防假冒特種作業操作證查詢網站的提醒：請登錄應急管理部官方平台查詢證書信息。"


def html(body: str, declared: str | None, title: str = "提醒") -> str:
    meta = f'<meta charset="{declared}">' if declared else ""
    return f"<html><head>{meta}<title>{title}</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize("encoding,declared", [
    ("utf-8", "utf-8"), ("utf-8", None), ("gbk", "gbk"), ("gbk", None), ("gb2312", "gb2312"),
    ("gb18030", "gb18030"), ("gbk", "utf-8"),          # the page says utf-8, the bytes are GBK
    ("utf-8", "gbk"),                                  # the page says gbk, the bytes are UTF-8
])
def test_simplified_pages_decode_whatever_they_declare(encoding, declared):
    raw = html(TEXT, declared).encode(encoding)
    assert TEXT in decode_html(raw)


@pytest.mark.parametrize("declared", ["big5", None, "gbk", "utf-8"])
def test_big5_pages_decode_with_or_without_a_right_declaration(declared):
    raw = html(TRADITIONAL, declared).encode("big5")
    assert TRADITIONAL in decode_html(raw)


def test_a_wrong_header_charset_loses_to_the_bytes():
    raw = html(TEXT, None).encode("utf-8")
    assert TEXT in decode_html(raw, declared_charset="gbk")
    gbk = html(TEXT, None).encode("gbk")
    assert TEXT in decode_html(gbk, declared_charset="utf-8")


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                       (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_byte_order_marks_decide_and_are_removed(bom, codec):
    raw = bom + html(TEXT, "gbk").encode(codec)
    decoded = decode_html(raw)
    assert decoded.startswith("<html>") and TEXT in decoded


def test_a_utf8_page_cut_in_the_middle_of_its_last_character_stays_utf8():
    raw = html(TEXT, None).encode("utf-8") + "证".encode("utf-8")[:2]
    assert detect_codec(raw) == "utf-8"
    assert TEXT in decode_html(raw)


def test_garbage_bytes_decode_without_raising():
    assert isinstance(decode_html(bytes(range(256)) * 40), str)
    assert decode_html(b"") == ""


def test_traditional_characters_are_matched_as_simplified():
    assert to_simplified(TRADITIONAL) == TEXT
    assert normalize_text("ＱＱ：２８５１７３６４９０\n\n  免考　包過 ") == "QQ:2851736490\n免考 包过"


def test_a_big5_seller_page_is_read_in_simplified_terms():
    body = "電工證 免考包過，不用考試，全國聯網可查。價格：680元。聯繫微信：tzzy_banzheng88"
    result = score_page(html(body, None, "電工證辦理").encode("big5"), "https://dgz-banzheng.top/")
    assert result.encoding == "big5hkscs"
    language = [s for s in result.signals if s.code == "seller-language"]
    assert language and "免考" in language[0].zh and "包过" in language[0].zh


def test_a_gbk_page_declared_by_the_server_header_is_scored_the_same():
    body = "电工证免考包过，不用考试，680元拿证，微信：tzzy_banzheng88"
    raw = html(body, None, "电工证办理").encode("gbk")
    with_header = score_page(raw, "https://dgz-banzheng.top/", headers={"Content-Type": "text/html; charset=GBK"})
    sniffed = score_page(raw, "https://dgz-banzheng.top/")
    assert with_header.score == sniffed.score > 0
    scrapy_style = score_page(raw, "https://dgz-banzheng.top/", headers={b"Content-Type": [b"text/html; charset=gbk"]})
    assert scrapy_style.encoding == "gb18030"


def test_normalisation_is_nfkc_whatever_the_mix_of_characters():
    mixed = ("電工證 ＡＢＣ１２３，免考！ ℃ ① ㈱ ﹙注﹚ e\u0301 cafe\u0301 \u1100\u1161\u11a8 "
             "\u0b47\u0b3e x\u3000y\u00a0z 豈 \U0002f800 … 、。《》「」『』【】“”‘’—·©®×：（）；？") * 3
    expected = "\n".join(" ".join(line.split())
                         for line in to_simplified(unicodedata.normalize("NFKC", mixed)).split("\n"))
    assert normalize_text(mixed) == expected
    assert nfkc(mixed) == unicodedata.normalize("NFKC", mixed)


def test_white_space_collapses_inside_lines_and_blank_lines_go():
    assert collapse_space("  a \t b \n\n \r\n  c\u3000d  \n") == "a b\nc d"
    assert collapse_space("x\x00y") == "xy"


def test_labels_padded_for_alignment_are_joined_but_words_apart_stay_apart():
    assert join_spaced_hanzi("姓 名:张 伟 Li Wei") == "姓名:张伟 Li Wei"
    assert join_spaced_hanzi("验证码 1234") == "验证码 1234"


def test_distinct_lines_keep_each_line_once_in_first_seen_order():
    text = "首页\n证书查询\n首页\n联系我们\n证书查询"
    assert distinct_lines(text) == "首页\n证书查询\n联系我们"
    for phrase in ("证书查询", "首页", "联系我们"):
        assert (phrase in distinct_lines(text)) == (phrase in text)
    assert "查询\n首页" in text and "查询\n首页" not in distinct_lines(text)   # only line-spanning phrases differ
