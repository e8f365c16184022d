// objectBody: a fresh object's JSON string (no Buffer copy), a shared frozen object's memoised bytes.
import { findResource } from '../../../api/resources';
import type { ApiObject } from '../../../api/meta/v1';
import { objectBody, objectBytes } from './object-json';

const pods = findResource('', 'v1', 'pods');

test('objectBody is the same JSON either way, memoised only for frozen objects', () => {
  if (!pods) throw new Error('no pods resource');
  const obj: ApiObject = { metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' } };
  const body = objectBody(pods, obj);
  expect(typeof body).toBe('string');
  expect(JSON.parse(body as string)).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' } });
  const frozen = Object.freeze({ ...obj });
  const bytes = objectBody(pods, frozen);
  expect(Buffer.isBuffer(bytes)).toBe(true);
  expect(bytes).toBe(objectBytes(pods, frozen));
  expect((bytes as Buffer).toString('utf8')).toBe(body);
});
