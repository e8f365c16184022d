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
  private written = new Map<string, PodStatus>();

  constructor(private pods: ResourceClient<ApiPod>, private log: Logger) {}

  /** Writes `status` for `pod` (the freshest copy the caller has) unless it already shows it. */
  async setStatus(pod: Pod, status: PodStatus): Promise<void> {
    const { namespace, name, uid } = podIdentity(pod);
    if (semanticEqual(pod.status ?? {}, status) || semanticEqual(this.written.get(uid), status)) return;
    let current: ApiPod = { ...pod, metadata: pod.metadata ?? {} };
    for (let attempt = 0; ; attempt++) {
      try {
        const updated = await this.pods.updateStatus(namespace, { ...current, status });
        this.written.set(uid, updated.status ?? status);
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
