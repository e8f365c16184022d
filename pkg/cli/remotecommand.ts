// The client side of the remote-command WebSocket protocol (`v5.channel.k8s.io`, falling back
// to `v4.channel.k8s.io`), as client-go's remotecommand/websocket.go: every binary message is
// a channel byte then the payload — 0 stdin, 1 stdout, 2 stderr, 3 error (one metav1.Status
// at the end), 4 resize (`{"Width":W,"Height":H}`), and with v5, 255 close ([255, 0] when our
// stdin ends, so that `cat` sees EOF).
import type { Status } from '../../api/meta/v1';
import { StatusError } from '../apimachinery/errors';
import type { OpenWebSocket } from '../client/websocket';
import { ExitCodeError, type Out } from './types';

export const execWebSocketProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export interface TerminalSize { width: number; height: number }

export interface RemoteStreams {
  stdin?: NodeJS.ReadableStream;
  stdout?: Out;
  stderr?: Out;
  /** Called once with a function that sends a terminal size; the caller sends the first size and SIGWINCH's. */
  onResize?: (send: (size: TerminalSize) => void) => void;
}

export const frame = (ch: number, data: Buffer | string): Buffer =>
  Buffer.concat([Buffer.from([ch]), typeof data === 'string' ? Buffer.from(data, 'utf8') : data]);

/**
 * What the error channel's content means (v4 errorDecoder): nothing or Success → done; a Failure
 * with reason NonZeroExitCode → ExitCodeError with the ExitCode cause; any other Failure → its Status.
 */
export const decodeErrorChannel = (text: string): Error | undefined => {
  if (text.trim() === '') return undefined;
  let status: Partial<Status>;
  try {
    status = JSON.parse(text) as Partial<Status>;
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return new Error(`error executing remote command: ${text}`); // v1–v3 servers send plain text
  }
  if (status.status === 'Success') return undefined;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return new ExitCodeError(code);
    return new Error(`unsupported exit code cause: ${cause?.message ?? 'none'}`);
  }
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, code: status.code ?? 500, ...status, status: 'Failure' });
};

/**
 * Runs a session on an open WebSocket until the server closes it. Resolves when the command
 * succeeded; rejects with ExitCodeError, the failure Status, or a connection error.
 */
export const streamRemoteCommand = ({ ws, protocol, consume }: OpenWebSocket, s: RemoteStreams): Promise<void> => new Promise((resolve, reject) => {
  const v5 = protocol === 'v5.channel.k8s.io';
  let errorText = '';
  const send = (data: Buffer): void => { if (ws.readyState === ws.OPEN) ws.send(data); };
  const onData = (chunk: string | Buffer): void => send(frame(channel.stdin, typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  const onEnd = (): void => { if (v5) send(Buffer.from([channel.close, channel.stdin])); };
  const detachStdin = (): void => {
    if (!s.stdin) return;
    s.stdin.removeListener('data', onData);
    s.stdin.removeListener('end', onEnd);
    s.stdin.pause();
  };
  ws.once('error', (err) => { detachStdin(); reject(err); });
  consume((msg) => {
    if (msg.length < 1) return;
    const data = msg.subarray(1);
    switch (msg[0]) {
      case channel.stdout: if (data.length > 0) s.stdout?.write(data); break;
      case channel.stderr: if (data.length > 0) s.stderr?.write(data); break;
      case channel.error: errorText += data.toString('utf8'); break;
      default: break; // the server's close of a channel, or one we did not ask for
    }
  }, () => {
    detachStdin();
    const err = decodeErrorChannel(errorText);
    if (err) reject(err);
    else resolve();
  });
  if (s.stdin) {
    s.stdin.on('data', onData);
    s.stdin.once('end', onEnd);
    s.stdin.resume();
  }
  s.onResize?.((size) => send(frame(channel.resize, JSON.stringify({ Width: size.width, Height: size.height }))));
});
