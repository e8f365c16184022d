import { decodeProtobufBody } from './protobuf';

// Hand-encoded protobuf: field tags and lengths as kubectl's typed client writes them.
const ld = (num: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([(num << 3) | 2, payload.length]), payload]);
const s = (num: number, text: string) => ld(num, Buffer.from(text));

describe('decodeProtobufBody', () => {
  it('decodes a Namespace in the runtime.Unknown envelope', () => {
    const meta = Buffer.concat([s(1, 'team-a'), ld(11, Buffer.concat([s(1, 'env'), s(2, 'dev')]))]);
    const ns = ld(1, meta);
    const envelope = Buffer.concat([ld(1, Buffer.concat([s(1, 'v1'), s(2, 'Namespace')])), ld(2, ns), s(4, 'application/vnd.kubernetes.protobuf')]);
    const body = Buffer.concat([Buffer.from('k8s\0'), envelope]);
    expect(decodeProtobufBody(body)).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { env: 'dev' } } });
  });
  it('refuses other kinds with 415', () => {
    const envelope = ld(1, Buffer.concat([s(1, 'v1'), s(2, 'ConfigMap')]));
    expect(() => decodeProtobufBody(Buffer.concat([Buffer.from('k8s\0'), envelope]))).toThrow(expect.objectContaining({ code: 415 }));
  });
});
