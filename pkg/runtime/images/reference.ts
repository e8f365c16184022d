// Image references, normalized the way Docker and containerd do
// (github.com/distribution/reference normalize.go): `busybox` is
// `docker.io/library/busybox:latest`; a first path component is a registry domain when it
// has a '.' or ':' or is `localhost`; `index.docker.io` is `docker.io`.

export const DefaultDomain = 'docker.io';
export const DefaultTag = 'latest';
const legacyDomain = 'index.docker.io';
const officialRepoPrefix = 'library/';

const componentRe = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainRe = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^sha256:[a-f0-9]{64}$/;
const maxNameLength = 255;

export class InvalidReferenceError extends Error {
  override readonly name = 'InvalidReferenceError';
  readonly code = 'BERTH_ERR_INVALID_REFERENCE';
  constructor(readonly reference: string, reason: string) {
    super(`invalid image reference "${reference}": ${reason}`);
  }
}

export interface ParsedReference {
  /** Registry host, with port if any: `docker.io`, `localhost:5000`. */
  domain: string;
  /** Repository path inside the registry: `library/busybox`. */
  path: string;
  tag?: string;
  digest?: string;
}

const splitDomain = (name: string): { domain: string; path: string } => {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first);
  let domain = isDomain ? first : DefaultDomain;
  let path = isDomain ? name.slice(slash + 1) : name;
  if (domain === legacyDomain) domain = DefaultDomain;
  if (domain === DefaultDomain && !path.includes('/')) path = officialRepoPrefix + path;
  return { domain, path };
};

/** Parses and normalizes a reference; throws InvalidReferenceError. */
export const parseReference = (ref: string): ParsedReference => {
  let rest = ref.trim();
  if (rest === '') throw new InvalidReferenceError(ref, 'empty');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestRe.test(digest)) throw new InvalidReferenceError(ref, 'digest must be sha256:<64 hex>');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagRe.test(tag)) throw new InvalidReferenceError(ref, `invalid tag "${tag}"`);
  }
  const { domain, path } = splitDomain(rest);
  if (!domainRe.test(domain)) throw new InvalidReferenceError(ref, `invalid registry "${domain}"`);
  for (const c of path.split('/')) {
    if (c.toLowerCase() !== c) throw new InvalidReferenceError(ref, 'repository name must be lowercase');
    if (!componentRe.test(c)) throw new InvalidReferenceError(ref, `invalid repository component "${c}"`);
  }
  if (domain.length + 1 + path.length > maxNameLength) throw new InvalidReferenceError(ref, 'repository name too long');
  if (tag === undefined && digest === undefined) tag = DefaultTag;
  return { domain, path, tag, digest };
};

/** `domain/path`, the repository name without tag or digest. */
export const repositoryName = (r: ParsedReference): string => `${r.domain}/${r.path}`;

export const formatReference = (r: ParsedReference): string =>
  repositoryName(r) + (r.tag !== undefined ? `:${r.tag}` : '') + (r.digest !== undefined ? `@${r.digest}` : '');

/**
 * The canonical string for a reference: `busybox` → `docker.io/library/busybox:latest`,
 * `quay.io/x/y@sha256:…` stays digest-only, `a:t@sha256:…` keeps both (the digest wins
 * when resolving, as in Docker).
 */
export const normalizeReference = (ref: string): string => formatReference(parseReference(ref));

/** True for `sha256:<64 hex>` or bare 64-hex strings: an image ID rather than a name. */
export const isImageID = (s: string): boolean => digestRe.test(s) || /^[a-f0-9]{64}$/.test(s);

export const isDigest = (s: string): boolean => digestRe.test(s);
