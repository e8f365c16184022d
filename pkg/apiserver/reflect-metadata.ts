// @peculiar/x509 uses tsyringe, which insists on a Reflect metadata polyfill being loaded first.
// The `reflect-metadata` package is not a dependency, so this is the small subset tsyringe calls
// (defineMetadata/getMetadata/getOwnMetadata/hasMetadata), stored per target in a WeakMap.
type Key = string | symbol;
const store = new WeakMap<object, Map<Key | undefined, Map<unknown, unknown>>>();

const own = (target: object, prop: Key | undefined, create: boolean): Map<unknown, unknown> | undefined => {
  let byProp = store.get(target);
  if (!byProp) {
    if (!create) return undefined;
    byProp = new Map();
    store.set(target, byProp);
  }
  let meta = byProp.get(prop);
  if (!meta && create) {
    meta = new Map();
    byProp.set(prop, meta);
  }
  return meta;
};

const getOwnMetadata = (key: unknown, target: object, prop?: Key): unknown => own(target, prop, false)?.get(key);
const getMetadata = (key: unknown, target: object, prop?: Key): unknown => {
  for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
    const m = own(t, prop, false);
    if (m?.has(key)) return m.get(key);
  }
  return undefined;
};

interface ReflectMetadata {
  getMetadata?: typeof getMetadata;
  getOwnMetadata?: typeof getOwnMetadata;
  defineMetadata?: (key: unknown, value: unknown, target: object, prop?: Key) => void;
  hasMetadata?: (key: unknown, target: object, prop?: Key) => boolean;
  metadata?: (key: unknown, value: unknown) => (target: object, prop?: Key) => void;
}

const r = Reflect as unknown as ReflectMetadata;
if (!r.getMetadata) {
  r.getMetadata = getMetadata;
  r.getOwnMetadata = getOwnMetadata;
  r.defineMetadata = (key, value, target, prop) => { own(target, prop, true)?.set(key, value); };
  r.hasMetadata = (key, target, prop) => getMetadata(key, target, prop) !== undefined;
  r.metadata = (key, value) => (target, prop) => { own(target, prop, true)?.set(key, value); };
}

export {};
