"""The database schema as numbered migrations: append new ones, never edit one that has shipped."""

# Conventions: times are ISO 8601 UTC strings ("Z"); JSON columns hold JSON text; a "site" is one
# registrable domain, or one host on a shared-hosting suffix (detectors.names.site_key).

SITE_STATUSES = ("discovered", "flagged", "confirmed", "not_fake", "referred",
                 "block_requested", "blocked", "reappeared", "official")
ROLES = ("police", "analyst", "supervisor", "admin")

_CHECK_STATUS = ", ".join(f"'{s}'" for s in SITE_STATUSES)
_CHECK_ROLE = ", ".join(f"'{r}'" for r in ROLES)

MIGRATIONS: list[tuple[str, str]] = [
    ("initial schema", f"""
CREATE TABLE targets (
    key TEXT PRIMARY KEY,                 -- e.g. "cx.mem.gov.cn"
    name TEXT NOT NULL,
    official_hosts TEXT NOT NULL,         -- JSON list
    updated_at TEXT NOT NULL
);

CREATE TABLE crawl_runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                   -- search | permute | ct | tips | recheck | pivot | ...
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running'
        CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
    args TEXT NOT NULL DEFAULT '{{}}',      -- JSON: what was asked for
    counts TEXT NOT NULL DEFAULT '{{}}',    -- JSON: outcome -> count
    errors TEXT NOT NULL DEFAULT '[]',      -- JSON list of one-line errors
    notes TEXT NOT NULL DEFAULT '[]',       -- JSON list: back-offs, markup changes, ...
    warc TEXT,                            -- path of the run's WARC file, relative to the data folder
    jobdir TEXT,                          -- Scrapy JOBDIR, for resuming after a kill
    started_by TEXT
);

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    site_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'discovered' CHECK (status IN ({_CHECK_STATUS})),
    score INTEGER,                        -- latest combined score 0..100
    verdict TEXT,                         -- official | fake | suspicious | benign | lookalike | unreachable
    kind TEXT,
    target TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    verdict_capture_id INTEGER,           -- the capture whose score the site carries
    up INTEGER,                           -- 1 answered at the last check, 0 did not, NULL never checked
    down_since TEXT                       -- start of the current outage (for verifying "blocked")
);
CREATE INDEX sites_status ON sites(status);

CREATE TABLE urls (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    host TEXT NOT NULL,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE INDEX urls_site ON urls(site_id);

CREATE TABLE discoveries (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    url_id INTEGER REFERENCES urls(id),
    run_id INTEGER REFERENCES crawl_runs(id),
    source TEXT NOT NULL,                 -- search | permute | ct | tip | pivot | recheck | manual
    engine TEXT,
    keyword TEXT,
    rank INTEGER,
    ad INTEGER,
    detail TEXT NOT NULL DEFAULT '{{}}',    -- JSON: redirect link, CT entry, tip source, pivot path ...
    found_at TEXT NOT NULL
);
CREATE INDEX discoveries_site ON discoveries(site_id);

CREATE TABLE evidence_files (
    sha256 TEXT PRIMARY KEY,
    sm3 TEXT,                             -- GB/T 32905 hash, where this machine's OpenSSL has SM3
    size INTEGER NOT NULL,
    media_type TEXT,
    stored_at TEXT NOT NULL
);

CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    url_id INTEGER NOT NULL REFERENCES urls(id),
    role TEXT NOT NULL,                   -- entry | page | hop | canary | recheck | favicon | resource
    parent_url TEXT,                      -- for favicon and resource: the page that linked it
    requested_url TEXT NOT NULL,
    location TEXT,                        -- where this answer redirected to, if it did
    status_code INTEGER,
    redirects TEXT NOT NULL DEFAULT '[]', -- JSON: the hops that led here {{url, status, location, how}}
    headers TEXT NOT NULL DEFAULT '{{}}',   -- JSON of the final response's headers
    body_sha256 TEXT REFERENCES evidence_files(sha256),
    body_size INTEGER,
    content_type TEXT,
    encoding TEXT,
    title TEXT,
    ip TEXT,                              -- server address from DNS (the fetch may go through a proxy)
    dns TEXT NOT NULL DEFAULT '{{}}',       -- JSON: rtype -> answers, or the DNS error
    tls TEXT,                             -- JSON: subject, issuer, validity, SANs, fingerprint
    screenshot_sha256 TEXT REFERENCES evidence_files(sha256),
    dom_sha256 TEXT REFERENCES evidence_files(sha256),
    forms TEXT NOT NULL DEFAULT '[]',     -- JSON: action, method, inputs
    links TEXT NOT NULL DEFAULT '[]',     -- JSON: outbound links (for pivots)
    warc_record TEXT,                     -- WARC-Record-ID of the response
    score INTEGER,
    verdict TEXT,
    kind TEXT,
    target TEXT,
    detector_version TEXT,
    error TEXT,                           -- one line: what went wrong with this fetch
    fetched_at TEXT NOT NULL
);
CREATE INDEX captures_site ON captures(site_id);
CREATE INDEX captures_body ON captures(body_sha256);
CREATE INDEX captures_parent ON captures(run_id, parent_url);
CREATE UNIQUE INDEX captures_once_per_run ON captures(run_id, requested_url);

CREATE TABLE signals (
    id INTEGER PRIMARY KEY,
    capture_id INTEGER REFERENCES captures(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    detector TEXT NOT NULL,               -- domain | page | ...
    code TEXT NOT NULL,
    points INTEGER NOT NULL,
    zh TEXT NOT NULL,
    en TEXT NOT NULL,
    detector_version TEXT
);
CREATE INDEX signals_capture ON signals(capture_id);
CREATE INDEX signals_site ON signals(site_id);

-- Contacts (mobile, landline, qq, wechat, email) and infrastructure (analytics ids, IPs, name servers,
-- registrants, ICP numbers, badge ids, form hosts, page hashes) share one shape; pivots join on it.
CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    capture_id INTEGER REFERENCES captures(id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    UNIQUE (site_id, kind, value)
);
CREATE INDEX indicators_value ON indicators(kind, value);
CREATE VIEW contacts AS
    SELECT * FROM indicators WHERE kind IN ('mobile', 'landline', 'qq', 'wechat', 'email');

CREATE TABLE whois (
    id INTEGER PRIMARY KEY,
    domain TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    raw_sha256 TEXT REFERENCES evidence_files(sha256),
    found INTEGER,
    registrar TEXT,
    created TEXT,
    expires TEXT,
    status TEXT NOT NULL DEFAULT '[]',
    name_servers TEXT NOT NULL DEFAULT '[]',
    registrant TEXT,
    error TEXT
);
CREATE INDEX whois_domain ON whois(domain, fetched_at);

CREATE TABLE dns_lookups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '{{}}',   -- JSON: rtype -> list of answers
    rcode TEXT NOT NULL,                  -- NOERROR | NXDOMAIN | TIMEOUT | ...
    resolver TEXT,
    looked_up_at TEXT NOT NULL
);
CREATE INDEX dns_lookups_name ON dns_lookups(name, looked_up_at);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ({_CHECK_ROLE})),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- Decisions are the analysts' record: append-only, enforced by triggers.
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    user_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,                 -- confirm | not_fake | refer | request_block | blocked | reopen | ...
    from_status TEXT,
    to_status TEXT NOT NULL,
    channel TEXT,                         -- for block requests: 网信办 | 通信管理局 | CNCERT | registrar | search engine
    note TEXT,
    decided_at TEXT NOT NULL
);
CREATE INDEX decisions_site ON decisions(site_id);
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    recipient TEXT,                       -- the police unit it goes to
    packet_sha256 TEXT REFERENCES evidence_files(sha256),
    note TEXT
);
CREATE TABLE referral_sites (
    referral_id INTEGER NOT NULL REFERENCES referrals(id),
    site_id INTEGER NOT NULL REFERENCES sites(id),
    PRIMARY KEY (referral_id, site_id)
);

CREATE TABLE schedules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,                   -- crawl kind
    args TEXT NOT NULL DEFAULT '{{}}',
    cron TEXT NOT NULL,                   -- crontab expression, Beijing time
    enabled INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    last_run_id INTEGER REFERENCES crawl_runs(id)
);

-- The rows of the monthly table that people enter (DOMAIN.md §2); the two bold rows are computed.
CREATE TABLE manual_stats (
    id INTEGER PRIMARY KEY,
    month TEXT NOT NULL,                  -- YYYY-MM
    unit TEXT NOT NULL,                   -- 单位 (reporting unit)
    row_key TEXT NOT NULL,
    value REAL NOT NULL,
    entered_by INTEGER REFERENCES users(id),
    entered_at TEXT NOT NULL,
    UNIQUE (month, unit, row_key)
);

CREATE TABLE tips (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    source TEXT,                          -- 12350 | 110 | analyst | public report ...
    reporter TEXT,
    reporter_contact TEXT,
    note TEXT,
    received_at TEXT NOT NULL,
    site_id INTEGER REFERENCES sites(id),
    run_id INTEGER REFERENCES crawl_runs(id)
);
"""),
    ("crawl frontier", """
-- Every request a crawl schedules, written when it is scheduled and marked done in the same
-- transaction that stores its outcome: a crawl killed at any moment resumes with nothing lost and
-- nothing stored twice (Scrapy's own JOBDIR files are buffered and lose both on kill -9).
CREATE TABLE frontier (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
    fingerprint TEXT NOT NULL,
    url TEXT NOT NULL,
    site_key TEXT,                        -- the site whose page budget the request counts against
    request BLOB NOT NULL,                -- the pickled Request.to_dict()
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    UNIQUE (run_id, fingerprint)
);
CREATE INDEX frontier_pending ON frontier(run_id, state);
ALTER TABLE crawl_runs ADD COLUMN pid INTEGER;
"""),
]
