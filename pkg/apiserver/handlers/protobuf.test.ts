import { decodeProtobufBody, decodeEnvelope } from './protobuf';
import { goDuration } from './protobuf-special';
import { kubeProtoRegistry, kubePackage } from '../proto';

// Hand-encoded protobuf: field tags and lengths as kubectl's typed client writes them.
const ld = (num: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([(num << 3) | 2, payload.length]), payload]);
const s = (num: number, text: string) => ld(num, Buffer.from(text));
const magic = Buffer.from('k8s\0', 'latin1');

/** Encodes `obj` as message `type` with protobufjs, inside the runtime.Unknown envelope. */
const envelope = (apiVersion: string, kind: string, type: string, obj: Record<string, unknown>): Buffer => {
  const root = kubeProtoRegistry().root;
  const t = root.lookupType(`${kubePackage}.${type}`);
  const raw = t.encode(t.fromObject(obj)).finish();
  const u = root.lookupType(`${kubePackage}.Unknown`);
  const env = u.encode(u.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  return Buffer.concat([magic, Buffer.from(env)]);
};

describe('decodeProtobufBody', () => {
  it('decodes a hand-encoded Namespace in the runtime.Unknown envelope', () => {
    const meta = Buffer.concat([s(1, 'team-a'), ld(11, Buffer.concat([s(1, 'env'), s(2, 'dev')])), ld(8, Buffer.alloc(0))]);
    const ns = Buffer.concat([ld(1, meta), ld(2, Buffer.alloc(0)), ld(3, Buffer.alloc(0))]);
    const env = Buffer.concat([ld(1, Buffer.concat([s(1, 'v1'), s(2, 'Namespace')])), ld(2, ns), s(4, 'application/vnd.kubernetes.protobuf')]);
    expect(decodeProtobufBody(Buffer.concat([magic, env]))).toEqual({
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { env: 'dev' } }, spec: {},
    });
  });

  it('decodes a Deployment as the JSON path would see it (pointers, omitempty, int-or-string, quantities, times)', () => {
    const body = envelope('apps/v1', 'Deployment', 'Deployment', {
      metadata: { name: 'web', namespace: '', labels: { app: 'web' }, creationTimestamp: {}, deletionTimestamp: { seconds: 1700000000 } },
      spec: {
        replicas: 0, minReadySeconds: 0, paused: false, selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: { type: 1, strVal: '25%' }, maxUnavailable: { type: 0, intVal: 1 } } },
        template: {
          metadata: { labels: { app: 'web' }, creationTimestamp: {} },
          spec: {
            containers: [{
              name: 'c', image: 'busybox', command: ['sleep', '1'], workingDir: '', stdin: false,
              ports: [{ containerPort: 80, hostPort: 0, protocol: 'TCP' }], resources: { limits: { cpu: { string: '100m' } } },
              env: [{ name: 'K', valueFrom: { configMapKeyRef: { localObjectReference: { name: 'cm' }, key: 'k' } } }],
            }],
            volumes: [{ name: 'v', volumeSource: { emptyDir: {} } }],
            terminationGracePeriodSeconds: 0,
          },
        },
      },
      status: {},
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' }, deletionTimestamp: '2023-11-14T22:13:20Z' },
      spec: {
        replicas: 0, selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{
              name: 'c', image: 'busybox', command: ['sleep', '1'], ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: { limits: { cpu: '100m' } }, env: [{ name: 'K', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }],
            }],
            volumes: [{ name: 'v', emptyDir: {} }],
            terminationGracePeriodSeconds: 0,
          },
        },
      },
    });
  });

  it('writes bytes as base64 and keeps empty map values', () => {
    const body = envelope('v1', 'Secret', 'Secret', {
      metadata: { name: 's' }, type: 'Opaque', data: { a: Buffer.from([0, 255]), empty: Buffer.alloc(0) }, immutable: false,
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque', data: { a: 'AP8=', empty: '' }, immutable: false,
    });
  });

  it.each([['v1'], ['apps/v1'], ['meta.k8s.io/v1']])('decodes a typed client\'s DeleteOptions (%s) for DELETE', (apiVersion) => {
    const body = envelope(apiVersion, 'DeleteOptions', 'DeleteOptions', {
      gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'], preconditions: { uid: 'u1' },
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion, kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'], preconditions: { uid: 'u1' },
    });
  });

  it('decodes an autoscaling/v1 HorizontalPodAutoscaler (kubectl 1.32 autoscale)', () => {
    const body = envelope('autoscaling/v1', 'HorizontalPodAutoscaler', 'HorizontalPodAutoscalerV1', {
      metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80 },
    });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80 },
    });
  });

  it('decodes an Eviction (kubectl drain)', () => {
    const body = envelope('policy/v1', 'Eviction', 'Eviction', { metadata: { name: 'p', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 30 } });
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 30 },
    });
  });

  it('decodes packed (protobufjs) and unpacked (Go, proto2) repeated numbers', () => {
    const packed = envelope('apps/v1', 'Deployment', 'Deployment', { spec: { template: { spec: { securityContext: { supplementalGroups: [1, 2] } } } } });
    const groups = { spec: { template: { spec: { securityContext: { supplementalGroups: [1, 2] } } } } };
    expect(decodeProtobufBody(packed)).toMatchObject(groups);
    const unpacked = ld(2, ld(3, ld(2, ld(14, Buffer.from([4 << 3, 1, 4 << 3, 2])))));
    const env = Buffer.concat([magic, ld(1, Buffer.concat([s(1, 'apps/v1'), s(2, 'Deployment')])), ld(2, unpacked)]);
    expect(decodeProtobufBody(env)).toMatchObject(groups);
  });

  it.each([
    ['a kind we do not decode', envelope('v1', 'Pod', 'Namespace', { metadata: { name: 'x' } }), 415],
    ['a field we do not define that carries data', Buffer.concat([magic, ld(1, Buffer.concat([s(1, 'v1'), s(2, 'Namespace')])), ld(2, ld(1, s(15, 'x')))]), 415],
    ['no magic', Buffer.from('{"kind":"Namespace"}'), 400],
    ['a truncated body', Buffer.concat([magic, Buffer.from([0x0a, 0x20, 0x0a])]), 400],
  ])('refuses %s', (_what, body, code) => {
    expect(() => decodeProtobufBody(body)).toThrow(expect.objectContaining({ code }));
  });

  it('ignores fields we do not define when they are empty, as Go writes every non-pointer struct', () => {
    const body = Buffer.concat([magic, ld(1, Buffer.concat([s(1, 'v1'), s(2, 'Namespace')])), ld(2, ld(1, Buffer.concat([s(1, 'x'), ld(15, Buffer.alloc(0))])))]);
    expect(decodeProtobufBody(body)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
  });
});

describe('decodeEnvelope', () => {
  it('reads typeMeta, raw and contentEncoding', () => {
    const body = Buffer.concat([magic, ld(1, Buffer.concat([s(1, 'batch/v1'), s(2, 'Job')])), s(2, 'RAW'), s(3, 'gzip')]);
    expect(decodeEnvelope(body)).toEqual({ apiVersion: 'batch/v1', kind: 'Job', raw: Buffer.from('RAW'), contentEncoding: 'gzip' });
  });
});

describe('goDuration', () => {
  it.each([
    [0, '0s'], [999, '999ns'], [1500, '1.5µs'], [300e6, '300ms'], [1.5e9, '1.5s'], [90e9, '1m30s'], [3600e9, '1h0m0s'], [-2e9, '-2s'],
  ])('%d ns is %s', (n, text) => expect(goDuration(n)).toBe(text));
});
