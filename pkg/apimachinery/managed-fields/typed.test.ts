import { FieldSet } from './field-set';
import { testSchema } from './test-schema';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet } from './typed';
import { SchemaError } from './schema-node';

const paths = (s: FieldSet): string[] => s.paths().map((p) => p.join('/'));

describe('toFieldSet', () => {
  it.each([
    ['scalars and map keys', { metadata: { labels: { app: 'x' } }, spec: { replicas: 1 } },
      ['f:metadata/f:labels/f:app', 'f:spec/f:replicas']],
    ['an empty struct owns nothing', { spec: { strategy: {} } }, []],
    ['atomic maps and lists are leaves', { spec: { selector: { matchLabels: { a: 'b' } }, tags: ['x', 'y'] } },
      ['f:spec/f:selector', 'f:spec/f:tags']],
    ['map lists by key, the item itself included', { spec: { containers: [{ name: 'c', image: 'i' }] } },
      ['f:spec/f:containers/k:{"name":"c"}', 'f:spec/f:containers/k:{"name":"c"}/f:image', 'f:spec/f:containers/k:{"name":"c"}/f:name']],
    ['multi-key lists with the protocol default', { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } },
      ['f:spec/f:containers/k:{"name":"c"}', 'f:spec/f:containers/k:{"name":"c"}/f:name',
        'f:spec/f:containers/k:{"name":"c"}/f:ports/k:{"containerPort":80,"protocol":"TCP"}',
        'f:spec/f:containers/k:{"name":"c"}/f:ports/k:{"containerPort":80,"protocol":"TCP"}/f:containerPort']],
    ['set lists by value', { spec: { hosts: ['a', 'b'] }, metadata: { finalizers: ['x'] } },
      ['f:metadata/f:finalizers/v:"x"', 'f:spec/f:hosts/v:"a"', 'f:spec/f:hosts/v:"b"']],
    ['free-form maps are members at every key', { spec: { extra: { a: { b: 1 } } } },
      ['f:spec/f:extra/f:a', 'f:spec/f:extra/f:a/f:b']],
  ])('%s', (_name, obj, want) => expect(paths(toFieldSet(obj, testSchema))).toEqual(want));

  it.each([
    ['a key field is missing', { spec: { containers: [{ image: 'x' }] } }, /element 0: associative list with keys has an element that omits key field "name"/],
    ['keys repeat', { spec: { containers: [{ name: 'a' }, { name: 'a' }] } }, /duplicate entries for key \[name="a"\]/],
  ])('rejects an applied configuration where %s', (_name, obj, re) => {
    expect(() => toFieldSet(obj, testSchema, true)).toThrow(SchemaError);
    expect(() => toFieldSet(obj, testSchema, true)).toThrow(re);
    expect(() => toFieldSet(obj, testSchema, false)).not.toThrow();
  });
});

describe('compare', () => {
  it.each([
    ['a modified scalar', { spec: { replicas: 1 } }, { spec: { replicas: 2 } }, [], ['f:spec/f:replicas'], []],
    ['an added label creates the map itself', { metadata: {} }, { metadata: { labels: { a: 'b' } } },
      ['f:metadata/f:labels', 'f:metadata/f:labels/f:a'], [], []],
    ['a removed container', { spec: { containers: [{ name: 'a' }, { name: 'b', image: 'x' }] } }, { spec: { containers: [{ name: 'a' }] } },
      [], [], ['f:spec/f:containers/k:{"name":"b"}', 'f:spec/f:containers/k:{"name":"b"}/f:image', 'f:spec/f:containers/k:{"name":"b"}/f:name']],
    ['reordered map list items are the same', { spec: { containers: [{ name: 'a' }, { name: 'b' }] } }, { spec: { containers: [{ name: 'b' }, { name: 'a' }] } }, [], [], []],
    ['an atomic list compares whole', { spec: { tags: ['a'] } }, { spec: { tags: ['a', 'b'] } }, [], ['f:spec/f:tags'], []],
    ['empty stays a leaf', {}, { spec: { containers: [] } }, ['f:spec/f:containers'], [], []],
  ])('%s', (_name, lhs, rhs, added, modified, removed) => {
    const c = compare(lhs, rhs, testSchema);
    expect({ added: paths(c.added), modified: paths(c.modified), removed: paths(c.removed) }).toEqual({ added, modified, removed });
  });
});

