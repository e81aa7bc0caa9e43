"""Scrapy project: spiders, middlewares, pipelines and the capture of evidence."""
