import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { silentLogger } from '../log';
import { FakeClock } from './clock';
import { FakeRuntime } from './fake-runtime';
import { ContainerLogManager, rotatedLogs, rotationTimestamp } from './log-rotation';
import { crStatus } from './test-builders';

const setup = (maxFiles = 3) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rot-'));
  const clock = new FakeClock();
  const runtime = new FakeRuntime(clock);
  const mgr = new ContainerLogManager({ runtime, clock, log: silentLogger(), policy: { maxSize: 100, maxFiles } });
  const log = path.join(dir, '0.log');
  return { dir, clock, runtime, mgr, log, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
};

test('rotationTimestamp is Go\'s 20060102-150405 in UTC', () => {
  expect(rotationTimestamp(Date.parse('2025-03-04T05:06:07Z'))).toBe('20250304-050607');
});

test('below the size nothing happens; at the size 0.log is renamed and the runtime reopens it', async () => {
  const t = setup();
  try {
    fs.writeFileSync(t.log, 'x'.repeat(99));
    expect(await t.mgr.rotateIfNeeded('c1', t.log)).toBe(false);
    fs.appendFileSync(t.log, 'x');
    t.runtime.containers.set('c1', { podSandboxId: 'sb', status: crStatus({ state: 'CONTAINER_RUNNING', id: 'c1' }) });
    expect(await t.mgr.rotateIfNeeded('c1', t.log)).toBe(true);
    expect(fs.readdirSync(t.dir)).toEqual(['0.log.20250101-000000']);
    expect(t.runtime.calls).toEqual(['reopenContainerLog c1']);
  } finally { t.done(); }
});

test('older rotations are compressed and at most maxFiles files remain; a failed reopen puts the file back', async () => {
  const t = setup(3);
  try {
    t.runtime.containers.set('c1', { podSandboxId: 'sb', status: crStatus({ state: 'CONTAINER_RUNNING', id: 'c1' }) });
    for (let i = 0; i < 4; i++) {
      fs.writeFileSync(t.log, `round ${i} `.padEnd(120, '.'));
      await t.mgr.rotateIfNeeded('c1', t.log);
      t.clock.step(1000);
    }
    fs.writeFileSync(t.log, 'live');
    // maxFiles 3: the live file, the newest rotation (plain) and one older (gzip).
    expect(fs.readdirSync(t.dir).sort()).toEqual(['0.log', '0.log.20250101-000002.gz', '0.log.20250101-000003']);
    expect(zlib.gunzipSync(fs.readFileSync(path.join(t.dir, '0.log.20250101-000002.gz'))).toString()).toMatch(/^round 2 /);
    fs.writeFileSync(t.log, 'y'.repeat(200));
    t.runtime.containers.clear();
    await expect(t.mgr.rotateIfNeeded('c1', t.log)).rejects.toThrow(/not found/);
    expect(fs.readFileSync(t.log, 'utf8')).toBe('y'.repeat(200));
  } finally { t.done(); }
});

test('leftovers of an interrupted compression are cleaned up; a missing log is reopened', async () => {
  const t = setup();
  try {
    for (const f of ['0.log.20250101-000000', '0.log.20250101-000000.gz', '0.log.20250101-000001.gz.tmp', '0.log.20250101-000002']) fs.writeFileSync(path.join(t.dir, f), 'x');
    expect(rotatedLogs(t.log).map((f) => path.basename(f))).toEqual(['0.log.20250101-000000.gz', '0.log.20250101-000002']);
    t.runtime.containers.set('c1', { podSandboxId: 'sb', status: crStatus({ state: 'CONTAINER_RUNNING', id: 'c1' }) });
    expect(await t.mgr.rotateIfNeeded('c1', path.join(t.dir, 'gone.log'))).toBe(false);
    expect(t.runtime.calls).toEqual(['reopenContainerLog c1']);
  } finally { t.done(); }
});
