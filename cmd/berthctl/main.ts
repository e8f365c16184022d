// berthctl: the kubectl-compatible CLI. Parse argv, run one verb, exit 0 on success, 1 on error.
import os from 'node:os';
import path from 'node:path';

// Start-up: berthctl's modules (required below, after the hook) compile from V8's code cache
// (Node 20 has no module.enableCompileCache), kept beside the resource table's cache.
if (!process.env.BERTHCTL_NO_COMPILE_CACHE) {
  process.env.V8_COMPILE_CACHE_CACHE_DIR ??= path.join(process.env.KUBECACHEDIR ?? path.join(os.homedir(), '.kube', 'cache'), 'berthctl', 'v8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('v8-compile-cache');
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { realDeps, runBerthctl } = require('../../pkg/cli') as typeof import('../../pkg/cli');

const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => { controller.abort(); process.exitCode = 130; });
}

runBerthctl(process.argv.slice(2), {
  io: { out: process.stdout, err: process.stderr, in: process.stdin },
  deps: realDeps(),
  signal: controller.signal,
}).then((code) => {
  process.exitCode = controller.signal.aborted ? 130 : code;
}, (err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
