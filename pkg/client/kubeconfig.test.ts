import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKubeconfig, kubeconfigPath, KubeconfigError } from './kubeconfig';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const config = `
apiVersion: v1
kind: Config
current-context: berth
clusters:
- name: berth
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: ${b64('CA')}
- name: other
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: pki/ca.crt
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    client-certificate-data: ${b64('CERT')}
    client-key-data: ${b64('KEY')}
- name: files
  user:
    client-certificate: pki/admin.crt
    client-key: /ABS/admin.key
- name: bearer
  user:
    token: s3cret
contexts:
- name: berth
  context: { cluster: berth, user: admin }
- name: files
  context: { cluster: other, user: files, namespace: kube-system }
- name: bearer
  context: { cluster: berth, user: bearer }
- name: broken
  context: { cluster: missing, user: admin }
- name: nouser
  context: { cluster: berth, user: ghost }
`;

describe('loadKubeconfig', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'));
    fs.mkdirSync(path.join(dir, 'pki'));
    fs.writeFileSync(path.join(dir, 'pki', 'ca.crt'), 'FILECA');
    fs.writeFileSync(path.join(dir, 'pki', 'admin.crt'), 'FILECERT');
    fs.writeFileSync(path.join(dir, 'admin.key'), 'FILEKEY');
    file = path.join(dir, 'config');
    fs.writeFileSync(file, config.replace('/ABS', dir));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each([
    { name: 'current-context with inline data', context: undefined, want: {
      server: 'https://127.0.0.1:6443', ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY'),
      namespace: 'default', insecureSkipTLSVerify: false } },
    { name: 'files relative to the kubeconfig, namespace, insecure', context: 'files', want: {
      server: 'https://10.0.0.1:6443', ca: Buffer.from('FILECA'), cert: Buffer.from('FILECERT'), key: Buffer.from('FILEKEY'),
      namespace: 'kube-system', insecureSkipTLSVerify: true } },
    { name: 'token', context: 'bearer', want: {
      server: 'https://127.0.0.1:6443', ca: Buffer.from('CA'), token: 's3cret', namespace: 'default', insecureSkipTLSVerify: false } },
  ])('$name', ({ context, want }) => {
    expect(loadKubeconfig({ path: file, context })).toEqual(want);
  });

  test.each([
    { context: 'nope', msg: 'error: context "nope" not found in kubeconfig FILE' },
    { context: 'broken', msg: 'error: cluster "missing" not found in kubeconfig FILE' },
    { context: 'nouser', msg: 'error: user "ghost" not found in kubeconfig FILE' },
  ])('error for context $context', ({ context, msg }) => {
    expect(() => loadKubeconfig({ path: file, context })).toThrow(new KubeconfigError(msg.replace('FILE', file)));
  });

  test('missing file and bad YAML are one-line errors', () => {
    const missing = path.join(dir, 'nope');
    expect(() => loadKubeconfig({ path: missing })).toThrow(`error: kubeconfig ${missing} does not exist`);
    const bad = path.join(dir, 'bad');
    fs.writeFileSync(bad, 'a: [');
    expect(() => loadKubeconfig({ path: bad })).toThrow(/^error: kubeconfig .* is not valid YAML: [^\n]*$/);
  });

  test.each([
    { name: 'explicit', explicit: '/x', env: { KUBECONFIG: '/a:/b' }, want: '/x' },
    { name: 'first $KUBECONFIG entry', explicit: undefined, env: { KUBECONFIG: ':/a:/b' }, want: '/a' },
    { name: '~/.kube/config', explicit: undefined, env: { HOME: '/home/u' }, want: '/home/u/.kube/config' },
  ])('path: $name', ({ explicit, env, want }) => {
    expect(kubeconfigPath(explicit, env)).toBe(want);
  });

  test('$KUBECONFIG is used when no path is given', () => {
    expect(loadKubeconfig({ env: { KUBECONFIG: file } }).server).toBe('https://127.0.0.1:6443');
  });
});

