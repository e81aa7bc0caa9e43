"""`python -m fakegov`."""
import sys

from fakegov.cli import main

sys.exit(main())
