"""Pure scoring: lookalike domains, page signals, the combined verdict (no network, no database)."""
