// A recording in-memory ResourceClient for unit tests (objects by namespace/name, a counter
// as resourceVersion, 409 on a stale resourceVersion, uid preconditions on delete).
import type { ApiObject, DeleteOptions, List, WatchEvent } from '../../api/meta/v1';
import type { ResourceInfo } from '../../api/resources';
import type { PatchType, ResourceClient, WatchQuery } from '../client/types';
import { conflict, notFound, alreadyExists } from '../apimachinery/errors';

export class FakeResourceClient<T extends ApiObject> implements ResourceClient<T> {
  objects = new Map<string, T>();
  calls: string[] = [];
  private rv = 1;

  constructor(readonly info: ResourceInfo) {}

  private key(ns: string, name: string): string { return this.info.namespaced ? `${ns}/${name}` : name; }
  private gr() { return { group: this.info.group, resource: this.info.plural }; }
  private bump(obj: T): T {
    const copy = structuredClone(obj);
    copy.metadata = { ...copy.metadata, resourceVersion: String(++this.rv) };
    return copy;
  }

  seed(ns: string, obj: T): T {
    const stored = this.bump(obj);
    this.objects.set(this.key(ns, obj.metadata.name ?? ''), stored);
    return structuredClone(stored);
  }

  async get(ns: string, name: string): Promise<T> {
    this.calls.push(`get ${this.key(ns, name)}`);
    const o = this.objects.get(this.key(ns, name));
    if (!o) throw notFound(this.gr(), name);
    return structuredClone(o);
  }
  async list(): Promise<List<T>> {
    return { apiVersion: 'v1', kind: this.info.listKind, metadata: { resourceVersion: String(this.rv) }, items: [...this.objects.values()] };
  }
  async create(ns: string, obj: T): Promise<T> {
    this.calls.push(`create ${this.key(ns, obj.metadata.name ?? '')}`);
    if (this.objects.has(this.key(ns, obj.metadata.name ?? ''))) throw alreadyExists(this.gr(), obj.metadata.name ?? '');
    return this.seed(ns, obj);
  }
  private async write(verb: string, ns: string, obj: T, merge: (cur: T) => T): Promise<T> {
    const name = obj.metadata.name ?? '';
    this.calls.push(`${verb} ${this.key(ns, name)}`);
    const cur = this.objects.get(this.key(ns, name));
    if (!cur) throw notFound(this.gr(), name);
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw conflict(this.gr(), name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return this.seed(ns, merge(cur));
  }
  async update(ns: string, obj: T): Promise<T> { return this.write('update', ns, obj, (cur) => ({ ...obj, status: cur.status })); }
  async updateStatus(ns: string, obj: T): Promise<T> { return this.write('updateStatus', ns, obj, (cur) => ({ ...cur, status: obj.status })); }
  async patch(_ns: string, name: string, type: PatchType): Promise<T> { throw new Error(`patch ${type} ${name} not faked`); }
  async delete(ns: string, name: string, opts?: DeleteOptions): Promise<unknown> {
    this.calls.push(`delete ${this.key(ns, name)} ${JSON.stringify(opts ?? {})}`);
    const cur = this.objects.get(this.key(ns, name));
    if (!cur) throw notFound(this.gr(), name);
    if (opts?.preconditions?.uid && opts.preconditions.uid !== cur.metadata.uid) throw conflict(this.gr(), name, 'Precondition failed: UID');
    this.objects.delete(this.key(ns, name));
    return cur;
  }
  async createSubresource(): Promise<unknown> { throw new Error('not faked'); }
  // eslint-disable-next-line require-yield
  async *watch(_ns: string, _q: WatchQuery, _signal: AbortSignal): AsyncIterable<WatchEvent<T>> { return; }
}
