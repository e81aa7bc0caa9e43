"""How a Chinese website identifies itself (DOMAIN.md §4): ICP record, 公安备案 number, 政府网站标识码,
the 党政机关 (conac) badge and the 主办单位 — found in a page and checked for form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Province abbreviations of ICP and 公安 records, with the first two digits of their division codes.
PROVINCE_CODES = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41",
    "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "蜀": "51",
    "贵": "52", "黔": "52", "云": "53", "滇": "53", "藏": "54", "陕": "61", "甘": "62", "陇": "62",
    "青": "63", "宁": "64", "新": "65",
}

# Loose patterns on purpose: a malformed number must be found before it can be called malformed.
_ICP = re.compile(r"ICP\s*([备证])?\s*[:：]?\s*([0-9A-Za-z]{1,20})\s*(号)?(-\d{1,3})?")
_ICP_VALID = re.compile(r"([\u4e00-\u9fff])ICP(备\d{6,11}|证\d{6})号(-\d{1,3})?")
_POLICE = re.compile(r"公网安备\s*[:：]?\s*(\d{1,20})\s*(号)?")
_SITE_CODE = re.compile(r"(?:网站标识码|网站识别码)\s*[:：]?\s*([A-Za-z]{0,2}\d{4,12})")
_SITE_CODE_META = re.compile(r"<meta[^>]+name=[\"']?SiteIDCode[\"']?[^>]*content=[\"']([A-Za-z0-9]*)[\"']", re.I)
_SITE_CODE_VALID = re.compile(r"bm\d{8}|\d{10}")
_SPONSOR = re.compile(r"(?:主办|主管|版权所有)(?:单位)?\s*[:：©]?\s*(?:\d{4}(?:-\d{4})?\s*)?([\u4e00-\u9fff()（）]{2,30})")
_CONAC_ID = re.compile(r"bszs\.conac\.cn/sitename\?method=show(?:&amp;|&)id=([0-9A-Fa-f]{32})")
_CONAC_SCRIPT = re.compile(r"<script[^>]+src=[\"'][^\"']*dcs\.conac\.cn", re.I)
_CONAC_IMAGE = re.compile(r"<img[^>]+src=[\"'][^\"']*dcs\.conac\.cn/image/(?:red|blue)", re.I)
_CONAC_SPAN = re.compile(r"id=[\"']?_ideConac", re.I)


@dataclass
class IdentityMarkers:
    """Every identity marker one page shows, as written (normalised spacing)."""

    icp: list[str] = field(default_factory=list)            # "京ICP备05070218号"
    police: list[str] = field(default_factory=list)         # "京公网安备11010202000001号"
    site_codes: list[str] = field(default_factory=list)     # "bm01000001"
    sponsors: list[str] = field(default_factory=list)       # "应急管理部"
    conac_ids: list[str] = field(default_factory=list)      # 32 hex, upper case
    conac_span: bool = False       # <span id="_ideConac">
    conac_script: bool = False     # the badge script from dcs.conac.cn
    conac_image: bool = False      # the badge picture loaded straight from dcs.conac.cn

    @property
    def has_conac_badge(self) -> bool:
        return bool(self.conac_ids or self.conac_span or self.conac_script or self.conac_image)

    def indicators(self) -> list[tuple[str, str]]:
        """The markers as (kind, value) pairs, for the store and for pivots."""
        pairs = [("icp", v) for v in self.icp] + [("police-record", v) for v in self.police]
        pairs += [("site-code", v) for v in self.site_codes] + [("conac-id", v) for v in self.conac_ids]
        return pairs


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _province_before(text: str, start: int) -> str:
    """The character just before a record number (its province abbreviation), if it is a hanzi."""
    before = text[max(0, start - 4):start].rstrip()[-1:]
    return before if "\u4e00" <= before <= "\u9fff" else ""


def find_identity(text: str, html: str, footer: str | None = None) -> IdentityMarkers:
    """Identity markers of a page: numbers from its visible text, the 主办单位 from its footer (an
    event's organiser in the body is not the site's), badge parts from its markup."""
    icp = [f"{_province_before(text, m.start())}ICP{m[1] or ''}{m[2]}{m[3] or ''}{m[4] or ''}"
           for m in _ICP.finditer(text)]
    police = [f"{_province_before(text, m.start())}公网安备{m[1]}{m[2] or ''}" for m in _POLICE.finditer(text)]
    site_codes = [m[1] for m in _SITE_CODE.finditer(text)] + [m for m in _SITE_CODE_META.findall(html) if m]
    return IdentityMarkers(
        icp=_unique(icp), police=_unique(police), site_codes=_unique(site_codes),
        sponsors=_unique(m[1] for m in _SPONSOR.finditer(text if footer is None else footer)),
        conac_ids=_unique(m.upper() for m in _CONAC_ID.findall(html)) if "conac" in html else [],
        conac_span="_ideConac" in html and bool(_CONAC_SPAN.search(html)),
        conac_script="dcs.conac.cn" in html and bool(_CONAC_SCRIPT.search(html)),
        conac_image="dcs.conac.cn" in html and bool(_CONAC_IMAGE.search(html)),
    )


def icp_problem(number: str) -> str | None:
    """Why an ICP record number cannot be real (None if its form is valid)."""
    match = _ICP_VALID.fullmatch(number)
    if not match:
        return "格式不符（应为“省份简称ICP备数字号”）"
    if match[1] not in PROVINCE_CODES:
        return f"“{match[1]}”不是省份简称"
    return None


def police_problem(number: str) -> str | None:
    """Why a 公安备案 number cannot be real: its form, or a division code of another province."""
    match = re.fullmatch(r"([\u4e00-\u9fff]?)公网安备(\d+)号", number)
    if not match or not 12 <= len(match[2]) <= 14:
        return "格式不符（应为“省份简称公网安备12至14位数字号”）"
    province, digits = match[1], match[2]
    if province and province in PROVINCE_CODES and not digits.startswith(PROVINCE_CODES[province]):
        return f"编号开头 {digits[:2]} 不是“{province}”的行政区划代码"
    if province and province not in PROVINCE_CODES:
        return f"“{province}”不是省份简称"
    return None


def is_government_site_code(code: str) -> bool:
    """A 政府网站标识码 in the only two valid forms: bm + 8 digits, or 10 digits."""
    return bool(_SITE_CODE_VALID.fullmatch(code))
