// `berth down`: stops `berth server` (which stops the components), then removes every pod's
// containers, mounts, cgroups and namespaces and the service proxy's iptables chains and routes,
// so nothing of the cluster is left running.
// `--purge` also deletes $BERTH_HOME.
import fs from 'node:fs';
import { cleanupProxy } from '../proxy';
import { serviceCidrOf } from './components';
import { cleanupAll } from '../runtime';
import type { Logger } from '../log';
import { paths, readConfig } from './config';
import { serverPid, terminate } from './process';

export const down = async (home: string, purge: boolean, log: Logger): Promise<void> => {
  const cfg = readConfig(home);
  const p = paths(home);
  const pid = serverPid(home);
  if (pid !== undefined) {
    log.info('stopping berth server', { pid });
    await terminate(pid, 30_000);
  }
  fs.rmSync(p.serverPid, { force: true });
  if (cfg) {
    await cleanupAll({ root: p.runtime, cgroupParent: cfg.cgroupParent, bridge: cfg.bridge, podCidr: cfg.podCidr, networkName: cfg.networkName }, log);
    await cleanupProxy(cfg.bridge, log, serviceCidrOf(cfg)); // the service proxy's chains, jump rules and service CIDR routes
  }
  if (purge) {
    fs.rmSync(home, { recursive: true, force: true });
    log.info('removed state directory', { home });
  }
};
