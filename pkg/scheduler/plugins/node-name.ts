// NodeName rejects every node but the one named in pod.spec.nodeName (upstream plugins/nodename).
// Pods with a nodeName never enter our queue; the plugin keeps the filter set complete.
import type { Pod } from '../../../api/core/v1';
import type { FilterPlugin } from '../framework';
import { unresolvable } from '../framework';
import type { NodeInfo } from '../node-info';

export const name = 'NodeName';
export const errReason = "node(s) didn't match the requested node name";

export const fitsNodeName = (pod: Pod, nodeInfo: NodeInfo): boolean =>
  !pod.spec?.nodeName || pod.spec.nodeName === nodeInfo.name;

export const nodeName = {
  name,
  filter: (_state, pod, nodeInfo) => (fitsNodeName(pod, nodeInfo) ? undefined : unresolvable(errReason)),
} satisfies FilterPlugin;
