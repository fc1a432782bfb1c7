#!/usr/bin/env bash
# Update ledger.csv (gongshi ledger) and commit it to main when it changed; run by ci.yml after a
# push to main and by daily-deploy.yml before the rebuild (README “The ledger”).  A push that
# races another is retried on top of it: the ledger is recomputed, never merged by hand.
set -euo pipefail
for attempt in 1 2 3; do
  .venv/bin/gongshi ledger ${GONGSHI_CHECK_AS_OF:+--as-of "$GONGSHI_CHECK_AS_OF"}
  if git diff --quiet -- ledger.csv && git ls-files --error-unmatch ledger.csv >/dev/null 2>&1; then
    echo "ledger.csv unchanged"
    exit 0
  fi
  git config user.name "github-actions[bot]"
  git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
  git add ledger.csv
  # [skip netlify]: the ledger changes no page by itself; the next build reads it
  git commit --quiet -m "公示台账 $(TZ=Asia/Shanghai date +%F) [skip netlify]"
  if git push --quiet origin HEAD:main; then
    exit 0
  fi
  echo "::warning::main moved while the ledger was updated (attempt $attempt): recomputing on top of it"
  git reset --quiet --hard HEAD^
  git pull --quiet --ff-only origin main
done
echo "::error::ledger.csv could not be pushed to main: records published since the last ledger are not remembered yet (README “The ledger”)"
exit 1