describe('$KUBECONFIG with several files (clientcmd merge)', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
    return f;
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-merge-'));
    write('a/ca.crt', 'CA-A');
    write('b/ca.crt', 'CA-B');
    write('b/token', 'tok-b\n');
    write('a/config', `
clusters:
- { name: shared, cluster: { server: 'https://a:6443', certificate-authority: ca.crt } }
users:
- { name: admin, user: { token: token-a } }
contexts:
- { name: shared, context: { cluster: shared, user: admin } }
`);
    write('b/config', `
current-context: shared
clusters:
- { name: shared, cluster: { server: 'https://b:6443' } }
- { name: only-b, cluster: { server: 'https://only-b:6443', certificate-authority: ca.crt } }
users:
- { name: admin, user: { token: token-b } }
- { name: filed, user: { tokenFile: token } }
- { name: plugin, user: { exec: { command: berth-no-such-plugin, apiVersion: client.authentication.k8s.io/v1, installHint: 'install it' } } }
- { name: script, user: { token: ignored, exec: { command: ./plugin.sh, args: [tok], apiVersion: client.authentication.k8s.io/v1, provideClusterInfo: true, env: [{ name: EXTRA, value: x }] } } }
- { name: bad, user: { exec: { command: ./plugin.sh, args: [bad], apiVersion: client.authentication.k8s.io/v1beta1 } } }
- { name: fails, user: { exec: { command: ./plugin.sh, args: [fail], apiVersion: client.authentication.k8s.io/v1 } } }
- { name: certs, user: { exec: { command: ./plugin.sh, args: [certs], apiVersion: client.authentication.k8s.io/v1 } } }
- { name: provider, user: { auth-provider: { name: gcp } } }
contexts:
- { name: shared, context: { cluster: only-b, user: admin } }
- { name: b, context: { cluster: only-b, user: filed, namespace: team-b } }
- { name: plugin, context: { cluster: only-b, user: plugin } }
- { name: script, context: { cluster: only-b, user: script } }
- { name: bad, context: { cluster: only-b, user: bad } }
- { name: fails, context: { cluster: only-b, user: fails } }
- { name: certs, context: { cluster: only-b, user: certs } }
- { name: provider, context: { cluster: only-b, user: provider } }
`);
    // A credential plugin: echoes what it was given into the token, so the test sees the request.
    write('b/plugin.sh', `#!/bin/sh
case "$1" in
  tok) printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"%s|%s"}}' "$EXTRA" "$(echo "$KUBERNETES_EXEC_INFO" | tr -d '"')";;
  bad) echo '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t"}}';;
  certs) echo '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}}';;
  *) exit 3;;
esac
`);
    fs.chmodSync(path.join(dir, 'b/plugin.sh'), 0o755);
    write('c/config', 'current-context: from-c\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = (...files: string[]) => ({ KUBECONFIG: files.map((f) => path.join(dir, f)).join(path.delimiter) });

  test.each([
    { name: 'first file wins per name; current-context from the first file that sets it', files: ['a/config', 'b/config'], opts: {},
      want: { server: 'https://a:6443', ca: Buffer.from('CA-A'), token: 'token-a', namespace: 'default' } },
    { name: 'a later file fills names the first lacks; its paths resolve against its own directory', files: ['a/config', 'b/config'], opts: { context: 'b' },
      want: { server: 'https://only-b:6443', ca: Buffer.from('CA-B'), token: 'tok-b', namespace: 'team-b' } },
    { name: 'order matters', files: ['b/config', 'a/config'], opts: {},
      want: { server: 'https://only-b:6443', ca: Buffer.from('CA-B'), token: 'token-b', namespace: 'default' } },
    { name: 'missing files are skipped', files: ['nope/config', 'a/config', 'b/config'], opts: {},
      want: { server: 'https://a:6443', token: 'token-a' } },
    { name: 'an earlier current-context wins even from a file with nothing else', files: ['c/config', 'a/config', 'b/config'], opts: { context: 'shared' },
      want: { server: 'https://a:6443' } },
    { name: '--cluster, --user and --namespace override the context', files: ['a/config', 'b/config'],
      opts: { cluster: 'only-b', user: 'filed', namespace: 'x' }, want: { server: 'https://only-b:6443', token: 'tok-b', namespace: 'x' } },
  ])('$name', ({ files, opts, want }) => {
    expect(loadKubeconfig({ env: env(...files), ...opts })).toMatchObject(want);
  });

  test('a token file is returned as a path too, so the client re-reads it', () => {
    expect(loadKubeconfig({ env: env('b/config'), context: 'b' }).tokenFile).toBe(path.join(dir, 'b', 'token'));
  });

  test('an exec credential plugin (relative to its kubeconfig) gives the token or the client certificate', () => {
    const cfg = loadKubeconfig({ env: env('b/config'), context: 'script' });
    expect(cfg.token).toBe('x|{kind:ExecCredential,apiVersion:client.authentication.k8s.io/v1,spec:{interactive:false,cluster:{server:https://only-b:6443,insecure-skip-tls-verify:false}}}');
    const certs = loadKubeconfig({ env: env('b/config'), context: 'certs' });
    expect([certs.cert?.toString(), certs.key?.toString()]).toEqual(['CERT', 'KEY']);
  });

  test('plugin failures in client-go\'s words; auth-provider is refused', () => {
    const load = (context: string) => () => loadKubeconfig({ env: env('b/config'), context });
    expect(load('plugin')).toThrow('getting credentials: exec: executable berth-no-such-plugin not found\n\ninstall it');
    expect(load('bad')).toThrow('getting credentials: exec plugin is configured to use API version client.authentication.k8s.io/v1beta1, plugin returned version client.authentication.k8s.io/v1');
    expect(load('fails')).toThrow('getting credentials: exec: executable ./plugin.sh failed with exit code 3');
    expect(load('provider')).toThrow(/user "provider" in kubeconfig .* uses an auth-provider, which berth does not support/);
  });

  test('a context missing from every file names them all; none existing is an error', () => {
    const e = env('a/config', 'b/config');
    expect(() => loadKubeconfig({ env: e, context: 'zzz' })).toThrow(`error: context "zzz" not found in kubeconfig ${e.KUBECONFIG}`);
    expect(() => loadKubeconfig({ env: env('x', 'y') })).toThrow(/does not exist/);
    expect(() => loadKubeconfig({ env: env('c/config') })).toThrow('error: context "from-c" not found');
  });

  test('an explicit path is the only file read', () => {
    expect(loadKubeconfig({ path: path.join(dir, 'b/config'), env: env('a/config') }).server).toBe('https://only-b:6443');
  });
});
