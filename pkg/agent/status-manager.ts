// Writes pod status through the pods/status subresource, only when it changed, with the
// current resourceVersion and a re-read on conflict (upstream status_manager.go).
import type { Pod, PodStatus } from '../../api/core/v1';
import type { ResourceClient } from '../client/types';
import type { ApiPod } from './pod-util';
import type { Logger } from '../log';
import { isConflict, isNotFound } from '../apimachinery/errors';
import { podIdentity } from './pod-util';
import { semanticEqual } from './status';

const maxConflictRetries = 5;

export class StatusManager {
  /** The last status written per pod UID, to skip writes the informer has not caught up with yet. */
  private written = new Map<string, { status: PodStatus; resourceVersion: number }>();

  constructor(private pods: ResourceClient<ApiPod>, private log: Logger) {}

  /** Writes `status` for `pod` (the freshest copy the caller has) unless it already shows it. */
  async setStatus(pod: Pod, status: PodStatus): Promise<void> {
    const { namespace, name, uid } = podIdentity(pod);
    if (semanticEqual(pod.status ?? {}, status)) return;
    // The cache may not have caught up with our own last write yet; trust that write only until it has.
    const last = this.written.get(uid);
    if (last && Number(pod.metadata?.resourceVersion ?? 0) < last.resourceVersion && semanticEqual(last.status, status)) return;
    let current: ApiPod = { ...pod, metadata: pod.metadata ?? {} };
    for (let attempt = 0; ; attempt++) {
      try {
        const updated = await this.pods.updateStatus(namespace, { ...current, status });
        this.written.set(uid, { status: updated.status ?? status, resourceVersion: Number(updated.metadata.resourceVersion ?? 0) });
        this.log.v(2, 'updated pod status', { pod: `${namespace}/${name}`, phase: status.phase });
        return;
      } catch (err) {
        if (isNotFound(err)) return;           // deleted meanwhile: nothing to report
        if (!isConflict(err) || attempt >= maxConflictRetries) throw err;
        current = await this.pods.get(namespace, name);
        if (current.metadata?.uid !== uid) return;   // a new pod with the same name
      }
    }
  }

  forget(uid: string): void { this.written.delete(uid); }
}
