// client-go credential plugins (kubeconfig `users[].user.exec`): run the command with
// KUBERNETES_EXEC_INFO set to an ExecCredential request, read the ExecCredential it prints, and
// use its token or client certificate/key. Run once when the kubeconfig is loaded: right for
// berthctl, whose process lives shorter than any credential; a long-running client would also
// have to re-run it at expirationTimestamp or on a 401, which this does not do.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface ExecConfig {
  apiVersion?: string;
  command?: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

export class ExecCredentialError extends Error {
  override readonly name = 'ExecCredentialError';
}

const SUPPORTED = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

/** A command with a path separator but not absolute is relative to the kubeconfig's directory (client-go). */
export const resolveCommand = (command: string, kubeconfigFile: string): string =>
  (command.includes(path.sep) && !path.isAbsolute(command) ? path.resolve(path.dirname(kubeconfigFile), command) : command);

export interface ClusterInfo { server: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean }

/** Runs the plugin and returns the credential's status; failures are ExecCredentialErrors in client-go's words. */
export const runExecPlugin = (exec: ExecConfig, kubeconfigFile: string, cluster: ClusterInfo, env: NodeJS.ProcessEnv = process.env): ExecCredentialStatus => {
  const apiVersion = exec.apiVersion ?? '';
  if (!SUPPORTED.includes(apiVersion)) throw new ExecCredentialError(`exec plugin: invalid apiVersion "${apiVersion}"`);
  if (!exec.command) throw new ExecCredentialError('exec plugin: command is required');
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) spec.cluster = { server: cluster.server, 'certificate-authority-data': cluster['certificate-authority-data'], 'insecure-skip-tls-verify': cluster['insecure-skip-tls-verify'] };
  const childEnv: NodeJS.ProcessEnv = { ...env, KUBERNETES_EXEC_INFO: JSON.stringify({ kind: 'ExecCredential', apiVersion, spec }) };
  for (const e of exec.env ?? []) childEnv[e.name] = e.value;
  const command = resolveCommand(exec.command, kubeconfigFile);
  const r = spawnSync(command, exec.args ?? [], { env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 60_000 });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ExecCredentialError(`getting credentials: exec: executable ${exec.command} not found${exec.installHint ? `\n\n${exec.installHint}` : ''}`);
    }
    throw new ExecCredentialError(`getting credentials: exec: ${r.error.message}`);
  }
  if (r.status !== 0) throw new ExecCredentialError(`getting credentials: exec: executable ${exec.command} failed with exit code ${r.status ?? 'unknown'}`);
  return decodeExecCredential(r.stdout, apiVersion);
};

/** Checks the plugin's output as client-go does. */
export const decodeExecCredential = (stdout: string, apiVersion: string): ExecCredentialStatus => {
  let cred: { kind?: string; apiVersion?: string; status?: ExecCredentialStatus };
  try {
    cred = JSON.parse(stdout) as typeof cred;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new ExecCredentialError(`getting credentials: decoding stdout: ${err.message}`);
  }
  if (cred.kind !== 'ExecCredential' || cred.apiVersion !== apiVersion) {
    throw new ExecCredentialError(`getting credentials: exec plugin is configured to use API version ${apiVersion}, plugin returned version ${cred.apiVersion ?? ''}`);
  }
  const s = cred.status;
  if (!s) throw new ExecCredentialError('getting credentials: exec plugin didn\'t return a status field');
  if (!s.token && !(s.clientCertificateData && s.clientKeyData)) {
    if (s.clientCertificateData || s.clientKeyData) throw new ExecCredentialError('getting credentials: exec plugin returned only certData or keyData, not both');
    throw new ExecCredentialError('getting credentials: exec plugin didn\'t return a token or cert/key pair');
  }
  return s;
};
