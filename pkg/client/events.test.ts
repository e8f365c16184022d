import type { ApiObject } from '../../api/meta/v1';
import { createLogger } from '../log';
import { createClient } from './rest';
import { createEventRecorder } from './events';
import { FakeApiserver } from './fake-apiserver';
import { FakeClock } from './fake-clock';

const EVENTS = '/api/v1/events';
const rs: ApiObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'prod', uid: 'u1', resourceVersion: '7' } };
const node: ApiObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u2' } };

describe('event recorder', () => {
  const server = new FakeApiserver();
  beforeAll(() => server.start());
  afterAll(() => server.stop());
  const setup = (cacheSize?: number) => {
    const lines: string[] = [];
    const clock = new FakeClock(Date.UTC(2025, 0, 2, 3, 4, 5));
    const client = createClient({ server: server.url }, { maxRetries: 0 });
    const rec = createEventRecorder(client, 'replicaset-controller', createLogger('t', { write: (l) => lines.push(l) }), { clock, host: 'h1', cacheSize });
    return { rec, clock, lines };
  };
  const stored = (ns: string, name: string) => server.get(EVENTS, ns, name) as ApiObject;
  const created = () => server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/events'));

  test('creates an Event describing the object', async () => {
    const { rec } = setup();
    const before = created().length;
    rec.event(rs, 'Normal', 'SuccessfulCreate', 'Created pod: web-abc');
    await rec.flush();
    expect(created().length - before).toBe(1);
    const name = (created().pop()?.body as ApiObject).metadata.name as string;
    expect(name).toMatch(/^web\.[0-9a-f]+$/);
    expect(stored('prod', name)).toMatchObject({
      involvedObject: { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: 'prod', name: 'web', uid: 'u1', resourceVersion: '7' },
      type: 'Normal', reason: 'SuccessfulCreate', message: 'Created pod: web-abc', count: 1,
      source: { component: 'replicaset-controller', host: 'h1' }, reportingComponent: 'replicaset-controller',
      firstTimestamp: '2025-01-02T03:04:05Z', lastTimestamp: '2025-01-02T03:04:05Z',
    });
  });

  test('repeats bump count and lastTimestamp; a new message is a new Event', async () => {
    const { rec, clock } = setup();
    const before = created().length;
    rec.event(rs, 'Warning', 'FailedCreate', 'quota');
    await rec.flush();
    const name = (created().pop()?.body as ApiObject).metadata.name as string;
    clock.step(60_000);
    rec.event(rs, 'Warning', 'FailedCreate', 'quota');
    rec.event(rs, 'Warning', 'FailedCreate', 'quota');
    rec.event(rs, 'Warning', 'FailedCreate', 'other');
    await rec.flush();
    expect(created().length - before).toBe(2);
    expect(stored('prod', name)).toMatchObject({ count: 3, firstTimestamp: '2025-01-02T03:04:05Z', lastTimestamp: '2025-01-02T03:05:05Z' });
  });

  test('cluster-scoped objects record into default; the LRU forgets old keys', async () => {
    const { rec } = setup(1);
    const before = created().length;
    rec.event(node, 'Normal', 'A', 'a');
    rec.event(node, 'Normal', 'B', 'b');
    rec.event(node, 'Normal', 'A', 'a'); // evicted by B: created again
    await rec.flush();
    const posts = created().slice(before);
    expect(posts).toHaveLength(3);
    expect(posts.every((p) => p.path === '/api/v1/namespaces/default/events')).toBe(true);
  });

  test('repeats are a strategic-merge PATCH; an Event deleted meanwhile is created again', async () => {
    const { rec } = setup();
    const obj = { ...rs, metadata: { ...rs.metadata, name: 'patchy', uid: 'u9' } };
    rec.event(obj, 'Warning', 'BackOff', 'restarting');
    await rec.flush();
    const name = (created().pop()?.body as ApiObject).metadata.name as string;
    rec.event(obj, 'Warning', 'BackOff', 'restarting');
    await rec.flush();
    const patch = server.requests[server.requests.length - 1];
    expect(patch).toMatchObject({ method: 'PATCH', path: `/api/v1/namespaces/prod/events/${name}`, body: { count: 2, message: 'restarting' } });
    expect(patch.headers['content-type']).toBe('application/strategic-merge-patch+json');
    server.remove(EVENTS, 'prod', name);
    rec.event(obj, 'Warning', 'BackOff', 'restarting');
    await rec.flush();
    expect(stored('prod', name)).toMatchObject({ count: 3, message: 'restarting' });
  });

  test('ten different messages for one reason are combined into one Event', async () => {
    const { rec } = setup();
    const obj = { ...rs, metadata: { ...rs.metadata, name: 'noisy', uid: 'u7' } };
    const before = created().length;
    for (let i = 0; i < 12; i++) rec.event(obj, 'Warning', 'FailedCreate', `pod ${i}: quota`);
    await rec.flush();
    const posts = created().slice(before).map((r) => (r.body as { message: string }).message);
    expect(posts).toHaveLength(10);
    expect(posts[9]).toBe('(combined from similar events): pod 9: quota');
    const combined = (created()[before + 9].body as ApiObject).metadata.name as string;
    expect(stored('prod', combined)).toMatchObject({ count: 3, message: '(combined from similar events): pod 11: quota' });
  });

  test('each object is rate limited: 25 at once, then one per 5 minutes', async () => {
    const { rec, clock } = setup();
    const obj = { ...rs, metadata: { ...rs.metadata, name: 'spammy', uid: 'u8' } };
    const before = server.requests.length;
    for (let i = 0; i < 40; i++) rec.event(obj, 'Normal', `R${i}`, 'm');
    await rec.flush();
    expect(server.requests.length - before).toBe(25);
    clock.step(300_000);
    rec.event(obj, 'Normal', 'Late', 'm');
    await rec.flush();
    expect(server.requests.length - before).toBe(26);
  });

  test('failures are logged, never thrown', async () => {
    const { rec, lines } = setup();
    server.failNext({ method: 'POST', status: 500 });
    expect(() => rec.event(rs, 'Normal', 'X', 'y')).not.toThrow();
    await rec.flush();
    expect(lines.some((l) => l.includes('failed to record event'))).toBe(true);
    rec.event(rs, 'Normal', 'X', 'z'); // and it keeps working
    await rec.flush();
    expect(lines.filter((l) => l.includes('failed to record event'))).toHaveLength(1);
  });
});

test('the events reference agrees with api/resources.ts', async () => {
  const { findResource } = await import('../../api/resources');
  const { eventsRef } = await import('./events');
  const info = findResource('', 'v1', 'events');
  expect(info && { group: info.group, version: info.version, kind: info.kind, listKind: info.listKind, plural: info.plural, namespaced: info.namespaced })
    .toEqual(eventsRef);
});
