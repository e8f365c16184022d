// A set of field paths (structured-merge-diff fieldpath.Set) as a trie: `members` are the
// elements of this node that are in the set themselves, `children` the subsets below elements.
// A node can be both (a list item that is owned and has owned fields): fieldsV1 writes that
// as `".": {}` inside the child. Set operations return new sets (which may share unchanged
// subtrees with their inputs, so only insert into sets you built); empty children are dropped.
import { canonicalElement, compareElements, PathElementError, type Path, type PathElement } from './path';

type Json = Record<string, unknown>;

export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds `path`; its parents are not added. The empty path (the whole object) is never tracked. */
  insert(path: Path): void {
    if (path.length === 0) return;
    let { children, members } = this;
    for (let i = 0; i < path.length - 1; i++) {
      let next = children.get(path[i]);
      if (!next) { next = new FieldSet(); children.set(path[i], next); }
      ({ children, members } = next);
    }
    members.add(path[path.length - 1]);
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    if (path.length === 1) return this.members.has(path[0]);
    return this.children.get(path[0])?.has(path.slice(1)) ?? false;
  }

  child(pe: PathElement): FieldSet | undefined { return this.children.get(pe); }

  isEmpty(): boolean {
    return this.members.size === 0 && [...this.children.values()].every((c) => c.isEmpty());
  }

  private static build(members: Iterable<PathElement>, children: Iterable<[PathElement, FieldSet]>): FieldSet {
    const s = new FieldSet();
    for (const m of members) s.members.add(m);
    for (const [pe, c] of children) if (!c.isEmpty()) s.children.set(pe, c);
    return s;
  }

  union(o: FieldSet): FieldSet {
    const children = new Map(this.children);
    for (const [pe, c] of o.children) {
      const mine = children.get(pe);
      children.set(pe, mine ? mine.union(c) : c);
    }
    return FieldSet.build([...this.members, ...o.members], children);
  }

  intersection(o: FieldSet): FieldSet {
    const children: [PathElement, FieldSet][] = [];
    for (const [pe, c] of this.children) {
      const theirs = o.children.get(pe);
      if (theirs) children.push([pe, c.intersection(theirs)]);
    }
    return FieldSet.build([...this.members].filter((m) => o.members.has(m)), children);
  }

  /** Members of this set that are not members of `o`, node by node (upstream Difference). */
  difference(o: FieldSet): FieldSet {
    const children: [PathElement, FieldSet][] = [];
    for (const [pe, c] of this.children) {
      const theirs = o.children.get(pe);
      children.push([pe, theirs ? c.difference(theirs) : c]);
    }
    return FieldSet.build([...this.members].filter((m) => !o.members.has(m)), children);
  }

  /** Like difference, and also drops everything below a member of `o` (upstream RecursiveDifference). */
  recursiveDifference(o: FieldSet): FieldSet {
    const children: [PathElement, FieldSet][] = [];
    for (const [pe, c] of this.children) {
      if (o.members.has(pe)) continue;
      const theirs = o.children.get(pe);
      children.push([pe, theirs ? c.recursiveDifference(theirs) : c]);
    }
    return FieldSet.build([...this.members].filter((m) => !o.members.has(m)), children);
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).isEmpty() && o.difference(this).isEmpty();
  }

  /** Every member path, in upstream order (a node before what is below it). */
  paths(prefix: PathElement[] = []): PathElement[][] {
    const keys = [...new Set([...this.members, ...this.children.keys()])].sort(compareElements);
    const out: PathElement[][] = [];
    for (const pe of keys) {
      if (this.members.has(pe)) out.push([...prefix, pe]);
      const c = this.children.get(pe);
      if (c) out.push(...c.paths([...prefix, pe]));
    }
    return out;
  }

  /** The fieldsV1 trie: `{"f:spec": {"f:replicas": {}}}`, `".": {}` marking a node that is a member too (`self`). */
  toFieldsV1(self = false): Json {
    const out: Json = self ? { '.': {} } : {};
    const keys = [...this.members];
    for (const pe of this.children.keys()) if (!this.members.has(pe)) keys.push(pe);
    if (keys.length > 1) keys.sort(compareElements);
    for (const pe of keys) {
      const c = this.children.get(pe);
      if (!c || c.isEmpty()) { out[pe] = {}; continue; }
      out[pe] = c.toFieldsV1(this.members.has(pe));
    }
    return out;
  }

  /** Parses a fieldsV1 trie; throws PathElementError on a malformed one. */
  static fromFieldsV1(json: unknown): FieldSet {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new PathElementError('fieldsV1 must be an object');
    const s = new FieldSet();
    for (const [key, value] of Object.entries(json as Json)) {
      if (key === '.') continue;
      const pe = canonicalElement(key);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PathElementError(`fieldsV1 entry ${JSON.stringify(key)} must be an object`);
      const entries = Object.keys(value);
      if (entries.length === 0 || entries.includes('.')) s.members.add(pe);
      const c = FieldSet.fromFieldsV1(value);
      if (!c.isEmpty()) s.children.set(pe, c);
    }
    return s;
  }
}
