// Renders any error the way kubectl does (cmdutil.CheckErr / StandardErrorMessage), so
// scripts and people see the same lines from berthctl and kubectl.
// errors.ts directly, not the package index: this module loads on every run, and the index
// also loads the YAML codec, selectors and quantities (~25 ms of start-up) that `get` never needs.
import { StatusError } from '../apimachinery/errors';
import { PlainError, UsageError } from './types';

const NETWORK_CODES = new Set(['ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);
const isTlsCode = (code: string): boolean =>
  /CERT|SELF_SIGNED|VERIFY|ERR_TLS|ERR_SSL/.test(code);

/** Every error reachable through `cause` and AggregateError.errors, outermost first. */
const causes = (err: unknown, depth = 0): unknown[] => {
  if (depth > 5 || typeof err !== 'object' || err === null) return [err];
  const out: unknown[] = [err];
  const { cause } = err as { cause?: unknown };
  if (cause !== undefined) out.push(...causes(cause, depth + 1));
  if (err instanceof AggregateError) for (const e of err.errors) out.push(...causes(e, depth + 1));
  return out;
};

const codeOf = (e: unknown): string | undefined => {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/** `127.0.0.1:6443` from the kubeconfig's server URL, as kubectl prints it. */
export const serverHost = (server: string | undefined): string => {
  if (!server) return 'localhost:8080';
  return URL.canParse(server) ? new URL(server).host : server;
};

export const isConnectionRefused = (err: unknown): boolean => causes(err).some((e) => codeOf(e) === 'ECONNREFUSED');

/**
 * cmdutil.CheckErr for an Invalid Status with details: `The Pod "x" is invalid: <field>: <message>`
 * (several causes as `[a, b]`), not the Status message.
 */
const invalidMessage = (err: StatusError): string | undefined => {
  if (err.status.reason !== 'Invalid') return undefined;
  const details = err.status.details;
  if (!details) return 'The request is invalid';
  const head = `The ${details.kind ?? ''} "${details.name ?? ''}" is invalid`;
  const causes = (details.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : c.message ?? ''));
  if (causes.length === 0) return `${head}: ${err.status.message ?? ''}`;
  return `${head}: ${causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`}`;
};

/** One or more lines, without the trailing newline. */
export const formatError = (err: unknown, server?: string): string => {
  if (err instanceof StatusError) {
    const { reason, message = '', code } = err.status;
    if (code === 401) return `error: You must be logged in to the server (${message || 'Unauthorized'})`;
    const invalid = invalidMessage(err);
    if (invalid) return invalid;
    return reason ? `Error from server (${reason}): ${message}` : `Error from server: ${message}`;
  }
  if (isConnectionRefused(err)) {
    return `The connection to the server ${serverHost(server)} was refused - did you specify the right host or port?`;
  }
  const network = causes(err).find((e) => { const c = codeOf(e); return c !== undefined && (NETWORK_CODES.has(c) || isTlsCode(c)); });
  if (network instanceof Error) return `Unable to connect to the server: ${network.message}`;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof PlainError) return message;
  if (err instanceof UsageError) return `error: ${message}`;
  return message.startsWith('error: ') ? message : `error: ${message}`;
};
