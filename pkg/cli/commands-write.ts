// Flag declarations of the verbs that write: apply, diff, delete, create, scale, label,
// annotate, edit. Actions live in pkg/cli/<verb>.ts, required only when they run.
import { collect, int, str, strs, type DefineVerb } from './flags';

export const registerWriteVerbs = (verb: DefineVerb): void => {
  verb('apply', 'Apply a configuration to a resource by file name or stdin.', async (o) => new (await import('./apply')).ApplyCommand({
    filename: strs(o.filename), recursive: o.recursive === true, dryRun: str(o.dryRun), serverSide: o.serverSide === true,
    forceConflicts: o.forceConflicts === true, fieldManager: str(o.fieldManager), prune: o.prune === true, selector: str(o.selector),
    all: o.all === true, output: str(o.output), pruneAllowlist: strs(o.pruneAllowlist),
  }))
    .option('-f, --filename <file>', 'The files that contain the configurations to apply (repeatable; - for stdin).', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--dry-run <strategy>', 'Must be "none", "server", or "client".')
    .option('--server-side', 'If true, apply runs in the server instead of the client.')
    .option('--force-conflicts', 'If true, server-side apply will force the changes against conflicts.')
    .option('--field-manager <name>', 'Name of the manager used to track field ownership.')
    .option('--prune', 'Delete resources that are not in the applied files and carry the last-applied annotation (needs -l or --all).')
    .option('--prune-allowlist <group/version/kind>', 'Overwrite the default allowlist with <group/version/kind> for --prune.', collect)
    .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
    .option('--all', 'Select all resources in the namespace of the specified resource types (with --prune).')
    .option('-o, --output <format>', 'Output format: json, yaml, name.');

  verb('diff', 'Diff the live version against a would-be applied version.', async (o) => new (await import('./diff')).DiffCommand({
    filename: strs(o.filename), recursive: o.recursive === true, serverSide: o.serverSide === true,
    forceConflicts: o.forceConflicts === true, fieldManager: str(o.fieldManager),
  }))
    .option('-f, --filename <file>', 'Filename, directory, or URL to files contains the configuration to diff.', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('--server-side', 'If true, apply runs in the server instead of the client.')
    .option('--force-conflicts', 'If true, server-side apply will force the changes against conflicts.')
    .option('--field-manager <name>', 'Name of the manager used to track field ownership.');

  verb('delete [args...]', 'Delete resources by file names, stdin, resources and names, or by resources and label selector.',
    async (o) => new (await import('./delete')).DeleteCommand({
      filename: strs(o.filename), recursive: o.recursive === true, selector: str(o.selector),
      all: o.all === true, wait: o.wait !== false, gracePeriod: o.gracePeriod as number | undefined, now: o.now === true,
      force: o.force === true, ignoreNotFound: o.ignoreNotFound === true, timeout: str(o.timeout),
      cascade: str(o.cascade), dryRun: str(o.dryRun),
    }))
    .option('-f, --filename <file>', 'Files identifying the resources to delete (repeatable; - for stdin).', collect)
    .option('-R, --recursive', 'Process the directory used in -f, --filename recursively.')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
    .option('--all', 'Delete all resources of the given types in the namespace.')
    .option('--wait', 'Wait for resources to be gone before returning (default true).')
    .option('--no-wait', 'Return as soon as the deletions are accepted.')
    .option('--grace-period <seconds>', 'Seconds given to the resource to terminate gracefully (-1: the default).', int('grace-period'))
    .option('--now', 'Signal resources for immediate shutdown (same as --grace-period=1).')
    .option('--force', 'Immediately remove resources from the API, bypassing graceful deletion.')
    .option('--ignore-not-found', 'Treat "resource not found" as a successful delete.')
    .option('--timeout <duration>', 'How long to wait for the deletion (0: forever).')
    .option('--cascade <strategy>', 'Must be "background", "orphan", or "foreground".')
    .option('--dry-run <strategy>', 'Must be "none" or "server".');

  verb('create <kind> [args...]', 'Create a resource: namespace, deployment, configmap, secret generic.', async (o) => new (await import('./create')).CreateCommand({
    image: strs(o.image), replicas: o.replicas as number | undefined, port: o.port as number | undefined,
    fromLiteral: strs(o.fromLiteral), fromFile: strs(o.fromFile), fromEnvFile: strs(o.fromEnvFile), type: str(o.type),
    dryRun: str(o.dryRun), output: str(o.output), command: [],
  }))
    .option('--image <image>', 'Image names to run (deployment; repeatable).', collect)
    .option('-r, --replicas <n>', 'Number of replicas to create (deployment). Default is 1.', int('replicas'))
    .option('--port <port>', 'The containerPort that this deployment exposes.', int('port'))
    .option('--from-literal <key=value>', 'Specify a key and literal value to insert (repeatable).', collect)
    .option('--from-file <[key=]source>', 'Key file can be specified using its file path (repeatable).', collect)
    .option('--from-env-file <file>', 'Specify the path to a file to read lines of key=val pairs (repeatable).', collect)
    .option('--type <type>', 'The type of secret to create.')
    .option('--dry-run <strategy>', 'Must be "none", "server", or "client".')
    .option('-o, --output <format>', 'Output format: json, yaml, name.');

  verb('scale [args...]', 'Set a new size for a deployment, replica set or replication controller.', async (o) => new (await import('./scale')).ScaleCommand({
    replicas: o.replicas as number | undefined, currentReplicas: o.currentReplicas as number | undefined,
    resourceVersion: str(o.resourceVersion), filename: strs(o.filename), selector: str(o.selector), all: o.all === true, dryRun: str(o.dryRun),
  }))
    .option('--replicas <n>', 'The new desired number of replicas. Required.', int('replicas'))
    .option('--current-replicas <n>', 'Precondition for current size (-1: none).', int('current-replicas'))
    .option('--resource-version <rv>', 'Precondition for resource version.')
    .option('-f, --filename <file>', 'Filename identifying the resource to set a new size.', collect)
    .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
    .option('--all', 'Select all resources in the namespace of the specified resource types.')
    .option('--dry-run <strategy>', 'Must be "none", "server", or "client".');

  for (const kind of ['label', 'annotate'] as const) {
    verb(`${kind} [args...]`, kind === 'label' ? 'Update the labels on a resource.' : 'Update the annotations on a resource.',
      async (o) => new (await import('./label')).LabelCommand(kind, {
        overwrite: o.overwrite === true, selector: str(o.selector), all: o.all === true, list: o.list === true,
        resourceVersion: str(o.resourceVersion), dryRun: str(o.dryRun), output: str(o.output), filename: strs(o.filename),
        allNamespaces: o.allNamespaces === true,
      }))
      .option('--overwrite', 'If true, allow labels/annotations to be overwritten.')
      .option('-l, --selector <selector>', 'Selector (label query) to filter on.')
      .option('--all', 'Select all resources, in the namespace of the specified resource types.')
      .option('-A, --all-namespaces', 'Select resources across all namespaces.')
      .option('--list', 'If true, display the labels/annotations for a given resource.')
      .option('--resource-version <rv>', 'Only update if the resource is unchanged from this version.')
      .option('-f, --filename <file>', 'Files identifying the resources to update.', collect)
      .option('--dry-run <strategy>', 'Must be "none", "server", or "client".')
      .option('-o, --output <format>', 'Output format: json, yaml, name.');
  }

  verb('edit [args...]', 'Edit a resource on the server with $KUBE_EDITOR or $EDITOR.', async (o) => new (await import('./edit')).EditCommand({
    output: str(o.output), filename: strs(o.filename),
  }))
    .option('-o, --output <format>', 'Output format for editing: yaml (default) or json.')
    .option('-f, --filename <file>', 'Files identifying the resources to edit.', collect);
};
