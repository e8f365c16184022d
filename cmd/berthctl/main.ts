// berthctl: the kubectl-compatible CLI. Parse argv, run one verb, exit 0 on success, 1 on error.
import { realDeps, runBerthctl } from '../../pkg/cli';

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
