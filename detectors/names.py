"""Host-name parsing shared by every room: normalising names, the "one site" key, and the government check.

Everything here is offline: the suffix list is the snapshot bundled with tldextract, never downloaded.
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple

import tldextract

# Private (shared-hosting) suffixes are included so that foo.github.io is its own site, not github.io.
EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

MAX_HOST_LENGTH = 253
MAX_LABEL_LENGTH = 63

# Suffixes only vetted public bodies can register under: gov.cn (CNNIC, government bodies only),
# .政务 (CONAC, party and government bodies) and .公益 (CONAC, public institutions).
GOVERNMENT_SUFFIXES = ("gov.cn", "xn--zfr164b", "xn--55qw42g")

_ASCII_HOST = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*")
# Full stops that IDNA (UTS 46) treats as dots: ideographic, fullwidth and halfwidth.
_DOT_VARIANTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


class HostNameError(ValueError):
    """A string that is not a host name; the message is one line, `zh` says the same in Chinese."""

    def __init__(self, problem: str, zh: str) -> None:
        super().__init__(f"not a host name: {problem}")
        self.zh = f"不是有效的域名：{zh}"


class Host(NamedTuple):
    """A normalised host name: `ascii` is what DNS sees (punycode), `unicode` what a person reads."""

    ascii: str
    unicode: str


def normalize_host(name: str) -> Host:
    """`name` (a host, or a URL) as a lower-case Host without scheme, path, port or trailing dot.

    IP literals are kept as they are (IPv6 without brackets). Raises HostNameError (a ValueError
    with a one-line message) for anything that is not a host name.
    """
    if not isinstance(name, str):
        raise HostNameError(f"expected text, got {type(name).__name__}", "不是文本")
    host = name.strip().lower()
    if host.isascii() and len(host) <= MAX_LABEL_LENGTH and "xn--" not in host and _ASCII_HOST.fullmatch(host):
        return Host(host, host)                     # the common case, checked in one step
    if not host.isascii() or not _ASCII_HOST.fullmatch(host):
        host = _strip_url_parts(host.translate(_DOT_VARIANTS))
        if is_ip_literal(host):
            return Host(host, host)
    host = host.rstrip(".")
    if not host:
        raise HostNameError("empty", "域名为空")
    if len(host) > MAX_HOST_LENGTH:
        raise HostNameError(f"{len(host)} characters, more than {MAX_HOST_LENGTH}",
                            f"域名过长（{len(host)} 个字符，上限 {MAX_HOST_LENGTH}）")
    if host.isascii():
        return _checked_ascii_host(host)
    return _idn_host(host)


def _strip_url_parts(text: str) -> str:
    """The host part of a URL-ish string: no scheme, user, path, query, fragment or port."""
    if "://" in text:
        text = text.split("://", 1)[1]
    for separator in "/?#":
        text = text.split(separator, 1)[0]
    text = text.rsplit("@", 1)[-1]
    if text.startswith("["):                        # [IPv6]:port
        return text[1:].split("]", 1)[0]
    if text.count(":") == 1:
        host, port = text.split(":")
        if port.isdigit() or not port:
            return host
    return text


def is_ip_literal(text: str) -> bool:
    """True for an IPv4 or IPv6 address (without brackets)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _checked_ascii_host(host: str) -> Host:
    if not _ASCII_HOST.fullmatch(host):
        raise HostNameError(f"{_shorten(host)!r} has characters or dots a host name cannot have",
                            "含有域名中不允许的字符，或有空的段")
    if "xn--" not in host:
        _check_label_lengths(host)
        return Host(host, host)
    try:
        unicode = ".".join(_label_to_unicode(label) for label in host.split("."))
    except UnicodeError as err:
        raise HostNameError(f"{_shorten(host)!r} has a broken punycode label ({err})", "punycode 编码损坏") from None
    _check_label_lengths(host)
    return Host(host, unicode)


def _label_to_unicode(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    decoded = label[4:].encode("ascii").decode("punycode")
    if decoded.isascii():
        raise UnicodeError("punycode label that decodes to plain ASCII")
    return decoded


def _idn_host(host: str) -> Host:
    """Unicode host: IDNA 2003 ToASCII label by label (maps fullwidth letters and case as browsers do)."""
    if "\ufffd" in host:
        raise HostNameError("contains U+FFFD (bytes that were not valid text)", "含有无法解码的字节（U+FFFD）")
    try:
        ascii_labels = [label.encode("idna").decode("ascii") for label in host.split(".")]
    except UnicodeError as err:
        raise HostNameError(f"{_shorten(host)!r} cannot be encoded as IDNA ({err})", "无法按 IDNA 规则编码") from None
    return _checked_ascii_host(".".join(ascii_labels).lower())


def _check_label_lengths(host: str) -> None:
    if len(host) > MAX_HOST_LENGTH:
        raise HostNameError(f"{len(host)} characters once encoded, more than {MAX_HOST_LENGTH}",
                            f"编码后域名过长（{len(host)} 个字符，上限 {MAX_HOST_LENGTH}）")
    if any(len(label) > MAX_LABEL_LENGTH for label in host.split(".")):
        raise HostNameError(f"a label of {_shorten(host)!r} is longer than {MAX_LABEL_LENGTH}",
                            f"某一段超过 {MAX_LABEL_LENGTH} 个字符")


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def site_key(host: str) -> str:
    """What counts as one site ("家"): the registrable domain, private suffixes included.

    So www.example.com and example.com are one site, while foo.github.io and bar.github.io are two
    (on a shared-hosting suffix the customer's own host is the site). IP literals are their own
    site; a name under a suffix the list does not know falls back to its last two labels.
    """
    ascii_host = normalize_host(host).ascii
    if is_ip_literal(ascii_host):
        return ascii_host
    parts = EXTRACT(ascii_host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    if parts.suffix:                                # the name is itself a public suffix
        return ascii_host
    return ".".join(ascii_host.split(".")[-2:])


def is_gov_cn(host: str) -> bool:
    """True for names only vetted Chinese public bodies can hold: *.gov.cn, *.政务 and *.公益.

    A host under these suffixes can never be registered by an impersonator.
    """
    ascii_host = normalize_host(host).ascii
    return any(ascii_host == suffix or ascii_host.endswith("." + suffix) for suffix in GOVERNMENT_SUFFIXES)
