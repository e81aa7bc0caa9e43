"""fakegov: find, prove and track fake copies of China's certificate lookup (cx.mem.gov.cn)."""

__version__ = "0.1.0"
