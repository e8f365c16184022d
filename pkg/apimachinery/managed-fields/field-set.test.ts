import { FieldSet } from './field-set';
import { canonicalElement, pathString } from './path';

const set = (...paths: string[]): FieldSet => FieldSet.of(...paths.map((p) => p.split('/')));
const list = (s: FieldSet): string[] => s.paths().map((p) => p.join('/'));

describe('FieldSet', () => {
  it.each([
    ['union', set('f:a', 'f:b/f:c'), set('f:b/f:d'), ['f:a', 'f:b/f:c', 'f:b/f:d']],
    ['intersection', set('f:a', 'f:b/f:c', 'f:b/f:d'), set('f:b/f:d', 'f:e'), ['f:b/f:d']],
    ['difference', set('f:a', 'f:b/f:c', 'f:b/f:d'), set('f:b/f:d', 'f:a'), ['f:b/f:c']],
    // difference is member-wise: a member `f:b` does not remove what is below b
    ['difference (member)', set('f:b', 'f:b/f:c'), set('f:b'), ['f:b/f:c']],
    ['recursiveDifference', set('f:b', 'f:b/f:c', 'f:x'), set('f:b'), ['f:x']],
  ] as const)('%s', (op, a, b, want) => {
    const out = op === 'union' ? a.union(b) : op === 'intersection' ? a.intersection(b)
      : op.startsWith('difference') ? a.difference(b) : a.recursiveDifference(b);
    expect(list(out)).toEqual(want);
  });

  it('round-trips fieldsV1 with "." for nodes that are members and have children', () => {
    const fieldsV1 = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } }, 'f:replicas': {} },
    };
    const s = FieldSet.fromFieldsV1(fieldsV1);
    expect(s.has(['f:metadata', 'f:labels'])).toBe(true);
    expect(s.has(['f:metadata'])).toBe(false);
    expect(s.has(['f:spec', 'f:containers', 'k:{"name":"c"}'])).toBe(true);
    expect(s.toFieldsV1()).toEqual(fieldsV1);
    expect(JSON.stringify(s.toFieldsV1())).toBe(JSON.stringify(fieldsV1));
  });

  it('orders fields before keys, values and indexes, and "." first', () => {
    const s = set('f:b', 'k:{"a":1}', 'f:a', 'v:"x"', 'i:10', 'i:2');
    expect(list(s)).toEqual(['f:a', 'f:b', 'k:{"a":1}', 'v:"x"', 'i:2', 'i:10']);
  });

  it.each([
    ['k:{ "name": "c", "a": 1 }', 'k:{"a":1,"name":"c"}'],
    ['v:"x"', 'v:"x"'],
    ['f:weird.name/with:colon', 'f:weird.name/with:colon'],
  ])('canonicalises %s', (input, want) => expect(canonicalElement(input)).toBe(want));

  it.each(['x:1', 'k:[1]', 'k:{bad', 'i:abc'])('rejects the path element %s', (bad) => {
    expect(() => FieldSet.fromFieldsV1({ [bad]: {} })).toThrow();
  });

  it.each([
    [['f:spec', 'f:replicas'], '.spec.replicas'],
    [['f:spec', 'f:containers', 'k:{"name":"c"}', 'f:image'], '.spec.containers[name="c"].image'],
    [['f:ports', 'k:{"containerPort":80,"protocol":"TCP"}'], '.ports[containerPort=80,protocol="TCP"]'],
    [['f:finalizers', 'v:"a"'], '.finalizers[="a"]'],
    [['f:list', 'i:3'], '.list[3]'],
  ])('prints %j as %s', (path, want) => expect(pathString(path)).toBe(want));
});
