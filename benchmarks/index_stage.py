"""Run one search-index stage on an already built site (gongshi build --no-search-index), so that
benchmarks/search.sh can time each with /usr/bin/time -v:

    python benchmarks/index_stage.py lookup SITE_DIR OUT_DIR   # the lookup index (Python)
    python benchmarks/index_stage.py pagefind OUT_DIR          # Pagefind, in its own process
"""

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.config import load_config  # noqa: E402
from generator.pipeline import lookup_specs  # noqa: E402
from generator.stages.index import build_index  # noqa: E402
from generator.stages.lookup import LOOKUP_DIR, build_lookup  # noqa: E402

if __name__ == "__main__":
    stage, *dirs = sys.argv[1:]
    if stage == "lookup":
        site, out = map(Path, dirs)
        config = load_config(site)
        shutil.rmtree(out / LOOKUP_DIR, ignore_errors=True)
        error = build_lookup(out, lookup_specs(config), config.base_url)
    else:
        out = Path(dirs[0])
        shutil.rmtree(out / "pagefind", ignore_errors=True)
        error = build_index(out)
    if error:
        sys.exit(error)
