"""One WHOIS answer, in any registry's format, turned into the record the rest of fakegov uses.

`parse_whois(raw, domain)` returns exactly
{"domain", "registrar", "created", "expires", "status": [...], "name_servers": [...],
 "registrant", "found"}.
Parsing is python-whois's (`whois.parser.WhoisEntry.load`); this module fixes what it gets
wrong for our purpose:
- CNNIC (.cn, .com.cn, .中国) prints Beijing time without saying so: python-whois calls it UTC;
  here it is +08:00. Dates keep the zone they were written with (Z, -07:00); a date without a
  time stays a date; a time without a zone from any other registry is UTC, as ICANN requires.
- Verisign's thin answers list look-alike "Server Name" records before the real one; only the
  record of the queried domain is read.
- Status codes lose their trailing ICANN URLs; name servers are lower-cased and deduplicated.
- "REDACTED FOR PRIVACY" and similar placeholders are not a registrant (clustering sites by
  registrant would otherwise join every privacy-protected domain into one gang).
- Answers that say the name is not registered, prohibited or reserved give found=False with
  that reason as the only status, instead of an exception or an empty record.
An answer that is none of these (rate-limit notice, garbage) raises WhoisParseError.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import dateutil.parser
from whois.exceptions import WhoisDomainNotFoundError, WhoisError
from whois.parser import WhoisEntry
from whois.time_zones import tz_data

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

# Registry answers that mean "no such registration", with the reason we report.
_UNREGISTERED = [
    (re.compile(r"^\s*No matching record\.?\s*$", re.M | re.I), "not found"),            # CNNIC
    (re.compile(r'^\s*No match for "', re.M | re.I), "not found"),                       # Verisign
    (re.compile(r"^\s*(?:NOT FOUND|Domain not found|No Data Found|No entries found|"
                r"The queried object does not exist|No match for domain)\b", re.M | re.I), "not found"),
    (re.compile(r"The domain you requested is prohibited", re.I), "prohibited"),         # CNNIC
    (re.compile(r"The domain you requested is in the reserved list", re.I), "reserved"),  # CNNIC
]

_CNNIC_SUFFIXES = (".cn", ".中国", ".中國", ".xn--fiqs8s", ".xn--fiqz9s")
_CNNIC_LABELS = re.compile(r"^\s*(?:Registration|Expiration) Time:", re.M)

_DATE_LABELS = {
    "created": r"Creation Date|Registration Time|Registration Date|Created On|Created|Registered On|Registered",
    "expires": r"Registry Expiry Date|Registrar Registration Expiration Date|Expiration Date|Expiration Time|"
               r"Expiry Date|Expires On|Expires|paid-till",
}
_PYTHON_WHOIS_DATE_KEYS = {"created": "creation_date", "expires": "expiration_date"}

# python-whois names the registrant differently per registry; organisations before persons.
_REGISTRANT_KEYS = ("org", "registrant_org", "registrant_organization", "name", "registrant_name", "registrant")
_PLACEHOLDER = re.compile(r"REDACTED|Please query the RDDS|Data Protected|Not Disclosed|GDPR|Masked|Withheld|"
                          r"Non-Public Data|Statutory Masking", re.I)
_CORPORATE = re.compile(r"\b(?:Inc|LLC|Ltd|Limited|Corp|Corporation|GmbH|Co)\b\.?|公司|有限|集团", re.I)


class WhoisParseError(ValueError):
    """The text is not a WHOIS record nor a registry's "not registered" answer."""