describe('merge', () => {
  it.each([
    ['rhs scalars win, other fields stay', { spec: { replicas: 1, tags: ['a'] } }, { spec: { replicas: 3 } }, { spec: { replicas: 3, tags: ['a'] } }],
    ['atomic lists are replaced', { spec: { tags: ['a', 'b'] } }, { spec: { tags: ['c'] } }, { spec: { tags: ['c'] } }],
    ['map lists merge by key, new items in applied order',
      { spec: { containers: [{ name: 'a', image: '1', args: ['x'] }, { name: 'b', image: '2' }] } },
      { spec: { containers: [{ name: 'a', image: '9' }, { name: 'c', image: '3' }] } },
      { spec: { containers: [{ name: 'a', image: '9', args: ['x'] }, { name: 'b', image: '2' }, { name: 'c', image: '3' }] } }],
    ['shared items follow the applied order', { spec: { containers: [{ name: 'a' }, { name: 'x' }, { name: 'b' }] } },
      { spec: { containers: [{ name: 'b' }, { name: 'a' }] } },
      { spec: { containers: [{ name: 'x' }, { name: 'b' }, { name: 'a' }] } }],
    ['set lists union', { spec: { hosts: ['a', 'b'] } }, { spec: { hosts: ['c', 'a'] } }, { spec: { hosts: ['c', 'a', 'b'] } }],
    ['atomic maps are replaced', { spec: { selector: { matchLabels: { a: '1', b: '2' } } } }, { spec: { selector: { matchLabels: { c: '3' } } } },
      { spec: { selector: { matchLabels: { c: '3' } } } }],
    ['an applied null clears the field', { spec: { replicas: 2, tags: ['a'] } }, { spec: { replicas: null } }, { spec: { tags: ['a'] } }],
    ['into nothing', undefined, { spec: { replicas: 1 } }, { spec: { replicas: 1 } }],
  ])('%s', (_name, live, config, want) => expect(merge(live, config, testSchema)).toEqual(want));

  it('does not change its inputs', () => {
    const live = { spec: { containers: [{ name: 'a', image: '1' }] } };
    const before = structuredClone(live);
    merge(live, { spec: { containers: [{ name: 'a', image: '2' }] } }, testSchema);
    expect(live).toEqual(before);
  });
});

describe('removeItems', () => {
  it.each([
    ['a field', { spec: { replicas: 1, tags: ['a'] } }, [['f:spec', 'f:replicas']], { spec: { tags: ['a'] } }],
    ['a list item by key', { spec: { containers: [{ name: 'a' }, { name: 'b' }] } }, [['f:spec', 'f:containers', 'k:{"name":"a"}']],
      { spec: { containers: [{ name: 'b' }] } }],
    ['a field inside an item', { spec: { containers: [{ name: 'a', image: 'x' }] } }, [['f:spec', 'f:containers', 'k:{"name":"a"}', 'f:image']],
      { spec: { containers: [{ name: 'a' }] } }],
    ['a set value', { spec: { hosts: ['a', 'b'] } }, [['f:spec', 'f:hosts', 'v:"b"']], { spec: { hosts: ['a'] } }],
  ])('%s', (_name, obj, remove, want) => expect(removeItems(obj, FieldSet.of(...remove), testSchema)).toEqual(want));
});

it('ensureNamedFieldsAreMembers marks declared struct fields, not map keys or items', () => {
  const s = FieldSet.of(['f:spec', 'f:strategy', 'f:rollingUpdate', 'f:maxSurge'], ['f:metadata', 'f:labels', 'f:a'],
    ['f:spec', 'f:containers', 'k:{"name":"c"}', 'f:resources', 'f:limits', 'f:cpu']);
  expect(paths(ensureNamedFieldsAreMembers(s, testSchema))).toEqual([
    'f:metadata', 'f:metadata/f:labels', 'f:metadata/f:labels/f:a',
    'f:spec', 'f:spec/f:containers', 'f:spec/f:containers/k:{"name":"c"}/f:resources', 'f:spec/f:containers/k:{"name":"c"}/f:resources/f:limits',
    'f:spec/f:containers/k:{"name":"c"}/f:resources/f:limits/f:cpu',
    'f:spec/f:strategy', 'f:spec/f:strategy/f:rollingUpdate', 'f:spec/f:strategy/f:rollingUpdate/f:maxSurge',
  ]);
});
