// `kubectl get nodes.metrics.k8s.io` / `pods.metrics.k8s.io`: metrics-server's Table (Name, one
// quantity column per resource in name order, Window), pods summed over their containers.
import { parseQuantity } from '../../apimachinery';
import type { TableRequest } from '../table';
import { cpuQuantity, memoryQuantity } from './format';

interface Metrics { metadata: { name: string; namespace?: string; [k: string]: unknown }; window: string }
export interface NodeMetricsItem extends Metrics { usage: Record<string, string> }
export interface PodMetricsItem extends Metrics { containers: { name: string; usage: Record<string, string> }[] }

const column = (name: string, format: string, description = '') => ({ name, type: 'string', format, description, priority: 0 });

/** The pod's usage: CPU in nanocores and memory in bytes, added up, written as the API writes them. */
const podUsage = (p: PodMetricsItem): Record<string, string> => {
  const sum = (res: string) => p.containers.reduce((s, c) => s + parseQuantity(c.usage[res] ?? '0'), 0);
  return { cpu: cpuQuantity(Math.round(sum('cpu') * 1e9)), memory: memoryQuantity(sum('memory')) };
};

export const metricsTable = (items: (NodeMetricsItem | PodMetricsItem)[], req: TableRequest) => {
  const usages = items.map((i) => ('usage' in i ? i.usage : podUsage(i)));
  const names = usages.length ? Object.keys(usages[0]).sort() : [];
  return {
    kind: 'Table', apiVersion: `meta.k8s.io/${req.version}`, metadata: {},
    columnDefinitions: names.length ? [column('Name', 'name', 'Name of the resource'), ...names.map((n) => column(n, 'quantity')), column('Window', 'duration')] : [],
    rows: items.map((item, i) => ({
      cells: [item.metadata.name, ...names.map((n) => usages[i][n] ?? '0'), item.window],
      ...(req.includeObject === 'None' ? {} : {
        object: req.includeObject === 'Object' ? item : { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${req.version}`, metadata: item.metadata },
      }),
    })),
  };
};
