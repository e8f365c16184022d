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