def parse_whois(raw: str, domain: str | None = None) -> dict:
    """Parse one WHOIS answer. `domain` (the name that was asked) picks the record and the format."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    asked = _normalise_domain(domain) if domain else None
    record_start = _first_domain_name(text)
    # A registry record followed by a registrar's "no match" (a failed referral) is still a record.
    if record_start is None:
        for pattern, reason in _UNREGISTERED:
            if pattern.search(text):
                return _record(asked, found=False, status=[reason])
    name = asked or record_start
    text = "".join(line for line in _own_record(text, name).splitlines(keepends=True)
                   if not any(pattern.search(line) for pattern, _ in _UNREGISTERED))
    try:
        entry = WhoisEntry.load(name or "", text)
    except WhoisDomainNotFoundError as err:
        # python-whois also uses this error for "this TLD has no WHOIS server": that is no answer.
        if "has no whois server" in str(err):
            raise WhoisParseError("the registry of this TLD has no WHOIS server") from None
        return _record(asked, found=False, status=["not found"])
    except WhoisError as err:
        raise WhoisParseError(f"python-whois could not read the answer: {err}") from None
    record_name = _first(entry.get("domain_name"))
    if not any((record_name, entry.get("registrar"), entry.get("creation_date"), entry.get("name_servers"))):
        first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
        raise WhoisParseError(f"no WHOIS record in the answer (it begins: {first_line[:80]!r})")
    name = _normalise_domain(record_name) if record_name else name
    beijing = bool(name and name.endswith(_CNNIC_SUFFIXES)) or bool(_CNNIC_LABELS.search(text))
    return _record(
        name,
        registrar=_clean(_first(entry.get("registrar"))),
        created=_date(text, entry, "created", beijing),
        expires=_date(text, entry, "expires", beijing),
        status=_status_codes(entry.get("status")),
        name_servers=_name_servers(entry.get("name_servers")),
        registrant=_registrant(entry, text),
        found=True,
    )


def _record(domain, registrar=None, created=None, expires=None, status=(), name_servers=(), registrant=None,
            found=False) -> dict:
    return {"domain": domain, "registrar": registrar, "created": created, "expires": expires,
            "status": list(status), "name_servers": list(name_servers), "registrant": registrant, "found": found}


def _normalise_domain(name: str) -> str:
    return name.strip().rstrip(".").lower()


def _first(value):
    """python-whois gives one value, a list of values, or None."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _clean(value) -> str | None:
    value = str(value).strip() if value is not None else ""
    return value or None


def _first_domain_name(text: str) -> str | None:
    match = re.search(r"^\s*Domain Name:\s*(\S+)", text, re.M | re.I)
    return _normalise_domain(match.group(1)) if match else None


def _own_record(text: str, name: str | None) -> str:
    """The answer from the queried domain's own record on: thin registries put unrelated
    "Server Name" records that share its prefix (GOOGLE.COM.ZZZ...) in front of it."""
    if name:
        match = re.search(rf"^\s*Domain Name:\s*{re.escape(name)}\s*$", text, re.M | re.I)
        if match:
            return text[match.start():]
    return text


def _date(text: str, entry, field: str, beijing: bool) -> str | None:
    """The first date labelled as `field`, in ISO 8601 with its time zone."""
    match = re.search(rf"^\s*(?:{_DATE_LABELS[field]})\s*\.*\s*:\s*(\S.*?)\s*$", text, re.M | re.I)
    if match:
        written = match.group(1).rstrip(".")
        try:
            parsed = dateutil.parser.parse(written, tzinfos=tz_data)
        except (ValueError, OverflowError):
            parsed = None
        if parsed is not None:
            if not re.search(r"\d:\d\d", written):
                return parsed.date().isoformat()
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=BEIJING if beijing else timezone.utc)
            return _iso(parsed)
    value = _first(entry.get(_PYTHON_WHOIS_DATE_KEYS[field]))
    if isinstance(value, datetime):
        # python-whois read a format we do not know; it assumes UTC for times without a zone.
        return _iso(value.replace(tzinfo=BEIJING) if beijing else value)
    return None


def _iso(moment: datetime) -> str:
    timespec = "microseconds" if moment.microsecond else "seconds"
    stamp = moment.isoformat(timespec=timespec)
    return stamp[:-6] + "Z" if moment.utcoffset() == timedelta(0) else stamp


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _status_codes(value) -> list[str]:
    """EPP codes without the ICANN link that registries append ("ok https://icann.org/epp#ok")."""
    codes: list[str] = []
    for item in _as_list(value):
        code = str(item).strip().split()[0] if str(item).strip() else ""
        if code and code.lower() not in (c.lower() for c in codes):
            codes.append(code)
    return codes


def _name_servers(value) -> list[str]:
    servers: list[str] = []
    for item in _as_list(value):
        words = str(item).split()
        server = words[0].rstrip(".").lower() if words else ""
        if server and server not in servers:
            servers.append(server)
    return servers


def _registrant(entry, text: str) -> str | None:
    for key in _REGISTRANT_KEYS:
        for value in _as_list(entry.get(key)):
            value = _clean(value)
            if value and not _PLACEHOLDER.search(value):
                return value
    return _registrant_block(text)


def _registrant_block(text: str) -> str | None:
    """Old registrar answers give the registrant as an unlabelled block under "Registrant:"
    (contact name, then organisation, then address); the organisation is the holder."""
    match = re.search(r"^[ \t]*Registrant:[ \t]*\n((?:[ \t]+\S.*\n?)+)", text, re.M)
    if not match:
        return None
    lines = [line.strip() for line in match.group(1).splitlines() if line.strip()]
    lines = [line for line in lines if not _PLACEHOLDER.search(line)]
    organisation = next((line for line in lines[:2] if _CORPORATE.search(line)), None)
    return organisation or (lines[0] if lines else None)
