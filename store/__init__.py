"""The SQLite database (through sqlite-utils) and the content-addressed evidence folder."""
