// Flag declarations of the operational verbs: exec, port-forward, wait, rollout, cordon, uncordon, drain.
import { collectCsv, int, str, strs, type DefineVerb } from './flags';

export const registerOpsVerbs = (verb: DefineVerb): void => {
  verb('exec [args...]', 'Execute a command in a container.', async (o) => new (await import('./exec')).ExecCommand({
    container: str(o.container), stdin: o.stdin === true, tty: o.tty === true, quiet: o.quiet === true,
  }))
    .option('-c, --container <name>', 'Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation or the first container in the pod.')
    .option('-i, --stdin', 'Pass stdin to the container.')
    .option('-t, --tty', 'Stdin is a TTY.')
    .option('-q, --quiet', 'Only print output from the remote session.');

  verb('port-forward [args...]', 'Forward one or more local ports to a pod.', async (o) => new (await import('./port-forward')).PortForwardCommand({
    address: strs(o.address),
  }))
    .option('--address <addresses>', 'Addresses to listen on (comma separated): localhost, or IP addresses (default localhost).', collectCsv)
    .option('--pod-running-timeout <duration>', 'The length of time to wait until at least one pod is running (accepted for compatibility).');

  verb('wait [args...]', 'Wait for a specific condition on one or many resources.', async (o) => new (await import('./wait')).WaitCommand({
    for: str(o.for), timeout: str(o.timeout), selector: str(o.selector), all: o.all === true,
    allNamespaces: o.allNamespaces === true, fieldSelector: str(o.fieldSelector),
  }))
    .option('--for <condition>', "The condition to wait on: [create|delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]].")
    .option('--timeout <duration>', 'The length of time to wait before giving up (default 30s; negative: a week).')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
    .option('--field-selector <selector>', 'Selector (field query) to filter on.')
    .option('--all', 'Select all resources in the namespace of the specified resource types.')
    .option('-A, --all-namespaces', 'List the requested object(s) across all namespaces.');

  verb('rollout <subcommand> [args...]', 'Manage the rollout of a deployment: status, history, undo, restart, pause, resume.',
    async (o) => new (await import('./rollout')).RolloutCommand({
      revision: o.revision as number | undefined, timeout: str(o.timeout), watch: o.watch !== false, toRevision: o.toRevision as number | undefined,
      output: str(o.output), dryRun: str(o.dryRun),
    }))
    .option('--revision <n>', 'See the details, including podTemplate of the revision specified (history); pin to a revision (status).', int('revision'))
    .option('--to-revision <n>', 'The revision to rollback to (undo). Default to 0 (last revision).', int('to-revision'))
    .option('--timeout <duration>', 'The length of time to wait before ending watch (status; 0: never).')
    .option('-w, --watch', 'Watch the status of the rollout until it is done (default true).')
    .option('--no-watch', 'Print the current status and exit.')
    .option('-o, --output <format>', 'Output format: json, yaml, name.')
    .option('--dry-run <strategy>', 'Must be "none", "server", or "client".');

  for (const name of ['cordon', 'uncordon'] as const) {
    verb(`${name} [args...]`, name === 'cordon' ? 'Mark node as unschedulable.' : 'Mark node as schedulable.',
      async (o) => new (await import('./drain')).CordonCommand(name === 'cordon', { selector: str(o.selector), dryRun: str(o.dryRun) }))
      .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
      .option('--dry-run <strategy>', 'Must be "none", "server", or "client".');
  }

  verb('drain [args...]', 'Drain node in preparation for maintenance.', async (o) => new (await import('./drain')).DrainCommand({
    force: o.force === true, ignoreDaemonsets: o.ignoreDaemonsets === true, deleteEmptydirData: o.deleteEmptydirData === true,
    gracePeriod: o.gracePeriod as number | undefined, timeout: str(o.timeout), selector: str(o.selector), podSelector: str(o.podSelector),
    disableEviction: o.disableEviction === true, dryRun: str(o.dryRun),
  }))
    .option('--force', 'Continue even if there are pods that do not declare a controller.')
    .option('--ignore-daemonsets', 'Ignore DaemonSet-managed pods.')
    .option('--delete-emptydir-data', 'Continue even if there are pods using emptyDir (local data that will be deleted when the node is drained).')
    .option('--grace-period <seconds>', "Period of time in seconds given to each pod to terminate gracefully (-1: the pod's own).", int('grace-period'))
    .option('--timeout <duration>', 'The length of time to wait before giving up, zero means infinite.')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on nodes.')
    .option('--pod-selector <selector>', 'Label selector to filter pods on the node.')
    .option('--disable-eviction', 'Force drain to use delete, even if eviction is supported.')
    .option('--dry-run <strategy>', 'Must be "none", "server", or "client".');
};
