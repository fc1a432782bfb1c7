// Netlify keeps gongshi's build cache (--cache .gongshi-cache: the search index parts and the
// lookup index of the last build, keyed by the content they were made from) from one deploy to
// the next.  A missing or stale cache only costs time: gongshi checks every entry's SHA-256 and
// key, and the output is byte-identical with or without it (README "The build cache").
const CACHE = ".gongshi-cache";

export const onPreBuild = async function ({ utils }) {
  if (await utils.cache.restore(CACHE)) console.log(`gongshi: build cache ${CACHE} restored`);
  else console.log(`gongshi: no build cache yet (${CACHE}): a full build`);
};

// after a successful build only: a failed build leaves the previous cache as it was
export const onPostBuild = async function ({ utils }) {
  await utils.cache.save(CACHE);
};
