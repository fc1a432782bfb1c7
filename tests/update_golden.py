"""Rebuild the golden output after an intended change: python tests/update_golden.py; review the diff."""

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conftest import GOLDEN_AS_OF, GOLDEN_EXPECTED, GOLDEN_SITE  # noqa: E402

from generator.pipeline import build  # noqa: E402

if __name__ == "__main__":
    shutil.rmtree(GOLDEN_EXPECTED, ignore_errors=True)
    build(GOLDEN_SITE, GOLDEN_EXPECTED, GOLDEN_AS_OF, search_index=False, jobs=1)
    print(f"golden output written to {GOLDEN_EXPECTED}")
