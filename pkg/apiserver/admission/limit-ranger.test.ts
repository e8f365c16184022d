import type { LimitRange } from '../../../api/core/v1';
import type { ApiObject } from '../../../api/meta/v1';
import { createFakeStore, objectKey } from '../../storage';
import { StatusError } from '../../apimachinery/errors';
import { admitLimitRanges, applyLimitRanges, limitRangerAnnotation } from './limit-ranger';

const range = (...limits: Array<Record<string, unknown>>): LimitRange => ({ metadata: { name: 'lr', namespace: 'ns' }, spec: { limits } }) as LimitRange;
const pod = (containers: Array<Record<string, unknown>>, initContainers?: Array<Record<string, unknown>>): ApiObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers, ...(initContainers ? { initContainers } : {}) } }) as ApiObject;
const resources = (o: ApiObject) => ((o as unknown as { spec: { containers: Array<{ resources?: unknown }> } }).spec.containers).map((c) => c.resources);

describe('applyLimitRanges', () => {
  const defaults = range({ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '100m' } });

  it('fills unset requests and limits of every container and says so in the annotation', () => {
    const p = pod([{ name: 'a', image: 'i' }, { name: 'b', image: 'i', resources: { limits: { cpu: '1' } } }], [{ name: 'init', image: 'i' }]);
    expect(applyLimitRanges(p, [defaults])).toEqual([]);
    expect(resources(p)).toEqual([
      { requests: { cpu: '100m' }, limits: { cpu: '500m', memory: '128Mi' } },
      { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '128Mi' } },
    ]);
    expect(p.metadata.annotations?.[limitRangerAnnotation]).toBe('LimitRanger plugin set: cpu request for init container init; cpu, memory limit for init container init; '
      + 'cpu request for container a; cpu, memory limit for container a; cpu request for container b; memory limit for container b');
  });

  it.each([
    [{ type: 'Container', min: { cpu: '200m' } }, [{ name: 'a', image: 'i', resources: { requests: { cpu: '100m' } } }], ['minimum cpu usage per Container is 200m, but request is 100m']],
    [{ type: 'Container', min: { cpu: '200m' } }, [{ name: 'a', image: 'i' }], ['minimum cpu usage per Container is 200m.  No request is specified']],
    [{ type: 'Container', max: { memory: '1Gi' } }, [{ name: 'a', image: 'i', resources: { limits: { memory: '2Gi' } } }], ['maximum memory usage per Container is 1Gi, but limit is 2Gi']],
    [{ type: 'Container', max: { memory: '1Gi' } }, [{ name: 'a', image: 'i' }], ['maximum memory usage per Container is 1Gi.  No limit is specified']],
    [{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }, [{ name: 'a', image: 'i', resources: { requests: { cpu: '100m' }, limits: { cpu: '400m' } } }],
      ['cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000']],
    [{ type: 'Pod', max: { cpu: '1' } }, [{ name: 'a', image: 'i', resources: { limits: { cpu: '600m' } } }, { name: 'b', image: 'i', resources: { limits: { cpu: '600m' } } }],
      ['maximum cpu usage per Pod is 1, but limit is 1200m']],
    [{ type: 'Pod', max: { memory: '200Mi' } }, [{ name: 'a', image: 'i', resources: { limits: { memory: '128Mi' } } }, { name: 'b', image: 'i', resources: { limits: { memory: '128Mi' } } }],
      ['maximum memory usage per Pod is 200Mi, but limit is 256Mi']],
    [{ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' } }, [{ name: 'a', image: 'i', resources: { requests: { cpu: '200m' }, limits: { cpu: '1' } } }], []],
  ])('%j refuses %j with %j', (item, containers, want) => {
    expect(applyLimitRanges(pod(containers), [range(item)])).toEqual(want);
  });
});

describe('admitLimitRanges', () => {
  it('reads the namespace\'s LimitRanges, defaults pods, refuses violations with 403, and leaves other kinds alone', async () => {
    const store = createFakeStore();
    const pods = { group: '', plural: 'pods' };
    const bare = pod([{ name: 'a', image: 'i' }]);
    expect(await admitLimitRanges(store, pods, 'ns', bare)).toBe(bare);
    await store.create(objectKey('limitranges', 'ns', 'lr'), range({ type: 'Container', defaultRequest: { cpu: '100m' }, max: { cpu: '1' }, default: { cpu: '1' } }) as unknown as ApiObject);
    const admitted = await admitLimitRanges(store, pods, 'ns', bare);
    expect(resources(admitted)).toEqual([{ requests: { cpu: '100m' }, limits: { cpu: '1' } }]);
    expect(resources(bare)).toEqual([undefined]); // the request's object is not changed in place
    const err = await admitLimitRanges(store, pods, 'ns', pod([{ name: 'a', image: 'i', resources: { limits: { cpu: '2' } } }])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toMatchObject({ code: 403, reason: 'Forbidden', message: 'pods "p" is forbidden: maximum cpu usage per Container is 1, but limit is 2' });
    const cm = { metadata: { name: 'c' } } as ApiObject;
    expect(await admitLimitRanges(store, { group: '', plural: 'configmaps' }, 'ns', cm)).toBe(cm);
    expect(await admitLimitRanges(store, pods, 'other', bare)).toBe(bare);
  });
});
