"""Contacts (mobile, landline, QQ, WeChat id, e-mail) and analytics ids in a page: what sellers leave
behind and what ties the sites of one gang together. Each comes out as a (kind, value) pair."""

from __future__ import annotations

import re

# Phone numbers are looked for only inside runs of digits, found in one pass over the text.
_NUMBER_RUN = re.compile(r"[\d(][\d()\s-]{5,24}\d")
_MOBILE = re.compile(r"(?<![\d.])(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![\d.])")
_LANDLINE = re.compile(r"(?<![\d-])(?:\((0\d{2,3})\)\s?|(0\d{2,3})-)(\d{7,8})(?![\d])")
_HOTLINE = re.compile(r"(?<!\d)([48]00)-?(\d{3})-?(\d{4})(?!\d)")
# QQ and WeChat patterns run on the lower-cased text: re.I would make them several times slower.
_QQ = re.compile(r"(?:qq|扣扣|企鹅|q号)\s*(?:号码|号|群)?\s*[:：]?\s*([1-9]\d{4,11})(?!\d)")
_QQ_LINK = re.compile(r"(?:tencent://message/?\?|wpa\.qq\.com/msgrd\?)[^\"'<>]*?uin=(\d{5,12})", re.I)
_WECHAT = re.compile(r"(?:微信号?|weixin|wechat|vx|v信|威信|薇信|徽信|wx)\s*(?:号)?\s*[:：]\s*"
                     r"([a-z][-_a-z0-9]{5,19}|1[3-9]\d{9})(?![-_a-z0-9])")
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@"
                    r"[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,12}")

_BAIDU_TONGJI = re.compile(r"hm\.baidu\.com/hm\.js\?([0-9a-f]{32})", re.I)
_CNZZ = re.compile(r"cnzz\.com/[\w./-]*\?(?:[^\"'<>\s]*?&(?:amp;)?)?(?:id|web_id)=(\d{4,12})|cnzz_stat_icon_(\d{4,12})",
                   re.I)
_LA51 = re.compile(r"js\.users\.51\.la/(\d{4,12})\.js|LA\.init\(\s*\{\s*id\s*:\s*[\"']([\w]{4,32})[\"']", re.I)


def _unique(pairs) -> list[tuple[str, str]]:
    return list(dict.fromkeys(pairs))


# Each pattern starts with one of these words: it is tried only where one stands, found with str.find
# (a regex scanning a long text for an alternation or a character class is many times slower).
_QQ_HINTS = ("qq", "扣扣", "企鹅", "q号")
_WECHAT_HINTS = ("微信", "weixin", "wechat", "vx", "v信", "威信", "薇信", "徽信", "wx")
_EMAIL_LOCAL_CHARS = 64


def _matches_at(pattern: re.Pattern, text: str, hints) -> list[re.Match]:
    """Matches of `pattern` that start where one of the hint words stands."""
    found = []
    for hint in hints:
        at = text.find(hint)
        while at >= 0:
            match = pattern.match(text, at)
            if match:
                found.append(match)
            at = text.find(hint, at + 1)
    return sorted(found, key=lambda m: m.start())


def _emails(text: str) -> list[str]:
    """E-mail addresses, looked for around each @ only."""
    found, at = [], text.find("@")
    while at >= 0:
        start = max(0, at - _EMAIL_LOCAL_CHARS - 1)
        for match in _EMAIL.finditer(text, start, at + 256):
            if match.start() <= at < match.end():
                found.append(match[0].lower())
                break
        at = text.find("@", at + 1)
    return found


def _phone_numbers(run: str) -> list[tuple[str, str]]:
    """Mobile, landline and hotline numbers in one run of digits, in that order."""
    pairs = [("mobile", "".join(m.groups())) for m in _MOBILE.finditer(run)]
    pairs += [("landline", f"{m[1] or m[2]}-{m[3]}") for m in _LANDLINE.finditer(run)]
    return pairs + [("landline", "".join(m.groups())) for m in _HOTLINE.finditer(run)]


def find_contacts(text: str, hrefs: list[str]) -> list[tuple[str, str]]:
    """Contacts in the visible text and in tel:/mailto:/QQ links, normalised (digits only for numbers)."""
    links = " ".join(hrefs)
    lowered = text.lower()
    pairs = []
    numbers_in: dict[str, list[tuple[str, str]]] = {}     # pages repeat their dates and numbers: each run read once
    for run in _NUMBER_RUN.findall(text + " " + links):
        numbers = numbers_in.get(run)
        if numbers is None:
            numbers = numbers_in[run] = _phone_numbers(run)
        pairs += numbers
    pairs += [("qq", m[1]) for m in _matches_at(_QQ, lowered, _QQ_HINTS)]
    pairs += [("qq", m[1]) for m in _QQ_LINK.finditer(links)]
    pairs += [("wechat", m[1]) for m in _matches_at(_WECHAT, lowered, _WECHAT_HINTS)]
    pairs += [("email", address) for address in _emails(text + " " + links)]
    return _unique(pairs)


def find_analytics(html: str) -> list[tuple[str, str]]:
    """Analytics ids anywhere in the markup: Baidu tongji, CNZZ (Umeng) and 51.la."""
    pairs = []
    if "hm.baidu.com" in html:
        pairs += [("baidu-tongji", m.lower()) for m in _BAIDU_TONGJI.findall(html)]
    if "cnzz" in html:
        pairs += [("cnzz", a or b) for a, b in _CNZZ.findall(html)]
    if "51.la" in html or "LA.init" in html:
        pairs += [("51la", a or b) for a, b in _LA51.findall(html)]
    return _unique(pairs)
