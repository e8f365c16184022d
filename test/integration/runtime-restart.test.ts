// Restart safety (root): the runtime runs as a child process (`node dist/cmd/berth/main.js runtime`,
// so build first: `npx tsc -p tsconfig.json`), starts 10 containers, and is killed with SIGKILL.
// Meanwhile one container exits with 3. A new runtime process over the same root must report all 10,
// nine still running (the same processes) and the tenth exited with its real exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../../pkg/log';
import { cleanupAll, createRuntimeClient, type RuntimeClient } from '../../pkg/runtime';
import { containerConfig, importBusybox, sandboxConfig, testRuntimeOptions, waitFor } from './runtime-exec-harness';

jest.setTimeout(60_000);

const berthMain = path.resolve(__dirname, '../../dist/cmd/berth/main.js');
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'ESRCH') return false;
    throw err;
  }
};

describe('runtime restart (kill -9) with 10 containers', () => {
  const opts = testRuntimeOptions('berth-restart');
  let child: ChildProcess | undefined;
  let client: RuntimeClient | undefined;

  const startRuntime = async (): Promise<void> => {
    const out = fs.openSync(path.join(opts.root, 'runtime.log'), 'a');
    child = spawn(process.execPath, [berthMain, 'runtime', '--root', opts.root, '--socket', opts.socket, '--health-port', '0',
      '--cgroup-parent', opts.cgroupParent ?? '', '--bridge', opts.bridge ?? '', '--pod-cidr', opts.podCidr ?? '',
      '--network-name', opts.networkName ?? ''], { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    client = createRuntimeClient(opts.socket);
    const c = client;
    // Ready when the socket answers (a socket file from the killed process may still be there).
    await waitFor(() => c.runtime.Version({}).then(() => true, () => false), 30_000);
  };

  const killRuntime = async (signal: NodeJS.Signals): Promise<void> => {
    client?.close();
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill(signal);
    await exited;
  };

  beforeAll(async () => {
    if (!fs.existsSync(berthMain)) throw new Error(`${berthMain} is missing: run npx tsc -p tsconfig.json first`);
    await importBusybox(opts.root);
  });

  afterAll(async () => {
    await killRuntime('SIGTERM');
    await cleanupAll(opts, silentLogger());
    fs.rmSync(opts.root, { recursive: true, force: true });
  });

  test('after kill -9 and a restart, ListContainers reports all 10 with their real states and exit codes', async () => {
    await startRuntime();
    const rt = (client as RuntimeClient).runtime;
    const config = sandboxConfig(opts.root, 'restart');
    const { podSandboxId } = await rt.RunPodSandbox({ config });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      // The last one exits with 3 once told to (a file in its /tmp), which happens while the runtime is dead.
      const cmd = i === 9 ? ['sh', '-c', 'while [ ! -e /tmp/exit-now ]; do sleep 0.05; done; exit 3'] : ['sleep', '300'];
      const { containerId } = await rt.CreateContainer({ podSandboxId, config: { ...containerConfig(cmd), metadata: { name: `c${i}`, attempt: 0 }, logPath: `c${i}.log` }, sandboxConfig: config });
      await rt.StartContainer({ containerId });
      ids.push(containerId);
    }
    const pids = ids.map((id) => Number(fs.readFileSync(path.join(opts.root, 'containers', id, 'pid'), 'utf8')));
    expect((await rt.ListContainers({})).containers.filter((c) => c.state === 'CONTAINER_RUNNING')).toHaveLength(10);

    await killRuntime('SIGKILL');
    const last = ids[9];
    fs.writeFileSync(`/proc/${pids[9]}/root/tmp/exit-now`, ''); // through the container's own mount namespace
    await waitFor(() => !alive(pids[9]) && fs.existsSync(path.join(opts.root, 'containers', last, 'exit.json')));
    expect(pids.slice(0, 9).every(alive)).toBe(true);

    await startRuntime();
    const rt2 = (client as RuntimeClient).runtime;
    const listed = (await rt2.ListContainers({})).containers;
    expect(listed.map((c) => c.id).sort()).toEqual([...ids].sort());
    const states = new Map(listed.map((c) => [c.id, c.state]));
    expect(ids.map((id) => states.get(id))).toEqual([...Array<string>(9).fill('CONTAINER_RUNNING'), 'CONTAINER_EXITED']);
    expect((await rt2.ContainerStatus({ containerId: last })).status).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 3, reason: 'Error' });
    expect(pids.slice(0, 9).every(alive)).toBe(true); // the same processes, never restarted
    expect((await rt2.ExecSync({ containerId: ids[0], cmd: ['cat', '/proc/1/comm'] })).stdout.toString().trim()).toBe('sleep');

    await rt2.StopPodSandbox({ podSandboxId });
    await rt2.RemovePodSandbox({ podSandboxId });
    expect(pids.some(alive)).toBe(false);
  });
});
