import type { ApiObject } from '../../../api/meta/v1';
import { podStrategy } from './pods';
import { replicaSetStrategy } from './replicasets';
import { podQosClass } from './pod-spec';
import { eventStrategy } from './events';

const container = (extra: Record<string, unknown> = {}) => ({ name: 'main', image: 'busybox:1.36', ...extra });
const pod = (spec: Record<string, unknown>): ApiObject => ({ metadata: { name: 'p', namespace: 'default' }, spec });

describe('pod strategy', () => {
  it('fills upstream defaults and status', () => {
    const out = podStrategy.prepareForCreate(pod({ containers: [container({ ports: [{ containerPort: 80 }] }), { name: 'b', image: 'nginx' }] }));
    expect(out.spec).toMatchObject({
      restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler',
      securityContext: {}, enableServiceLinks: true,
      containers: [
        { imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ports: [{ containerPort: 80, protocol: 'TCP' }] },
        { imagePullPolicy: 'Always' },
      ],
    });
    expect(out.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it.each([
    ['no resources', [container()], 'BestEffort'],
    ['limits only (requests default to them)', [container({ resources: { limits: { cpu: '100m', memory: '64Mi' } } })], 'Guaranteed'],
    ['requests below limits', [container({ resources: { requests: { cpu: '50m' }, limits: { cpu: '100m', memory: '64Mi' } } })], 'Burstable'],
    ['cpu limit only', [container({ resources: { limits: { cpu: '1' } } })], 'Burstable'],
    ['equal numbers in different units', [container({ resources: { requests: { cpu: '0.1', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } } })], 'Guaranteed'],
  ])('qosClass: %s', (_n, containers, want) => {
    const out = podStrategy.prepareForCreate(pod({ containers }));
    expect((out.status as { qosClass: string }).qosClass).toBe(want);
    expect(podQosClass(out.spec as never)).toBe(want);
  });

  it.each([
    ['missing image', { containers: [{ name: 'main' }] }, ['spec.containers[0].image: Required value']],
    ['no containers', { containers: [] }, ['spec.containers: Required value']],
    ['bad container name', { containers: [container({ name: 'Main' })] }, ['spec.containers[0].name: Invalid value: "Main": a lowercase RFC 1123 label']],
    ['duplicate names', { containers: [container(), container()] }, ['spec.containers[1].name: Duplicate value: "main"']],
    ['bad restartPolicy', { containers: [container()], restartPolicy: 'Sometimes' }, ['spec.restartPolicy: Unsupported value: "Sometimes"']],
  ])('validate: %s', (_n, spec, want) => {
    const causes = podStrategy.validate(podStrategy.prepareForCreate(pod(spec))).map((c) => `${c.field}: ${c.message}`);
    want.forEach((w, i) => expect(causes[i]).toContain(w));
    expect(causes).toHaveLength(want.length);
  });

  it('allows image updates and forbids other spec changes', () => {
    const old = { ...podStrategy.prepareForCreate(pod({ containers: [container()] })), metadata: { name: 'p', generation: 1 } };
    const newImage = podStrategy.prepareForUpdate(pod({ containers: [container({ image: 'busybox:1.37' })] }), old);
    expect(podStrategy.validateUpdate(newImage, old)).toEqual([]);
    expect(newImage.metadata.generation).toBe(2);
    const newCommand = podStrategy.prepareForUpdate(pod({ containers: [container({ command: ['x'] })] }), old);
    expect(podStrategy.validateUpdate(newCommand, old).map((c) => c.field)).toEqual(['spec']);
  });

  it('keeps spec and metadata in status updates', () => {
    const old = podStrategy.prepareForCreate(pod({ containers: [container()] }));
    const next = podStrategy.status?.prepareForUpdate({ ...old, spec: { containers: [] }, status: { phase: 'Running' } }, old);
    expect(next?.spec).toEqual(old.spec);
    expect(next?.status).toEqual({ phase: 'Running' });
  });
});

const rs = (labels: Record<string, string>, replicas?: number): ApiObject => ({
  metadata: { name: 'web' },
  spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels }, spec: { containers: [container()] } } },
});

describe('replicaset strategy', () => {
  it('defaults replicas and the template', () => {
    const out = replicaSetStrategy.prepareForCreate(rs({ app: 'web' }));
    expect(out.spec).toMatchObject({ replicas: 1, template: { spec: { restartPolicy: 'Always', containers: [{ imagePullPolicy: 'IfNotPresent' }] } } });
    expect(replicaSetStrategy.validate(out)).toEqual([]);
  });
  it('refuses a selector that does not match the template', () => {
    const causes = replicaSetStrategy.validate(replicaSetStrategy.prepareForCreate(rs({ app: 'other' })));
    expect(causes.map((c) => `${c.field}: ${c.message}`)).toEqual(['spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`']);
  });
  it('bumps generation on spec changes only and ignores status in updates', () => {
    const old = { ...replicaSetStrategy.prepareForCreate(rs({ app: 'web' }, 2)), metadata: { name: 'web', generation: 1 }, status: { replicas: 2 } };
    const same = replicaSetStrategy.prepareForUpdate({ ...rs({ app: 'web' }, 2), metadata: { name: 'web', generation: 1, labels: { x: 'y' } }, status: { replicas: 9 } }, old);
    expect(same.metadata.generation).toBe(1);
    expect(same.status).toEqual({ replicas: 2 });
    const scaled = replicaSetStrategy.prepareForUpdate({ ...rs({ app: 'web' }, 3), metadata: { name: 'web', generation: 1 } }, old);
    expect(scaled.metadata.generation).toBe(2);
  });
});

describe('event strategy', () => {
  it('exposes involvedObject field labels', () => {
    const ev: ApiObject = { metadata: { name: 'e', namespace: 'd' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'd', uid: 'u' }, source: { component: 'default-scheduler' } };
    expect(eventStrategy.fieldLabels(ev)).toMatchObject({ 'involvedObject.name': 'p', 'involvedObject.uid': 'u', 'involvedObject.kind': 'Pod', source: 'default-scheduler' });
    expect(eventStrategy.validate({ ...ev, involvedObject: { name: 'p', namespace: 'other' } })[0].field).toBe('involvedObject.namespace');
  });
});
