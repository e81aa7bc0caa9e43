"""Parsers of what the outside world answers: search-result pages and WHOIS text."""
