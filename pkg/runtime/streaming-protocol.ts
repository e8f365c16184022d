// The wire of the streaming server, as the kubelet's (k8s.io/apimachinery/pkg/util/httpstream/wsstream
// and k8s.io/kubelet/pkg/cri/streaming): every binary WebSocket message is one channel byte then
// the payload.
//
// exec/attach (`v5.channel.k8s.io`, `v4.channel.k8s.io`):
//   0 stdin (client → server), 1 stdout, 2 stderr, 3 error: one metav1 Status JSON at the end
//   (Success, or Failure with reason NonZeroExitCode and cause ExitCode = the code), 4 resize:
//   `{"Width":W,"Height":H}` (client → server). v5 adds 255 "close": payload [channel] ends that
//   channel (kubectl sends [255, 0] when its stdin ends).
// port-forward (`v4.channel.k8s.io`, `portforward.k8s.io`): ports come from `?port=N` (repeated);
//   port i has data channel 2i and error channel 2i+1; the first message the server sends on each
//   is the port as uint16 little-endian; errors are plain text on the error channel.

export const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export const execProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export const portForwardProtocols = ['v4.channel.k8s.io', 'portforward.k8s.io'] as const;

/** The first of `supported` that the client offered; undefined when none (the upgrade is refused). */
export const chooseProtocol = (offered: Iterable<string>, supported: readonly string[]): string | undefined => {
  const set = new Set([...offered].map((p) => p.trim()));
  return supported.find((p) => set.has(p));
};

export const frame = (ch: number, data: Buffer | string): Buffer =>
  Buffer.concat([Buffer.from([ch]), typeof data === 'string' ? Buffer.from(data, 'utf8') : data]);

export const unframe = (msg: Buffer): { ch: number; data: Buffer } => ({ ch: msg[0], data: msg.subarray(1) });

/** metav1.Status as the kubelet writes it on the error channel (remotecommand/websocket.go). */
export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason: string; message: string }[] };
}

export const successStatus = (): StreamStatus => ({ metadata: {}, status: 'Success' });

export const exitStatus = (exitCode: number): StreamStatus => (exitCode === 0 ? successStatus() : {
  metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: ${exitCode}`,
  reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
});

export const failureStatus = (message: string): StreamStatus => ({ metadata: {}, status: 'Failure', message, reason: 'InternalError' });

/** A resize message's size; undefined for anything malformed (ignored, as the kubelet logs and goes on). */
export const parseResize = (data: Buffer): { width: number; height: number } | undefined => {
  try {
    const v = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
    if (typeof v.Width !== 'number' || typeof v.Height !== 'number') return undefined;
    return { width: v.Width, height: v.Height };
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
};

export const portHeader = (port: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
};

/** Ports from `?port=80&port=443` (also comma-separated); invalid values are an error. */
export const parsePorts = (values: string[]): number[] => values.flatMap((v) => v.split(',')).filter((v) => v !== '').map((v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`invalid port "${v}"`);
  return n;
});
