// Builders for unit tests (not exported from index.ts).
import type { Container } from '../../api/core/v1';
import type { ApiPod } from './pod-util';
import type { ContainerStatus } from './runtime-client';

export const container = (name = 'app', extra: Partial<Container> = {}): Container => ({ name, image: 'busybox:1.36', ...extra });

export const pod = (opts: { name?: string; uid?: string; restartPolicy?: string; containers?: Container[]; deletionGracePeriodSeconds?: number; phase?: string } = {}): ApiPod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: opts.name ?? 'web', namespace: 'default', uid: opts.uid ?? 'uid-1', resourceVersion: '1',
    ...(opts.deletionGracePeriodSeconds !== undefined ? { deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: opts.deletionGracePeriodSeconds } : {}),
  },
  spec: { nodeName: 'n1', restartPolicy: opts.restartPolicy ?? 'Always', containers: opts.containers ?? [container()] },
  status: opts.phase ? { phase: opts.phase } : {},
});

const sec = (s: number): number => Date.parse('2025-01-01T00:00:00Z') * 1e6 + s * 1e9;

export const crStatus = (o: { name?: string; attempt?: number; state: ContainerStatus['state']; exitCode?: number; id?: string }): ContainerStatus => ({
  id: o.id ?? `c-${o.name ?? 'app'}-${o.attempt ?? 0}`,
  metadata: { name: o.name ?? 'app', attempt: o.attempt ?? 0 },
  state: o.state,
  createdAt: sec(o.attempt ?? 0),
  startedAt: o.state === 'CONTAINER_CREATED' ? 0 : sec(1),
  finishedAt: o.state === 'CONTAINER_EXITED' ? sec(2) : 0,
  exitCode: o.exitCode ?? 0,
  image: { image: 'busybox:1.36' },
  imageRef: 'sha256:abc',
  reason: '',
  message: '',
  labels: {},
  annotations: {},
  logPath: '',
});
