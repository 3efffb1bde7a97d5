"""`python -m agents.cli`: the same as the `mockpanel` console script."""

from __future__ import annotations

import sys

from agents.cli.main import main

sys.exit(main())
