import { findResource } from '../../api/resources';
import { silentLogger } from '../log';
import { FakeResourceClient } from './fake-client';
import type { ApiPod } from './pod-util';
import { StatusManager } from './status-manager';
import { pod } from './test-builders';

const podsInfo = findResource('', 'v1', 'pods');
if (!podsInfo) throw new Error('pods resource missing');

test('writes only changes, skips what the stale cache has not seen yet, retries conflicts with a fresh read', async () => {
  const pods = new FakeResourceClient<ApiPod>(podsInfo);
  const stale = pods.seed('default', pod());
  const sm = new StatusManager(pods, silentLogger());
  await sm.setStatus(stale, { phase: 'Pending' });
  expect(pods.calls).toEqual(['updateStatus default/web']);
  await sm.setStatus(stale, { phase: 'Pending' });             // the cache still shows the old status
  expect(pods.calls).toEqual(['updateStatus default/web']);
  await sm.setStatus(stale, { phase: 'Running' });             // stale resourceVersion → conflict → re-read → write
  expect(pods.calls).toEqual(['updateStatus default/web', 'updateStatus default/web', 'get default/web', 'updateStatus default/web']);
  expect((await pods.get('default', 'web')).status?.phase).toBe('Running');
  const fresh = await pods.get('default', 'web');
  pods.calls = [];
  await sm.setStatus(fresh, { phase: 'Running' });
  expect(pods.calls).toEqual([]);
});
