// PullImage of busybox from a local registry: Debian's docker-registry on loopback with the
// busybox image hack/images builds (dist/images/busybox.oci.tar) pushed by skopeo. Cold pulls
// (empty store: manifest, config and layer fetched and verified), warm pulls (blobs present,
// a new name: only the manifest is fetched), and a cold pull plus unpack. Baseline in the same
// run: `skopeo copy docker://… oci:DIR` of the same image (Go's registry client).
// `measureImagePull()` is exported for hack/bench/runtime.ts; run alone: ./hack/bench/run.sh images.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../pkg/log';
import { ImageStore } from '../../pkg/runtime/images';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const round = (x: number) => Math.round(x * 10) / 10;

const freePort = (): Promise<number> => new Promise((resolve) => {
  const srv = http.createServer().listen(0, '127.0.0.1', () => { const { port } = srv.address() as AddressInfo; srv.close(() => resolve(port)); });
});

const startRegistry = async (dir: string) => {
  const port = await freePort();
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(config, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n` +
    `http:\n  addr: 127.0.0.1:${port}\n  secret: berth-bench\n`);
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v2/`)).ok) break;
    } catch (err) {
      if (i > 200) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return { host: `127.0.0.1:${port}`, stop: async () => { child.kill('SIGTERM'); await exited; } };
};

export interface ImagePullFigures {
  imageBytes: number;
  coldPullMedianMs: number;
  coldPullP99Ms: number;
  warmPullMedianMs: number;
  coldPullAndUnpackMedianMs: number;
  baselineSkopeoCopyMedianMs: number;
  ratioColdPullVsSkopeo: number;
  rounds: number;
}

/** Pull figures over `rounds` rounds (cold pulls each into a new store). */
export const measureImagePull = async (rounds = 20, archive = path.join(repoRoot, 'dist', 'images', 'busybox.oci.tar')): Promise<ImagePullFigures> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bench-images-'));
  const reg = await startRegistry(dir);
  try {
    execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci-archive:${archive}`, `docker://${reg.host}/library/busybox:bench`]);
    const log = silentLogger();
    const registry = { registryMirrors: { 'docker.io': [`http://${reg.host}`] } };
    const cold: number[] = [];
    const warm: number[] = [];
    const unpack: number[] = [];
    const skopeo: number[] = [];
    let imageBytes = 0;
    for (let i = 0; i < rounds; i++) {
      const store = new ImageStore({ root: path.join(dir, `cold-${i}`), log, registry });
      let t0 = process.hrtime.bigint();
      const img = await store.pull('busybox:bench');
      cold.push(ms(t0));
      imageBytes = img.size;
      t0 = process.hrtime.bigint();
      await store.pull(`${reg.host}/library/busybox:bench`); // a new name, same blobs: manifest only
      warm.push(ms(t0));
      const fresh = new ImageStore({ root: path.join(dir, `unpack-${i}`), log, registry });
      t0 = process.hrtime.bigint();
      await fresh.prepareSnapshots(await fresh.pull('busybox:bench'));
      unpack.push(ms(t0));
      t0 = process.hrtime.bigint();
      execFileSync('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${reg.host}/library/busybox:bench`, `oci:${path.join(dir, `skopeo-${i}`)}`]);
      skopeo.push(ms(t0));
      for (const d of [`cold-${i}`, `unpack-${i}`, `skopeo-${i}`]) fs.rmSync(path.join(dir, d), { recursive: true, force: true });
    }
    return {
      imageBytes, rounds,
      coldPullMedianMs: round(quantile(cold, 0.5)), coldPullP99Ms: round(quantile(cold, 0.99)),
      warmPullMedianMs: round(quantile(warm, 0.5)), coldPullAndUnpackMedianMs: round(quantile(unpack, 0.5)),
      baselineSkopeoCopyMedianMs: round(quantile(skopeo, 0.5)),
      ratioColdPullVsSkopeo: Number((quantile(cold, 0.5) / quantile(skopeo, 0.5)).toFixed(2)),
    };
  } finally {
    await reg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

if (require.main === module) {
  const out = process.argv[2] ?? path.join(repoRoot, 'hack', 'bench', 'results', 'images.json');
  void measureImagePull(Number(process.env.BERTH_BENCH_ROUNDS ?? 20)).then((figures) => {
    for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(30)} ${v}\n`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ name: 'images', date: new Date().toISOString(), figures }, null, 2) + '\n');
  });
}
