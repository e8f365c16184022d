// The LimitRanger admission plugin through the real kubectl against a real etcd: a namespace's
// LimitRange defaults the requests and limits of the pods created in it (and so their QoS
// class), and refuses pods outside its bounds with upstream's Forbidden message.
import { startTestCluster, type TestCluster } from './apiserver-helpers';
import { kubectlRunner } from './protobuf-kubectl';
import { kubectlBinary } from '../kubectl-binary';

jest.setTimeout(60_000);

let c: TestCluster;
beforeAll(async () => { c = await startTestCluster(); });
afterAll(async () => { await c?.stop(); });

const limits = `
apiVersion: v1
kind: LimitRange
metadata: { name: bounds, namespace: limited }
spec:
  limits:
  - type: Container
    default: { cpu: 500m, memory: 128Mi }
    defaultRequest: { cpu: 100m, memory: 64Mi }
    max: { cpu: "1" }
`;

test('a LimitRange defaults pods and refuses those over its max', async () => {
  const k = kubectlRunner(c, kubectlBinary('1.33'));
  expect(await k(['create', 'namespace', 'limited'])).toMatchObject({ code: 0 });
  expect(await k(['apply', '-f', '-'], limits)).toMatchObject({ code: 0, stdout: 'limitrange/bounds created\n' });

  expect(await k(['run', 'plain', '-n', 'limited', '--image=busybox', '--restart=Never', '--', 'sleep', '1'])).toMatchObject({ code: 0 });
  const pod = JSON.parse((await k(['get', 'pod', 'plain', '-n', 'limited', '-o', 'json'])).stdout) as {
    metadata: { annotations: Record<string, string> }; spec: { containers: Array<{ resources: unknown }> }; status: { qosClass: string };
  };
  expect(pod.spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
  expect(pod.metadata.annotations['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: cpu, memory request for container plain; cpu, memory limit for container plain');
  expect(pod.status.qosClass).toBe('Burstable');

  const big = await k(['run', 'big', '-n', 'limited', '--image=busybox', '--restart=Never', '--overrides',
    JSON.stringify({ spec: { containers: [{ name: 'big', image: 'busybox', resources: { limits: { cpu: '2' } } }] } })]);
  expect(big.code).not.toBe(0);
  expect(big.stderr).toBe('Error from server (Forbidden): pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2\n');
  // Elsewhere nothing changes.
  expect(await k(['run', 'free', '--image=busybox', '--restart=Never', '--', 'sleep', '1'])).toMatchObject({ code: 0 });
  expect((await k(['get', 'pod', 'free', '-o', 'jsonpath={.status.qosClass}'])).stdout).toBe('BestEffort');
});
