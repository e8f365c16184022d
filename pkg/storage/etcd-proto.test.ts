// The hand-written codec agrees with protobufjs on etcd3's own rpc.proto, both ways.
import path from 'node:path';
import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { decodeRange, decodeTxn, decodeWatchResponse, encodeRange, encodeTxn, encodeWatchCreate } from './etcd-proto';

const proto = loadSync(path.join(path.dirname(require.resolve('etcd3/package.json')), 'proto', 'rpc.proto'), {
  keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
});
const kvService = proto['etcdserverpb.KV'] as Record<string, MethodDefinition<object, object>>;
const watchService = proto['etcdserverpb.Watch'] as Record<string, MethodDefinition<object, object>>;
const method = (name: string): MethodDefinition<object, object> => {
  const m = kvService[name] ?? watchService[name];
  if (!m) throw new Error(`no ${name}`);
  return m;
};
const lease = '7587868493845023510';

describe('etcd-proto requests', () => {
  test('a Range of one key, a prefix with limit and revision, and a count', () => {
    const one = method('Range').requestDeserialize(encodeRange({ key: '/registry/pods/ns/ä' }));
    expect(one).toMatchObject({ key: Buffer.from('/registry/pods/ns/ä'), range_end: Buffer.alloc(0), limit: '0', revision: '0', count_only: false });
    const list = method('Range').requestDeserialize(encodeRange({ key: '/registry/pods/', rangeEnd: Buffer.from('/registry/pods0'), limit: 500, revision: 2 ** 40 + 3 }));
    expect(list).toMatchObject({ range_end: Buffer.from('/registry/pods0'), limit: '500', revision: String(2 ** 40 + 3) });
    expect(method('Range').requestDeserialize(encodeRange({ key: '/registry/', countOnly: true }))).toMatchObject({ count_only: true });
  });

  test('the create txn keeps create_revision == 0 in its oneof', () => {
    const req = method('Txn').requestDeserialize(encodeTxn({
      compare: [{ key: '/registry/pods/ns/a', target: 'Create', revision: '0' }],
      success: [{ put: { key: '/registry/pods/ns/a', value: '{"x":"é"}', lease } }],
    }));
    expect(req).toMatchObject({
      compare: [{ result: 'Equal', target: 'Create', key: Buffer.from('/registry/pods/ns/a'), target_union: 'create_revision', create_revision: '0' }],
      success: [{ request: 'request_put', request_put: { key: Buffer.from('/registry/pods/ns/a'), value: Buffer.from('{"x":"é"}'), lease } }],
      failure: [],
    });
  });

  test('the CAS txn: mod_revision compare, put or delete, range on failure', () => {
    const req = method('Txn').requestDeserialize(encodeTxn({
      compare: [{ key: 'k', target: 'Mod', revision: '12345' }],
      success: [{ deleteKey: 'k' }],
      failure: [{ rangeKey: 'k' }],
    }));
    expect(req).toMatchObject({
      compare: [{ target: 'Mod', target_union: 'mod_revision', mod_revision: '12345' }],
      success: [{ request: 'request_delete_range', request_delete_range: { key: Buffer.from('k') } }],
      failure: [{ request: 'request_range', request_range: { key: Buffer.from('k') } }],
    });
    const keys = method('Txn').requestDeserialize(encodeTxn({ compare: [], success: [{ rangeKey: 'a', keysOnly: true }, { rangeKey: 'b' }] }));
    expect(keys).toMatchObject({
      success: [{ request_range: { key: Buffer.from('a'), keys_only: true } }, { request_range: { key: Buffer.from('b'), keys_only: false } }],
    });
    const put = method('Txn').requestDeserialize(encodeTxn({ compare: [], success: [{ put: { key: 'k', value: 'v'.repeat(5000) } }] }));
    expect(put).toMatchObject({ success: [{ request_put: { value: Buffer.from('v'.repeat(5000)), lease: '0' } }] });
  });
});

describe('etcd-proto responses', () => {
  const kv = { key: Buffer.from('/registry/pods/ns/a'), create_revision: '7', mod_revision: String(2 ** 50), version: '3', value: Buffer.from('{"a":1}'), lease };
  const header = { cluster_id: '18446744073709551615', member_id: '1', revision: String(2 ** 50 + 1), raft_term: '2' };

  test('a RangeResponse with kvs, more and count', () => {
    const bytes = method('Range').responseSerialize({ header, kvs: [kv, { ...kv, lease: '0' }], more: true, count: '10' });
    const res = decodeRange(bytes);
    expect(res).toEqual({ revision: header.revision, kvs: [kv, { ...kv, lease: '0' }], more: true, count: '10' });
    expect(decodeRange(method('Range').responseSerialize({ header }))).toEqual({ revision: header.revision, kvs: [], more: false, count: '0' });
  });

  test('a TxnResponse: succeeded, and the failure branch range', () => {
    const ok = decodeTxn(method('Txn').responseSerialize({ header, succeeded: true, responses: [{ response_put: { header } }] }));
    expect(ok).toEqual({ revision: header.revision, succeeded: true, ranges: [[]] });
    const lost = decodeTxn(method('Txn').responseSerialize({ header, succeeded: false, responses: [{ response_range: { header, kvs: [kv] } }] }));
    expect(lost).toEqual({ revision: header.revision, succeeded: false, ranges: [[kv]] });
  });

  test('a truncated response is an error, not a wrong answer', () => {
    const bytes = method('Range').responseSerialize({ header, kvs: [kv] });
    expect(() => decodeRange(bytes.subarray(0, 3))).toThrow(/truncated/);
  });
});

describe('etcd-proto watch', () => {
  const kv = { key: Buffer.from('/registry/pods/ns/a'), create_revision: '7', mod_revision: '9', version: '2', value: Buffer.from('{"a":2}'), lease: '0' };
  const prev = { ...kv, mod_revision: '7', version: '1', value: Buffer.from('{"a":1}') };

  test('a WatchCreateRequest of a prefix from a revision, with prev_kv', () => {
    const req = method('Watch').requestDeserialize(encodeWatchCreate({ key: '/registry/pods/', rangeEnd: Buffer.from('/registry/pods0'), startRevision: 42, prevKv: true }));
    expect(req).toMatchObject({
      request_union: 'create_request',
      create_request: { key: Buffer.from('/registry/pods/'), range_end: Buffer.from('/registry/pods0'), start_revision: '42', prev_kv: true, progress_notify: false },
    });
  });

  test('a WatchResponse with a Put and a Delete, and one compacted or canceled', () => {
    const header = { revision: '9' };
    const bytes = method('Watch').responseSerialize({ header, watch_id: '1', events: [{ type: 'Put', kv }, { type: 'Delete', kv: { ...kv, value: Buffer.alloc(0) }, prev_kv: prev }] });
    expect(decodeWatchResponse(bytes)).toEqual({
      created: false, canceled: false, cancelReason: '', compactRevision: '0',
      events: [{ type: 'Put', kv }, { type: 'Delete', kv: { ...kv, value: Buffer.alloc(0) }, prevKv: prev }],
    });
    expect(decodeWatchResponse(method('Watch').responseSerialize({ header, created: true }))).toMatchObject({ created: true, events: [] });
    expect(decodeWatchResponse(method('Watch').responseSerialize({ header, canceled: true, compact_revision: '5', cancel_reason: 'mvcc: required revision has been compacted' })))
      .toMatchObject({ canceled: true, compactRevision: '5', cancelReason: 'mvcc: required revision has been compacted' });
  });
});
