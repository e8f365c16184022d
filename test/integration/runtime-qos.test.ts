// Per-container and QoS-level resources (issue 6), through the CRI over the unix socket, under the
// native executor and runc: oom_score_adj written before exec (clamped to the runtime's own score
// when it lacks CAP_SYS_RESOURCE, as containerd's restrict_oom_score_adj), and kubelet's QoS parent
// cgroups: kubepods/burstable's cpu.shares follow its pods' requests, kubepods/besteffort has 2.
import fs from 'node:fs';
import path from 'node:path';
import { logLines, runContainer, sandboxConfig, useTestRuntime, waitExited } from './runtime-exec-harness';
import { currentCapabilities, minOomScoreAdj } from '../../pkg/runtime/security';

jest.setTimeout(60_000);

describe('runtime QoS and oom_score_adj (issue 6)', () => {
  const { rt, opts, sandboxes } = useTestRuntime('berth-qos', {}, (o) => expect(fs.existsSync(`/sys/fs/cgroup/cpu/${o.cgroupParent}`)).toBe(false));
  const { root, cgroupParent } = opts;

  const floor = minOomScoreAdj(currentCapabilities(fs.readFileSync('/proc/self/status', 'utf8')), () => fs.readFileSync('/proc/self/oom_score_adj', 'utf8'));

  test.each([
    { executor: 'native', handler: '' }, { executor: 'runc', handler: 'runc' },
  ])('oomScoreAdj under $executor: a raised score as asked, a lowered one down to the runtime\'s floor', async ({ executor, handler }) => {
    for (const [adj, want] of [[900, 900], [-997, Math.max(-997, floor)]]) {
      const r = await runContainer(rt.client, root, `oom${adj}-${executor}`, ['cat', '/proc/self/oom_score_adj'], { linux: { resources: { oomScoreAdj: adj } } }, handler);
      sandboxes.push(r.podSandboxId);
      expect((await waitExited(rt.client, r.containerId)).exitCode).toBe(0);
      expect(logLines(r.config.logDirectory ?? '', 'main/0')).toEqual([String(want)]);
    }
  });

  test('QoS parents: burstable cpu.shares = the sum of its pods\' shares, besteffort = 2; a removed pod leaves the sum', async () => {
    const cpuDir = (qos: string) => path.join('/sys/fs/cgroup/cpu', cgroupParent ?? '', 'kubepods', qos);
    const shares = (qos: string) => fs.readFileSync(path.join(cpuDir(qos), 'cpu.shares'), 'utf8').trim();
    const run = async (name: string, qos: string, cpuShares: number) => {
      const base = sandboxConfig(root, name);
      const config = { ...base, linux: { cgroupParent: `/kubepods/${qos}/pod${base.metadata.uid}`, resources: { cpuShares } } };
      const { podSandboxId } = await rt.client.runtime.RunPodSandbox({ config });
      sandboxes.push(podSandboxId);
      return podSandboxId;
    };
    const big = await run('big', 'burstable', 512);
    await run('small', 'burstable', 256);
    await run('none', 'besteffort', 2);
    expect(shares('burstable')).toBe('768');
    expect(shares('besteffort')).toBe('2');
    await rt.client.runtime.StopPodSandbox({ podSandboxId: big });
    await rt.client.runtime.RemovePodSandbox({ podSandboxId: big });
    sandboxes.splice(sandboxes.indexOf(big), 1);
    expect(shares('burstable')).toBe('256');
  });
});
