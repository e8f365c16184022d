// berth: one binary for every node component (up | down | server | apiserver | runtime | agent | …).
import { berthCommand } from '../../pkg/cluster';

const main = async (): Promise<number> => {
  const chosen: { run?: (signal: AbortSignal) => Promise<void> } = {};
  await berthCommand(chosen).parseAsync(process.argv);
  if (!chosen.run) return 0;
  const ac = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort());
  await chosen.run(ac.signal);
  return 0;
};

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
