// TaintToleration rejects nodes with a NoSchedule/NoExecute taint the pod does not tolerate
// (upstream plugins/tainttoleration; PreferNoSchedule only matters for scoring, not done yet).
import type { FilterPlugin } from '../framework';
import { unresolvable } from '../framework';
import { podToleratesTaint } from './tolerations';

export const name = 'TaintToleration';

export const taintToleration = {
  name,
  filter: (_state, pod, nodeInfo) => {
    const untolerated = (nodeInfo.node.spec?.taints ?? [])
      .find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !podToleratesTaint(pod, t));
    if (!untolerated) return undefined;
    return unresolvable(`node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ''}}`);
  },
} satisfies FilterPlugin;
