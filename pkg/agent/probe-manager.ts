// One worker per probe of each running container, on a timer (upstream pkg/kubelet/prober/
// prober_manager.go and worker.go): it waits initialDelaySeconds after the container started,
// probes every periodSeconds, and flips its result only after successThreshold or
// failureThreshold equal results in a row. A changed result wakes the pod's worker, which
// reads readiness into the status and kills a container whose liveness or startup failed.
// Liveness and readiness wait for the startup probe to succeed; a new container (restart)
// gets fresh workers; a pod that goes away stops its workers.
import type { Container, Pod, Probe } from '../../api/core/v1';
import type { EventRecorder } from '../client/types';
import type { Logger } from '../log';
import type { Clock } from './clock';
import { containersOf, podDesc, podIdentity, sidecarsOf } from './pod-util';
import { probeTiming, runProbe, type ExecSyncer, type ProbeOutcome, type ProbeResult, type ProbeTarget } from './prober';
import type { ContainerStatus } from './runtime-client';

export type ProbeType = 'liveness' | 'readiness' | 'startup';

const probeTypes: ProbeType[] = ['startup', 'liveness', 'readiness'];
const probeOf = (c: Container, t: ProbeType): Probe | undefined =>
  t === 'liveness' ? c.livenessProbe : t === 'readiness' ? c.readinessProbe : c.startupProbe;
/** Containers whose probes run: the app containers and the sidecars. */
const probedContainers = (pod: Pod): Container[] => [...sidecarsOf(pod), ...containersOf(pod)];
const capitalized = (t: ProbeType): string => t[0].toUpperCase() + t.slice(1);

export interface ProbeManagerDeps {
  clock: Clock;
  log: Logger;
  recorder?: EventRecorder;
  exec?: ExecSyncer;
  /** Called when a probe result changes (wakes the pod worker). */
  onChange: (uid: string) => void;
  /** The probe itself; tests replace it. */
  run?: (probe: Probe, t: ProbeTarget) => Promise<ProbeOutcome>;
}

class Worker {
  /** What the pod sees: readiness starts failed, liveness passed, startup unknown. */
  result: ProbeResult | undefined;
  private last: ProbeResult | undefined;
  private run = 0;
  private stopped = false;
  private onHold = false;
  private cancel?: () => void;
  private readonly timing;

  constructor(readonly type: ProbeType, private probe: Probe, private pod: Pod, private target: ProbeTarget, private startedAt: number,
    private m: ProbeManager, private d: ProbeManagerDeps) {
    this.timing = probeTiming(probe);
    this.result = type === 'readiness' ? 'failure' : type === 'liveness' ? 'success' : undefined;
  }

  get containerId(): string { return this.target.containerId; }

  start(): void {
    const firstAt = Math.max(0, this.startedAt + this.timing.initialDelaySeconds * 1000 - this.d.clock.now());
    this.schedule(firstAt);
  }

  stop(): void { this.stopped = true; this.cancel?.(); }

