#!/usr/bin/env python
"""Render the visual references again (tests/exports/visual/*.png). Look at every image before committing them."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from tests.exports.visual_references import regenerate  # noqa: E402

if __name__ == "__main__":
    regenerate()
