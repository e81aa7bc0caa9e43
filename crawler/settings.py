"""Scrapy settings of the fakegov crawler: behaviour lives here, not in globals.

`fakegov crawl` sets the FAKEGOV_* values from its options; `scrapy crawl KIND -s NAME=VALUE`
from the repository root works the same way.
"""

BOT_NAME = "fakegov"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Where the data lives and how the outside is reached (fakegov.network.Network, spelled as settings).
FAKEGOV_DATA = "fakegov-data"
FAKEGOV_PROXY = None          # "http://127.0.0.1:PORT" for the simulated world
FAKEGOV_DNS = None            # "127.0.0.1:PORT"; None: the system's resolver
FAKEGOV_WHOIS = None          # "127.0.0.1:PORT"; None: each registry's own server
FAKEGOV_RUN_ID = None         # set by `fakegov crawl`; a new run is started when absent
FAKEGOV_PROGRESS = True       # a progress line on the terminal

# How much of each site is captured.
FAKEGOV_SITE_PAGES = 8        # HTML pages per site (home, query form, result, contact ...)
FAKEGOV_SITE_DEPTH = 2        # link depth from the page a site was found at
FAKEGOV_SITE_RESOURCES = 12   # linked scripts, styles and images hashed per site
FAKEGOV_MAX_REDIRECTS = 10
FAKEGOV_WHOIS_MAX_AGE_DAYS = 7  # WHOIS answers are reused for this long
FAKEGOV_CT_MIN_SCORE = 20    # CT names below the lookalike verdict are still captured from this domain score
FAKEGOV_CANARY_QUERY = True   # submit a made-up identity to query forms of non-official sites
FAKEGOV_SIDE_PROCESSES = 1    # processes beside the reactor for the detectors, DNS and WHOIS (0: none)

# The investigated sites are hostile and do not get a say in whether their evidence is taken.
ROBOTSTXT_OBEY = False
USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/126.0 Safari/537.36")
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
}

# Politeness and robustness.
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 20.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024     # larger answers are cut off and recorded as such
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 1            # a dead or slow host is tried twice, not three times
# Item processing (detection, storage) is the bottleneck on two cores with the default of 100.
CONCURRENT_ITEMS = 10
# Scrapy re-reads and parses the source of a callback for this check on every answer whose callback is a
# bound method (its cache never hits them): a linter's job, too costly for every page of a crawl.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Redirects are followed by the capture itself, so that every hop is recorded (crawler.capture).
REDIRECT_ENABLED = False
METAREFRESH_ENABLED = False
HTTPERROR_ALLOW_ALL = True
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"

DUPEFILTER_CLASS = "crawler.frontier.FrontierDupeFilter"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.NetworkProxyMiddleware": 350,
    "crawler.engines.EngineBackoffMiddleware": 360,
}
ITEM_PIPELINES = {
    "crawler.pipelines.EvidencePipeline": 200,
    "crawler.pipelines.FactsPipeline": 100,
    "crawler.pipelines.DetectPipeline": 300,
    "crawler.pipelines.StorePipeline": 400,
}
EXTENSIONS = {
    "crawler.extensions.RunRecorder": 10,
    "crawler.extensions.ProgressLine": 20,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
