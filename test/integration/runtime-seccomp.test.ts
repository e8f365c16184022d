// Seccomp (issue 6), through the CRI over the unix socket, compared with runc on the same bundle:
// under RuntimeDefault a syscall the default profile blocks (unshare, here of a user namespace,
// which needs no capability) fails with EPERM under both executors, an allowed one works; a
// Localhost profile file on the node is applied; Unconfined (and no profile) installs no filter.
import fs from 'node:fs';
import path from 'node:path';
import { logLines, runContainer, useTestRuntime, waitExited } from './runtime-exec-harness';
import type { SecurityProfile } from '../../pkg/runtime';

jest.setTimeout(60_000);

describe('runtime seccomp (issue 6)', () => {
  const { rt, opts: { root }, sandboxes } = useTestRuntime('berth-seccomp');

  const script = [
    'grep "^Seccomp:" /proc/self/status', 'unshare -U true 2>&1 | sed "s/^unshare: //" || true', 'mkdir /tmp/d && echo mkdir=ok', 'echo end',
  ].join('; ');

  const runWith = async (name: string, handler: string, seccomp: SecurityProfile | null): Promise<string[]> => {
    const r = await runContainer(rt.client, root, `${name}-${handler || 'native'}`, ['sh', '-c', script], { linux: { securityContext: { seccomp } } }, handler);
    sandboxes.push(r.podSandboxId);
    expect((await waitExited(rt.client, r.containerId)).exitCode).toBe(0);
    return logLines(r.config.logDirectory ?? '', 'main/0');
  };

  test.each([{ handler: '' }, { handler: 'runc' }])('RuntimeDefault (handler "$handler"): filter mode 2, unshare refused with EPERM, mkdir allowed', async ({ handler }) => {
    expect(await runWith('default', handler, { profileType: 'RuntimeDefault' })).toEqual([
      'Seccomp:\t2', 'unshare(0x10000000): Operation not permitted', 'mkdir=ok', 'end',
    ]);
  });

  test.each([{ handler: '' }, { handler: 'runc' }])('Unconfined and no profile (handler "$handler"): no filter', async ({ handler }) => {
    for (const [name, p] of [['unconfined', { profileType: 'Unconfined' }], ['nil', null]] as const) {
      const lines = await runWith(name, handler, p);
      expect(lines[0]).toBe('Seccomp:\t0');
    }
  });

  test.each([{ handler: '' }, { handler: 'runc' }])('Localhost (handler "$handler"): the node\'s profile file decides (mkdir → EACCES)', async ({ handler }) => {
    const file = path.join(root, 'profiles', 'no-mkdir.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] }));
    const lines = await runWith('local', handler, { profileType: 'Localhost', localhostRef: file });
    expect(lines[0]).toBe('Seccomp:\t2');
    expect(lines).toContainEqual(expect.stringMatching(/Permission denied/));
    expect(lines).not.toContain('mkdir=ok');
  });

  test('an exec into a RuntimeDefault container runs under the same filter', async () => {
    const r = await runContainer(rt.client, root, 'execd', ['sleep', '3600'], { linux: { securityContext: { seccomp: { profileType: 'RuntimeDefault' } } } });
    sandboxes.push(r.podSandboxId);
    const res = await rt.client.runtime.ExecSync({ containerId: r.containerId, cmd: ['sh', '-c', 'grep "^Seccomp:" /proc/self/status; unshare -U true'], timeout: 10 });
    expect(res.stdout.toString()).toBe('Seccomp:\t2\n');
    expect(res.stderr.toString()).toMatch(/Operation not permitted/);
    expect(res.exitCode).not.toBe(0);
  });

  test('Status says what confinement the runtime applies; an AppArmor Localhost profile is refused', async () => {
    const { info } = await rt.client.runtime.Status({});
    expect(info.seccomp).toMatch(/^supported: RuntimeDefault, Localhost and Unconfined/);
    expect(info.apparmor).toMatch(/^unsupported: /);
    await expect(runContainer(rt.client, root, 'aa', ['true'], { linux: { securityContext: { apparmor: { profileType: 'Localhost', localhostRef: 'k8s-x' } } } }))
      .rejects.toMatchObject({ details: expect.stringMatching(/AppArmor is not supported/) });
    const { items } = await rt.client.runtime.ListPodSandbox({});
    sandboxes.push(...items.map((i) => i.id));
  });
});
