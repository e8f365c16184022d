import type { ResourceQuota } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { objectCountEvaluator, serviceEvaluator } from './evaluators';
import { podEvaluator } from './pods';
import { fromApi } from './resources';
import { QuotaRefusal, checkCreate, checkUpdate, desiredStatus, statusDirty } from './usage';

const now = new Date('2024-01-01T00:00:00Z');
const quota = (hard: Record<string, string>, status?: { hard?: Record<string, string>; used?: Record<string, string> }) =>
  ({ metadata: { name: 'q' }, spec: { hard }, ...(status ? { status } : {}) }) as ResourceQuota;
const pod = (requests: Record<string, string>): ApiObject =>
  ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', resources: { requests } }] } } as unknown as ApiObject);

describe('checkCreate', () => {
  it('returns the usage and the quotas to charge, none when nothing matches', () => {
    const q = quota({ pods: '2' }, { hard: { pods: '2' }, used: { pods: '1' } });
    expect(checkCreate([q], podEvaluator, pod({}), now).matching).toEqual([q]);
    expect(checkCreate([q], objectCountEvaluator('', 'secrets'), { metadata: { name: 's' } }, now).matching).toEqual([]);
  });

  it('refuses negative usage', () => {
    const q = quota({ 'requests.cpu': '2' }, { hard: { 'requests.cpu': '2' }, used: { 'requests.cpu': '0' } });
    expect(() => checkCreate([q], podEvaluator, pod({ cpu: '-1' }), now)).toThrow(new QuotaRefusal('quota usage is negative for resource(s): cpu,requests.cpu'));
  });
});

describe('checkUpdate', () => {
  const svc = (type: string): ApiObject => ({ metadata: { name: 's' }, spec: { type, ports: [{ port: 80 }, { port: 443 }] } } as ApiObject);
  const q = { metadata: { name: 'q' }, spec: { hard: { 'services.nodeports': '3' } }, status: { hard: { 'services.nodeports': '3' }, used: { 'services.nodeports': '2' } } } as ResourceQuota;
  test('charges only the growth, and only for kinds that charge updates', () => {
    expect(checkUpdate([q], serviceEvaluator, svc('ClusterIP'), svc('NodePort'), now)).toEqual({ delta: {}, matching: [] });
    expect(() => checkUpdate([q], serviceEvaluator, svc('NodePort'), svc('ClusterIP'), now)).toThrow(new QuotaRefusal(
      'exceeded quota: q, requested: services.nodeports=2, used: services.nodeports=2, limited: services.nodeports=3'));
    expect(checkUpdate([q], objectCountEvaluator('', 'secrets'), { metadata: { name: 'x' } }, { metadata: { name: 'x' } }, now)).toEqual({ delta: {}, matching: [] });
  });
});

describe('desiredStatus and statusDirty', () => {
  it('sets hard from spec, overlays measured usage on the old, and drops names no longer limited', () => {
    const q = quota({ pods: '1000', 'count/jobs.batch': '2' }, { hard: { pods: '5', services: '1' }, used: { pods: '3', services: '1', 'count/jobs.batch': '1' } });
    const desired = desiredStatus(q, fromApi({ pods: '4' }));
    expect(desired).toEqual({ hard: { 'count/jobs.batch': '2', pods: '1k' }, used: { 'count/jobs.batch': '1', pods: '4' } });
    expect(statusDirty(q, desired)).toBe(true);
    expect(statusDirty(quota({ pods: '1' }, { hard: { pods: '1000m' }, used: { pods: '0' } }), { hard: { pods: '1' }, used: { pods: '0' } })).toBe(false);
    expect(statusDirty(quota({ pods: '1' }), { hard: { pods: '1' }, used: { pods: '0' } })).toBe(true);
  });
});
