// Flag declarations of `top node|pod` (kubectl top); the action is top.ts.
import { str, type DefineVerb } from './flags';

export const registerTopVerb = (verb: DefineVerb): void => {
  verb('top <kind> [name]', 'Display resource (CPU/memory) usage of nodes or pods.', async (o) => new (await import('./top')).TopCommand({
    selector: str(o.selector), fieldSelector: str(o.fieldSelector), sortBy: str(o.sortBy), noHeaders: o.headers === false,
    containers: o.containers === true, allNamespaces: o.allNamespaces === true, sum: o.sum === true, showCapacity: o.showCapacity === true,
  }))
    .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
    .option('--field-selector <selector>', 'Selector (field query) to filter on (pods).')
    .option('--sort-by <field>', "If non-empty, sort the list using the specified field: 'cpu' or 'memory'.")
    .option('--no-headers', 'If present, print output without headers.')
    .option('--containers', 'If present, print usage of containers within a pod.')
    .option('-A, --all-namespaces', 'List the requested pods across all namespaces.')
    .option('--sum', 'Print the sum of the resource usage (pods).')
    .option('--show-capacity', 'Print node resources based on Capacity instead of Allocatable (nodes).')
    .option('--use-protocol-buffers', 'Accepted for kubectl compatibility; the Metrics API is read as JSON.');
};
