"""``python -m translation_tools``."""

import sys

from translation_tools.cli import main

sys.exit(main())
