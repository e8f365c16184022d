// berthctl: the kubectl-compatible CLI. Parse argv, run one verb, exit 0 on success, 1 on error.
import path from 'node:path';
import { installCompileCache } from '../../pkg/cli/compile-cache';

// Start-up: berthctl's modules (required below, after the hook) compile from V8's code cache.
if (!process.env.BERTHCTL_NO_COMPILE_CACHE) installCompileCache(path.resolve(__dirname, '..', '..', '..'));
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