  private schedule(ms: number): void {
    if (!this.stopped) this.cancel = this.d.clock.setTimer(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const begun = this.d.clock.now();
    try {
      await this.probeOnce();
    } catch (err) {
      this.d.log.warn('probe failed to run', { pod: podDesc(this.pod), container: this.target.container.name, err });
    }
    this.schedule(Math.max(0, begun + this.timing.periodSeconds * 1000 - this.d.clock.now()));
  }

  private async probeOnce(): Promise<void> {
    const { uid } = podIdentity(this.pod);
    const name = this.target.container.name;
    if (this.onHold) return;
    if (this.type !== 'startup' && !this.m.started(uid, name, this.containerId)) return;
    if (this.type === 'startup' && this.result === 'success') return;
    const out = await (this.d.run ?? ((p: Probe, t: ProbeTarget) => runProbe(p, t, this.d.exec)))(this.probe, this.target);
    if (this.stopped) return;
    if (out.result === 'failure') {
      this.d.log.v(2, 'probe failed', { pod: podDesc(this.pod), container: name, probe: this.type, output: out.output });
      this.d.recorder?.event(podRef(this.pod), 'Warning', 'Unhealthy', `${capitalized(this.type)} probe failed: ${out.output}`);
    }
    this.run = out.result === this.last ? this.run + 1 : 1;
    this.last = out.result;
    const threshold = out.result === 'failure' ? this.timing.failureThreshold : this.timing.successThreshold;
    if (this.run < threshold) return;
    const changed = this.result !== out.result;
    this.result = out.result;
    // A failed liveness/startup probe stops probing until the container is replaced.
    if (out.result === 'failure' && this.type !== 'readiness') { this.onHold = true; this.run = 0; }
    if (changed) this.d.onChange(uid);
  }
}

const podRef = (pod: Pod) => ({ ...pod, apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata ?? {} });

export class ProbeManager {
  /** Workers by `uid/container/type`. */
  private workers = new Map<string, Worker>();

  constructor(private d: ProbeManagerDeps) {}

  /** Starts workers for the probes of running containers, replaces those of restarted ones, stops the rest. */
  syncPod(pod: Pod, latest: (name: string) => ContainerStatus | undefined, podIP: string): void {
    const { uid } = podIdentity(pod);
    const keep = new Set<string>();
    for (const c of probedContainers(pod)) {
      const st = latest(c.name);
      if (st?.state !== 'CONTAINER_RUNNING') continue;
      for (const type of probeTypes) {
        const probe = probeOf(c, type);
        if (!probe) continue;
        const key = `${uid}/${c.name}/${type}`;
        keep.add(key);
        const w = this.workers.get(key);
        if (w?.containerId === st.id) continue;
        w?.stop();
        const worker = new Worker(type, probe, pod, { container: c, containerId: st.id, podIP }, st.startedAt / 1e6, this, this.d);
        this.workers.set(key, worker);
        worker.start();
      }
    }
    for (const [key, w] of this.workers) {
      if (key.startsWith(`${uid}/`) && !keep.has(key)) { w.stop(); this.workers.delete(key); }
    }
  }

  private result(uid: string, name: string, id: string, type: ProbeType): ProbeResult | undefined | 'none' {
    const w = this.workers.get(`${uid}/${name}/${type}`);
    if (!w) return 'none';
    return w.containerId === id ? w.result : type === 'readiness' ? 'failure' : undefined;
  }

  /** Whether the startup probe (if any) has passed for container `id`. */
  started(uid: string, name: string, id: string, pod?: Pod): boolean {
    const r = this.result(uid, name, id, 'startup');
    if (r === 'none') return !pod || !probedContainers(pod).find((c) => c.name === name)?.startupProbe;
    return r === 'success';
  }

  /** Whether the readiness probe (if any) has passed for container `id`. */
  ready(uid: string, name: string, id: string, pod?: Pod): boolean {
    const r = this.result(uid, name, id, 'readiness');
    if (r === 'none') return !pod || !probedContainers(pod).find((c) => c.name === name)?.readinessProbe;
    return r === 'success';
  }

  /** The probe whose failure means container `id` must be killed and restarted, if any. */
  failed(uid: string, name: string, id: string): 'liveness' | 'startup' | undefined {
    if (this.result(uid, name, id, 'startup') === 'failure') return 'startup';
    if (this.result(uid, name, id, 'liveness') === 'failure') return 'liveness';
    return undefined;
  }

  /** Stops the workers of pod `uid` (deleted, terminal, or gone). */
  removePod(uid: string): void {
    for (const [key, w] of this.workers) if (key.startsWith(`${uid}/`)) { w.stop(); this.workers.delete(key); }
  }

  stopAll(): void {
    for (const w of this.workers.values()) w.stop();
    this.workers.clear();
  }

  size(): number { return this.workers.size; }
}
