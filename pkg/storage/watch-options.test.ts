import type { ApiObject, WatchEvent } from '../../api/meta/v1';
import { filterTransition } from './watch-options';
import { FieldsInterner } from './intern';

const obj = (name: string, phase: string, rv = '1'): ApiObject => ({ metadata: { name, resourceVersion: rv }, status: { phase } });
const running = (o: ApiObject) => (o.status as { phase: string }).phase === 'Running';

describe('filterTransition', () => {
  it.each<{ name: string; ev: WatchEvent; prev?: ApiObject; want: string | undefined }>([
    { name: 'creation that matches → ADDED', ev: { type: 'ADDED', object: obj('a', 'Running') }, want: 'ADDED Running' },
    { name: 'creation that does not match → nothing', ev: { type: 'ADDED', object: obj('a', 'Pending') }, want: undefined },
    { name: 'starts matching → ADDED', ev: { type: 'MODIFIED', object: obj('a', 'Running') }, prev: obj('a', 'Pending'), want: 'ADDED Running' },
    { name: 'keeps matching → MODIFIED', ev: { type: 'MODIFIED', object: obj('a', 'Running') }, prev: obj('a', 'Running'), want: 'MODIFIED Running' },
    { name: 'stops matching → DELETED with the last matching state', ev: { type: 'MODIFIED', object: obj('a', 'Failed', '9') }, prev: obj('a', 'Running'), want: 'DELETED Running 9' },
    { name: 'deletion of a matching object → DELETED', ev: { type: 'DELETED', object: obj('a', 'Running') }, prev: obj('a', 'Running'), want: 'DELETED Running' },
    { name: 'deletion of a non-matching object → nothing', ev: { type: 'DELETED', object: obj('a', 'Pending') }, prev: obj('a', 'Pending'), want: undefined },
    { name: 'bookmarks pass', ev: { type: 'BOOKMARK', object: { metadata: { resourceVersion: '5' } } }, want: 'BOOKMARK' },
  ])('$name', ({ ev, prev, want }) => {
    const out = filterTransition(running, ev, prev);
    const phase = (out?.object.status as { phase?: string } | undefined)?.phase;
    const rv = out?.object.metadata.resourceVersion !== '1' && out?.type === 'DELETED' ? ` ${out?.object.metadata.resourceVersion}` : '';
    expect(out && `${out.type}${phase ? ` ${phase}` : ''}${rv}`).toEqual(want);
  });

  it('without a predicate every event passes unchanged', () => {
    const ev: WatchEvent = { type: 'MODIFIED', object: obj('a', 'x') };
    expect(filterTransition(undefined, ev, undefined)).toBe(ev);
  });
});

describe('FieldsInterner', () => {
  const withFields = (name: string, fieldsV1: object): ApiObject =>
    ({ metadata: { name, managedFields: [{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1 }] } });
  const fieldsOf = (o: ApiObject) => (o.metadata.managedFields?.[0] as { fieldsV1?: object }).fieldsV1;

  it('shares identical tries and keeps different ones apart', () => {
    const interner = new FieldsInterner();
    const [a, b, c] = [withFields('a', { 'f:spec': { 'f:x': {} } }), withFields('b', { 'f:spec': { 'f:x': {} } }), withFields('c', { 'f:spec': {} })];
    for (const o of [a, b, c]) interner.intern(o);
    expect(fieldsOf(a)).toBe(fieldsOf(b));
    expect(fieldsOf(c)).not.toBe(fieldsOf(a));
    expect(Object.isFrozen(fieldsOf(a))).toBe(true);
    expect(fieldsOf(c)).toEqual({ 'f:spec': {} });
    expect(interner.size).toBe(2);
  });
});
