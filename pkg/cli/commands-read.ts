// Flag declarations of the verbs that read: get, describe, logs, explain, api-resources,
// api-versions, cluster-info, version, config. The actions live in pkg/cli/<verb>.ts and
// are required only when their verb runs (start-up time).
import { collectCsv, int, str, type DefineVerb } from './flags';

export const registerReadVerbs = (verb: DefineVerb): void => {
  verb('get [args...]', 'Display one or many resources.', async (o) => new (await import('./get')).GetCommand({
    output: str(o.output), selector: str(o.selector), fieldSelector: str(o.fieldSelector),
    allNamespaces: o.allNamespaces === true, showLabels: o.showLabels === true, noHeaders: o.headers === false,
    labelColumns: o.labelColumns as string[] | undefined, sortBy: str(o.sortBy), watch: o.watch === true,
    watchOnly: o.watchOnly === true, showManagedFields: o.showManagedFields === true, ignoreNotFound: o.ignoreNotFound === true, chunkSize: o.chunkSize as number | undefined,
  }))
    .option('-o, --output <format>', 'Output format: json, yaml, name, wide, jsonpath=…, jsonpath-file=…, custom-columns=…, custom-columns-file=….')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
    .option('--field-selector <selector>', 'Selector (field query) to filter on.')
    .option('-A, --all-namespaces', 'List the requested object(s) across all namespaces.')
    .option('--show-labels', 'Show all labels as the last column.')
    .option('-L, --label-columns <keys>', 'Labels to show as columns (comma-separated, repeatable).', collectCsv)
    .option('--sort-by <jsonpath>', 'Sort list types using this field specification (a JSONPath expression).')
    .option('-w, --watch', 'After listing/getting the requested object, watch for changes.')
    .option('--no-watch', 'Do not watch (the default).')
    .option('--show-managed-fields', 'If true, keep the managedFields when printing objects in JSON or YAML format.')
    .option('--watch-only', 'Watch for changes to the requested object(s), without listing/getting first.')
    .option('--ignore-not-found', 'If the requested object does not exist the command will return exit code 0.')
    .option('--chunk-size <n>', 'Return large lists in chunks rather than all at once.', int('chunk-size'))
    .option('--no-headers', 'Do not print headers.');

  verb('describe [args...]', 'Show details of a specific resource or group of resources.', async (o) => new (await import('./describe')).DescribeCommand({
    selector: str(o.selector), allNamespaces: o.allNamespaces === true, showEvents: o.showEvents !== false,
  }))
    .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
    .option('-A, --all-namespaces', 'List the requested object(s) across all namespaces.')
    .option('--show-events', 'If true, display events related to the described object (default true).')
    .option('--no-show-events', 'Do not display events.');

  verb('logs [args...]', 'Print the logs for a container in a pod.', async (o) => new (await import('./logs')).LogsCommand({
    container: str(o.container), follow: o.follow === true, tail: o.tail as number | undefined,
    timestamps: o.timestamps === true, since: str(o.since), previous: o.previous === true,
  }))
    .option('-c, --container <name>', 'Print the logs of this container.')
    .option('-f, --follow', 'Specify if the logs should be streamed.')
    .option('--tail <lines>', 'Lines of recent log file to display (-1: all).', int('tail'))
    .option('--timestamps', 'Include timestamps on each line in the log output.')
    .option('--since <duration>', 'Only return logs newer than a relative duration like 5s, 2m, or 3h.')
    .option('-p, --previous', 'Print the logs for the previous instance of the container.');

  verb('explain [args...]', 'Get documentation for a resource.', async (o) => new (await import('./explain')).ExplainCommand({
    recursive: o.recursive === true, apiVersion: str(o.apiVersion),
  }))
    .option('--recursive', 'Print the fields of fields (currently only one level deep).')
    .option('--api-version <version>', 'Use the given api-version (group/version) of the resource.');

  verb('api-resources', 'Print the supported API resources on the server.', async (o) => new (await import('./discovery-verbs')).ApiResourcesCommand({
    output: str(o.output), namespaced: str(o.namespaced), apiGroup: str(o.apiGroup), noHeaders: o.headers === false, sort: str(o.sortBy),
  }))
    .option('-o, --output <format>', 'Output format: wide or name.')
    .option('--namespaced <bool>', 'If false, non-namespaced resources will be returned, otherwise namespaced ones.')
    .option('--api-group <group>', 'Limit to resources in the specified API group.')
    .option('--sort-by <field>', 'Sort by name or kind.')
    .option('--no-headers', 'Do not print headers.');

  verb('api-versions', 'Print the supported API versions on the server, in the form of "group/version".',
    async () => new (await import('./discovery-verbs')).ApiVersionsCommand());

  verb('cluster-info [args...]', 'Display cluster information.', async () => new (await import('./discovery-verbs')).ClusterInfoCommand());

  verb('version', 'Print the client and server version information.', async (o) => new (await import('./discovery-verbs')).VersionCommand({
    output: str(o.output), client: o.client === true,
  }))
    .option('-o, --output <format>', 'One of yaml or json.')
    .option('--client', 'If true, shows client version only (no server required).');

  verb('config <subcommand> [args...]', 'Modify kubeconfig files (view, use-context, get-contexts, current-context).',
    async (o) => new (await import('./config')).ConfigCommand({
      output: str(o.output), raw: o.raw === true, minify: o.minify === true, flatten: o.flatten === true, noHeaders: o.headers === false,
    }))
    .option('-o, --output <format>', 'Output format: yaml (default), json, or name (get-contexts).')
    .option('--raw', 'Display raw byte data and sensitive data.')
    .option('--minify', 'Remove all information not used by the current-context from the output.')
    .option('--flatten', 'Flatten the resulting kubeconfig file into self-contained output (useful for creating portable kubeconfig files).')
    .option('--merge', 'Merge the full hierarchy of kubeconfig files (the default).')
    .option('--no-headers', 'Do not print headers.');
};
