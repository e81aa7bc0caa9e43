"""Monthly statistics table, referral packets and blocklist exports."""
