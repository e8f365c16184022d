// Builds the offline base image `docker.io/library/busybox:latest` (DESIGN §4 "images") from
// Debian's busybox-static as an OCI layout archive: one gzip layer, config, manifest, and an
// index entry named by `org.opencontainers.image.ref.name`. The output is reproducible: the
// same busybox binary always gives the same manifest digest.
//
//   node dist/hack/images/build-busybox.js [out.tar] [--busybox /bin/busybox]
//   default out: $BERTH_HOME/images/busybox.oci.tar ($BERTH_HOME defaults to ~/.berth)
import { spawnSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { buildImageLayout, sha256Digest, writeLayoutArchive, type LayerEntry } from '../../pkg/runtime/images';

export const busyboxRef = 'docker.io/library/busybox:latest';
export const defaultPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Applets Docker Hub's busybox has and Debian's build lacks, as scripts over other applets
 * (hack/images/substitutes/). Used only when `busybox --list` lacks the name.
 */
export const substitutes = ['printenv', 'nohup', 'pgrep', 'pkill', 'hd'];

/** Where applets live besides /bin: installed paths from `busybox --list-full`. */
const extraDirs = ['sbin/', 'usr/bin/', 'usr/sbin/'];

const dirs: [string, number][] = [
  ['bin', 0o755], ['dev', 0o755], ['etc', 0o755], ['home', 0o755], ['proc', 0o555], ['root', 0o700],
  ['sbin', 0o755], ['sys', 0o555], ['tmp', 0o1777], ['usr', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755],
  ['var', 0o755], ['var/spool', 0o755], ['var/spool/mail', 0o755], ['var/www', 0o755],
];

const etcFiles: [string, number, string][] = [
  ['etc/passwd', 0o644, [
    'root:x:0:0:root:/root:/bin/sh', 'daemon:x:1:1:daemon:/usr/sbin:/bin/false', 'bin:x:2:2:bin:/bin:/bin/false',
    'sys:x:3:3:sys:/dev:/bin/false', 'www-data:x:33:33:www-data:/var/www:/bin/false', 'nobody:x:65534:65534:nobody:/home:/bin/false',
  ].join('\n') + '\n'],
  ['etc/group', 0o644, [
    'root:x:0:', 'daemon:x:1:', 'bin:x:2:', 'sys:x:3:', 'tty:x:5:', 'www-data:x:33:', 'users:x:100:', 'nogroup:x:65534:',
  ].join('\n') + '\n'],
  ['etc/shadow', 0o600, ['root:*:19723:0:99999:7:::', 'nobody:*:19723:0:99999:7:::'].join('\n') + '\n'],
  // busybox is linked statically against glibc, whose getaddrinfo reads this.
  ['etc/nsswitch.conf', 0o644, 'passwd: files\ngroup: files\nhosts: files dns\n'],
];

const run = (busybox: string, arg: string): string[] => {
  const r = spawnSync(busybox, [arg], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${busybox} ${arg} failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
};

export interface BusyboxRootfs {
  entries: LayerEntry[];
  applets: string[];
  substituted: string[];
}

/** The file list of the image: binary, applet links, substitutes, /etc and the usual dirs. */
export const busyboxRootfs = async (busybox: string, substitutesDir: string): Promise<BusyboxRootfs> => {
  const applets = run(busybox, '--list').filter((a) => a !== 'busybox' && !a.includes('/'));
  const entries: LayerEntry[] = dirs.map(([path, mode]) => ({ path, type: 'directory', mode }));
  entries.push({ path: 'bin/busybox', type: 'file', mode: 0o755, content: await readFile(busybox) });
  for (const a of applets) entries.push({ path: `bin/${a}`, type: 'symlink', linkname: 'busybox' });
  const seen = new Set(entries.map((e) => e.path));
  for (const full of run(busybox, '--list-full')) {
    if (!extraDirs.some((d) => full.startsWith(d)) || seen.has(full)) continue;
    entries.push({ path: full, type: 'symlink', linkname: relative(dirname(`/${full}`), '/bin/busybox') });
    seen.add(full);
  }
  const substituted = substitutes.filter((s) => !applets.includes(s));
  for (const s of substituted) {
    entries.push({ path: `bin/${s}`, type: 'file', mode: 0o755, content: await readFile(join(substitutesDir, s)) });
  }
  for (const [path, mode, content] of etcFiles) entries.push({ path, type: 'file', mode, content });
  if (!seen.has('usr/bin/env')) entries.push({ path: 'usr/bin/env', type: 'symlink', linkname: '../../bin/busybox' });
  return { entries, applets, substituted };
};

/** The scripts stay in the source tree: from dist/hack/images that is three levels up. */
const defaultSubstitutesDir = (): string =>
  __dirname.split(sep).includes('dist') ? join(__dirname, '..', '..', '..', 'hack', 'images', 'substitutes') : join(__dirname, 'substitutes');

export interface BuildResult {
  out: string;
  manifestDigest: string;
  applets: number;
  substituted: string[];
}

export const buildBusyboxImage = async (opts: { out: string; busybox?: string; substitutesDir?: string }): Promise<BuildResult> => {
  const busybox = opts.busybox ?? '/bin/busybox';
  const subDir = opts.substitutesDir ?? defaultSubstitutesDir();
  const rootfs = await busyboxRootfs(busybox, subDir);
  const layout = await buildImageLayout({
    name: busyboxRef,
    config: { Cmd: ['sh'], Env: [defaultPath] },
    layers: [rootfs.entries],
    history: [`berth hack/images/build-busybox from ${busybox} (${rootfs.applets.length} applets; substitutes: ${rootfs.substituted.join(' ') || 'none'})`],
  });
  await mkdir(dirname(opts.out), { recursive: true });
  await writeLayoutArchive(opts.out, layout);
  const top = layout.index.manifests[0];
  if (sha256Digest(layout.blobs.get(top.digest) ?? '') !== top.digest) throw new Error('internal: manifest blob does not match its digest');
  return { out: opts.out, manifestDigest: top.digest, applets: rootfs.applets.length, substituted: rootfs.substituted };
};

const main = async (argv: string[]): Promise<void> => {
  let busybox: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--busybox') busybox = argv[++i];
    else rest.push(argv[i]);
  }
  const home = process.env.BERTH_HOME ?? join(homedir(), '.berth');
  const out = rest[0] ?? join(home, 'images', 'busybox.oci.tar');
  const res = await buildBusyboxImage({ out, busybox });
  process.stdout.write(`${res.out} ${busyboxRef} ${res.manifestDigest} applets=${res.applets} substituted=${res.substituted.join(',')}\n`);
};

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`build-busybox: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
