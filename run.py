#!/usr/bin/env python3
"""Peakdrill command line: a thin argument layer over stack/, scenarios/, chaos/ and reports/."""

import sys

from peakdrill.cli import main

if __name__ == "__main__":
    sys.exit(main())
