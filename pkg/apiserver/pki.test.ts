import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePki, writeKubeconfig, hostName, sansOf } from './pki';

describe('ensurePki', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-pki-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a CA and leaf certificates that verify against it', async () => {
    const p = await ensurePki(dir, { hosts: ['10.1.2.3', 'api.example'] });
    for (const leaf of [p.apiserverCert, p.adminCert, p.agentCert]) {
      expect(execFileSync('openssl', ['verify', '-CAfile', p.caCert, leaf]).toString()).toContain(': OK');
    }
    const text = (f: string) => execFileSync('openssl', ['x509', '-in', f, '-noout', '-text']).toString();
    const api = text(p.apiserverCert);
    expect(api).toContain('IP Address:127.0.0.1');
    expect(api).toContain('IP Address:10.1.2.3');
    expect(api).toContain('DNS:api.example');
    expect(api).toContain(`DNS:${hostName()}`);
    expect(text(p.adminCert)).toMatch(/Subject: CN\s*=\s*admin, O\s*=\s*system:masters/);
    expect(text(p.agentCert)).toMatch(new RegExp(`Subject: CN\\s*=\\s*system:node:${hostName()}, O\\s*=\\s*system:nodes`));
    expect(statSync(p.caKey).mode & 0o777).toBe(0o600);
  });

  it('reuses existing files', async () => {
    const before = readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    const adminBefore = readFileSync(path.join(dir, 'admin.crt'), 'utf8');
    await ensurePki(dir, { hosts: [] });
    expect(readFileSync(path.join(dir, 'ca.crt'), 'utf8')).toBe(before);
    expect(readFileSync(path.join(dir, 'admin.crt'), 'utf8')).toBe(adminBefore);
  });

  it('re-issues the serving certificate for a name it lacks, keeping the names it had and the CA', async () => {
    const ca = readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    const agent = readFileSync(path.join(dir, 'agent.crt'), 'utf8');
    const served = readFileSync(path.join(dir, 'apiserver.crt'), 'utf8');
    await ensurePki(dir, { hosts: ['api.example'] }); // nothing new: kept as it is
    expect(readFileSync(path.join(dir, 'apiserver.crt'), 'utf8')).toBe(served);
    const p = await ensurePki(dir, { hosts: ['10.96.0.1', 'kubernetes.default.svc'] });
    expect(sansOf(readFileSync(p.apiserverCert, 'utf8'))).toEqual(expect.arrayContaining(['10.1.2.3', 'api.example', '10.96.0.1', 'kubernetes.default.svc', '127.0.0.1']));
    expect(execFileSync('openssl', ['verify', '-CAfile', p.caCert, p.apiserverCert]).toString()).toContain(': OK');
    // The key matches the new certificate.
    const pub = (args: string[]) => execFileSync('openssl', args).toString();
    expect(pub(['pkey', '-in', p.apiserverKey, '-pubout'])).toBe(pub(['x509', '-in', p.apiserverCert, '-noout', '-pubkey']));
    expect(readFileSync(p.caCert, 'utf8')).toBe(ca);
    expect(readFileSync(p.agentCert, 'utf8')).toBe(agent);
  });

  it('writes a kubeconfig with embedded data', () => {
    const file = path.join(dir, 'kubeconfig');
    writeKubeconfig(file, { server: 'https://127.0.0.1:6443', pkiDir: dir });
    const kc = readFileSync(file, 'utf8');
    expect(kc).toContain('certificate-authority-data: ');
    expect(kc).toContain('client-key-data: ');
    expect(kc).toContain('current-context: berth');
    expect(kc).toContain('namespace: default');
  });
});
