import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../log';
import { cgroupV1 } from './cgroups-v1';
import { ContainerManager, containerStatus, stateOf } from './containers';
import { KeyedMutex, runtimeLayout, StateStore, type ContainerRecord } from './state';
import { RecordingSyscalls } from './syscalls';

const rec = (over: Partial<ContainerRecord> = {}): ContainerRecord => ({
  id: 'c1', sandboxId: 's1', config: { metadata: { name: 'main', attempt: 0 }, image: { image: 'busybox' } },
  imageId: 'sha256:i', imageRef: 'busybox@sha256:m', createdAt: 10, cgroupPath: '/b/p/c1', logPath: '/logs/0.log', ...over,
});
const exit = (exitCode: number) => ({ exitCode, signal: exitCode > 128 ? exitCode - 128 : 0, finishedAt: '2024-01-02T03:04:05.000000007Z' });

test.each([
  { name: 'created', r: rec(), e: undefined, oom: false, want: { state: 'CONTAINER_CREATED', reason: '', exitCode: 0 } },
  { name: 'running', r: rec({ startedAt: 20, pid: 5 }), e: undefined, oom: false, want: { state: 'CONTAINER_RUNNING', startedAt: 20 } },
  { name: 'completed', r: rec({ startedAt: 20, pid: 5 }), e: exit(0), oom: false, want: { state: 'CONTAINER_EXITED', reason: 'Completed', exitCode: 0, finishedAt: Date.UTC(2024, 0, 2, 3, 4, 5) * 1e6 + 7 } },
  { name: 'error', r: rec({ startedAt: 20, pid: 5 }), e: exit(137), oom: false, want: { state: 'CONTAINER_EXITED', reason: 'Error', exitCode: 137 } },
  { name: 'oom killed', r: rec({ startedAt: 20, pid: 5 }), e: exit(137), oom: true, want: { state: 'CONTAINER_EXITED', reason: 'OOMKilled', exitCode: 137 } },
  { name: 'start error', r: rec({ startError: 'exec sh: not found' }), e: undefined, oom: false, want: { state: 'CONTAINER_EXITED', reason: 'StartError', exitCode: 128, message: 'exec sh: not found' } },
])('containerStatus: $name', ({ r, e, oom, want }) => {
  expect(containerStatus(r, e, oom)).toMatchObject({ ...want, logPath: '/logs/0.log', imageRef: 'busybox@sha256:m' });
  expect(stateOf(r, e)).toBe(want.state);
});

describe('StopContainer', () => {
  const setup = async (exitOn: 'SIGTERM' | 'SIGKILL') => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ct-'));
    const sys = new RecordingSyscalls();
    sys.alive.add(42);
    const state = new StateStore(runtimeLayout(root));
    let slept = 0;
    const mgr = new ContainerManager({
      sys, state, locks: new KeyedMutex(), log: silentLogger(), cgroups: cgroupV1('/cg'), now: () => 1, pollMs: 100,
      images: { resolve: async () => undefined, prepareSnapshots: async () => [] },
      // The fake clock: each sleep advances time; the "process" exits once it got the chosen signal.
      sleep: async (ms) => {
        slept += ms;
        if (sys.calls.some((c) => c.op === 'kill' && c.signal === exitOn)) {
          fs.writeFileSync(path.join(root, 'containers', 'c1', 'exit.json'), JSON.stringify({ exitCode: 137, signal: 9, finishedAt: '2024-01-01T00:00:00Z' }));
        }
      },
    });
    fs.mkdirSync(path.join(root, 'containers', 'c1'), { recursive: true });
    await state.putContainer(rec({ startedAt: 2, pid: 42 }));
    return { sys, mgr, state, slept: () => slept, done: () => fs.rmSync(root, { recursive: true, force: true }) };
  };

  test.each([
    { name: 'exits on SIGTERM', exitOn: 'SIGTERM' as const, timeout: 5, signals: ['SIGTERM'], maxSleptMs: 200 },
    { name: 'SIGKILL after the grace period', exitOn: 'SIGKILL' as const, timeout: 2, signals: ['SIGTERM', 'SIGKILL'], maxSleptMs: 2300 },
    { name: 'timeout 0 kills at once', exitOn: 'SIGKILL' as const, timeout: 0, signals: ['SIGKILL'], maxSleptMs: 200 },
  ])('$name', async ({ exitOn, timeout, signals, maxSleptMs }) => {
    const { sys, mgr, slept, done } = await setup(exitOn);
    try {
      await mgr.stop('c1', timeout);
      expect(sys.calls.flatMap((c) => (c.op === 'kill' && c.signal !== 0 ? [c.signal] : []))).toEqual(signals);
      expect(slept()).toBeLessThanOrEqual(maxSleptMs);
      await mgr.stop('c1', timeout); // already exited: no more signals
      expect(sys.calls.filter((c) => c.op === 'kill' && c.signal !== 0)).toHaveLength(signals.length);
    } finally { done(); }
  });
});

test('a process gone without an exit file is recorded as exited with 255', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ct-'));
  try {
    const sys = new RecordingSyscalls(); // pid 42 is not alive
    const state = new StateStore(runtimeLayout(root));
    const mgr = new ContainerManager({ sys, state, locks: new KeyedMutex(), log: silentLogger(), cgroups: cgroupV1('/cg'), now: () => 1e15, pollMs: 100,
      images: { resolve: async () => undefined, prepareSnapshots: async () => [] }, sleep: async () => undefined });
    fs.mkdirSync(path.join(root, 'containers', 'c1'), { recursive: true });
    await state.putContainer(rec({ startedAt: 2, pid: 42 }));
    expect(await mgr.status('c1')).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 255, reason: 'Error' });
    await mgr.stop('c1', 10);
    expect(sys.calls.filter((c) => c.op === 'kill' && c.signal !== 0)).toEqual([]);
  } finally { fs.rmSync(root, { recursive: true, force: true }); }
});
