// `apiVersion` strings from a group and version. Kept apart from resources.ts so that code that
// only needs this (the REST client, the CLI) does not build every schema when it loads.
export const apiVersionOf = (r: { group: string; version: string }): string =>
  r.group ? `${r.group}/${r.version}` : r.version;
