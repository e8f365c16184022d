// Container lifecycle hooks (upstream pkg/kubelet/lifecycle/handlers.go): postStart runs right
// after the container started and a failure kills it (FailedPostStartHook); preStop runs before
// the container is stopped, within its grace period, and the stop gets what is left of it
// (FailedPreStopHook on failure; the stop goes on). Handlers: exec (CRI ExecSync), httpGet (from
// the node to the pod IP) and sleep; tcpSocket is deprecated upstream and not run.
import type { Container, LifecycleHandler, Pod } from '../../api/core/v1';
import type { EventRecorder } from '../client/types';
import type { Logger } from '../log';
import type { Clock } from './clock';
import { podDesc } from './pod-util';
import { runHTTP, type ExecSyncer, type ProbeTarget } from './prober';
import type { RuntimeService } from './runtime-client';

export interface HookDeps { runtime: RuntimeService; clock: Clock; log: Logger; recorder?: EventRecorder; exec?: ExecSyncer }

/** Upstream's minimum grace left for the stop after a preStop hook. */
export const minimumGracePeriodAfterHook = 2;

const podRef = (pod: Pod) => ({ ...pod, apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata ?? {} });

/** Runs `h`; resolves with an error message, or undefined when it succeeded. */
export const runHandler = async (pod: Pod, h: LifecycleHandler, t: ProbeTarget, timeoutSeconds: number, d: HookDeps): Promise<string | undefined> => {
  const where = `for Container "${t.container.name}" in Pod "${podDesc(pod)}"`;
  if (h.exec) {
    const cmd = h.exec.command ?? [];
    if (!d.exec) return `Exec lifecycle hook (${JSON.stringify(cmd)}) ${where} failed - error: no runtime exec`;
    try {
      const r = await d.exec.execSync(t.containerId, cmd, timeoutSeconds);
      if (r.exitCode === 0) return undefined;
      const output = Buffer.concat([r.stdout, r.stderr]).toString('utf8');
      return `Exec lifecycle hook ([${cmd.join(' ')}]) ${where} failed - error: command '${cmd.join(' ')}' exited with ${r.exitCode}: ${output.trim()}, message: ${JSON.stringify(output)}`;
    } catch (err) {
      return `Exec lifecycle hook ([${cmd.join(' ')}]) ${where} failed - error: ${err instanceof Error ? err.message : String(err)}, message: ""`;
    }
  }
  if (h.httpGet) {
    const out = await runHTTP(h.httpGet, t, timeoutSeconds);
    return out.result === 'success' ? undefined : `HTTP lifecycle hook (${h.httpGet.path ?? ''}) ${where} failed - error: ${out.output}`;
  }
  if (h.sleep) {
    await new Promise<void>((resolve) => { d.clock.setTimer(resolve, Math.min(h.sleep?.seconds ?? 0, timeoutSeconds) * 1000); });
    return undefined;
  }
  d.log.warn('lifecycle hook has no supported handler', { pod: podDesc(pod), container: t.container.name });
  return undefined;
};

/** Runs the postStart hook of a container that just started; on failure kills it (it then restarts per policy). */
export const runPostStart = async (pod: Pod, t: ProbeTarget, d: HookDeps): Promise<boolean> => {
  const h = t.container.lifecycle?.postStart;
  if (!h) return true;
  const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
  const err = await runHandler(pod, h, t, grace || 30, d);
  if (!err) return true;
  d.log.warn('postStart hook failed', { pod: podDesc(pod), container: t.container.name, err });
  d.recorder?.event(podRef(pod), 'Warning', 'FailedPostStartHook', err);
  await d.runtime.stopContainer(t.containerId, grace);
  return false;
};

/**
 * Runs the preStop hook (bounded by `graceSeconds`) and then stops the container with the grace
 * that is left, at least minimumGracePeriodAfterHook seconds.
 */
export const stopContainerWithHook = async (pod: Pod, c: Container, containerId: string, podIP: string, graceSeconds: number, d: HookDeps): Promise<void> => {
  const h = c.lifecycle?.preStop;
  let grace = graceSeconds;
  if (h && graceSeconds > 0) {
    const start = d.clock.now();
    let cancel = (): void => undefined;
    const timedOut = new Promise<string>((resolve) => { cancel = d.clock.setTimer(() => resolve('timeout'), graceSeconds * 1000); });
    const err = await Promise.race([runHandler(pod, h, { container: c, containerId, podIP }, graceSeconds, d), timedOut]);
    cancel();
    if (err) {
      const message = err === 'timeout' ? `PreStopHook for Container "${c.name}" in Pod "${podDesc(pod)}" did not complete in ${graceSeconds}s` : err;
      d.log.warn('preStop hook failed', { pod: podDesc(pod), container: c.name, err: message });
      d.recorder?.event(podRef(pod), 'Warning', 'FailedPreStopHook', message);
    }
    grace = Math.max(minimumGracePeriodAfterHook, graceSeconds - Math.floor((d.clock.now() - start) / 1000));
  }
  await d.runtime.stopContainer(containerId, grace);
};
