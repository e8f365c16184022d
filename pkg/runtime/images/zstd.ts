// zstd-compressed layers (image-spec media type application/vnd.oci.image.layer.v1.tar+zstd).
// Node 20's zlib has no zstd (it arrives in Node 22.15), so the layer streams through Debian's
// `zstd` program (package zstd) as a child process: `zstd -d -c` reads the blob on stdin and
// writes the tar on stdout. Its exit status is checked; the diff_id check after unpacking still
// catches anything that decompressed wrongly.
import { spawn } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';

export const defaultZstdBinary = 'zstd';

/** A transform stream: zstd frames in, the decompressed bytes out. */
export const createZstdDecompress = (binary = defaultZstdBinary): Duplex => {
  const child = spawn(binary, ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-2000); });
  // The output ends only once zstd has exited 0: a corrupt blob must fail the stream, never look
  // like a short (empty) tar.
  const out = new PassThrough();
  child.stdout.pipe(out, { end: false });
  const stream = Duplex.from({ writable: child.stdin, readable: out });
  child.on('error', (err) => stream.destroy(new Error(`${binary}: ${err.message} (zstd layers need the zstd program, Debian package zstd)`)));
  child.on('close', (code, signal) => {
    if (code === 0) out.end();
    else stream.destroy(new Error(`${binary} -d exited with ${code ?? signal}: ${stderr.trim()}`));
  });
  // A consumer that gives up (a bad digest, an abort) must not leave the process behind.
  stream.on('close', () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  return stream;
};
