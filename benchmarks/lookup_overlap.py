"""The lookup index and the search index's plan on an already built site, one after the other
(seq) or the lookup in a forked process meanwhile (par), as the build does (meanwhile.py):

    python benchmarks/lookup_overlap.py SITE_DIR OUT_DIR seq|par

OUT_DIR: a build's output (gongshi build --no-search-index is enough); its lookup/ is rewritten.
"""

import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.config import load_config  # noqa: E402
from generator.meanwhile import Meanwhile  # noqa: E402
from generator.pipeline import lookup_specs  # noqa: E402
from generator.stages.index import plan  # noqa: E402
from generator.stages.lookup import LOOKUP_DIR, build_lookup  # noqa: E402

if __name__ == "__main__":
    site, out, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    config = load_config(site)
    shutil.rmtree(out / LOOKUP_DIR, ignore_errors=True)
    start = time.perf_counter()
    work = Meanwhile(build_lookup, out, lookup_specs(config), config.base_url, fork=mode == "par")
    if mode == "seq" and (error := work.result()):
        sys.exit(error)
    plan(out)
    if mode == "par" and (error := work.result()):
        sys.exit(error)
    print(f"{mode}: {time.perf_counter() - start:.2f} s")
