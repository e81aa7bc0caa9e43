"""The analysts' web workbench."""
