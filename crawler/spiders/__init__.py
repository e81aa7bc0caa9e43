"""The spiders: one per way of finding candidates (search, permute, ct, tips, recheck, pivot)."""
