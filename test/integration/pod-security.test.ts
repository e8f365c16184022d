// Pod Security admission through the real kubectl 1.27 and 1.33 against a real etcd: a namespace
// labelled pod-security.kubernetes.io/enforce refuses pods that fail its level with upstream's
// message, `warn` makes kubectl print upstream's warning (for pods and for workloads' templates),
// and invalid labels are refused.
import { startTestCluster, type TestCluster } from './apiserver-helpers';
import { kubectlRunner } from './protobuf-kubectl';
import { kubectlBinary } from '../kubectl-binary';

jest.setTimeout(60_000);

let c: TestCluster;
beforeAll(async () => { c = await startTestCluster(); });
afterAll(async () => { await c?.stop(); });

const namespace = (name: string, labels: Record<string, string>) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${JSON.stringify(labels)}\n`;

const plainPod = (ns: string, name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}}
spec:
  containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
`;

const restrictedPod = (ns: string) => `apiVersion: v1
kind: Pod
metadata: {name: locked-down, namespace: ${ns}}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: busybox
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;

const restrictedMessage = 'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), '
  + 'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), '
  + 'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), '
  + 'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

describe.each([['1.27'], ['1.33']])('kubectl %s', (v) => {
  const k = () => kubectlRunner(c, kubectlBinary(v));
  const ns = `pss-${v.replace('.', '')}`;

  it('enforce refuses a pod that fails the level, with upstream\'s message, and admits one that passes', async () => {
    const run = k();
    expect(await run(['apply', '-f', '-'], namespace(ns, { 'pod-security.kubernetes.io/enforce': 'restricted' }))).toMatchObject({ code: 0 });
    const refused = await run(['apply', '-f', '-'], plainPod(ns, 'plain'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`pods "plain" is forbidden: violates PodSecurity "restricted:latest": ${restrictedMessage}`);
    expect(await run(['apply', '-f', '-'], restrictedPod(ns))).toMatchObject({ code: 0, stdout: 'pod/locked-down created\n' });
    expect((await run(['get', 'pods', '-n', ns, '-o', 'name'])).stdout).toBe('pod/locked-down\n');
  });

  it('warn admits the pod and kubectl prints the warning; a workload\'s template is warned about', async () => {
    const run = k();
    const warned = `${ns}-warn`;
    expect(await run(['apply', '-f', '-'], namespace(warned, { 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/warn-version': 'v1.30' }))).toMatchObject({ code: 0 });
    const priv = plainPod(warned, 'priv').replace('command: [sleep, "3600"]}', 'command: [sleep, "3600"], securityContext: {privileged: true}}');
    const r = await run(['apply', '-f', '-'], priv);
    expect(r).toMatchObject({ code: 0, stdout: 'pod/priv created\n' });
    expect(r.stderr).toBe('Warning: would violate PodSecurity "baseline:v1.30": privileged (container "c" must not set securityContext.privileged=true)\n');
    const deploy = await run(['create', 'deployment', 'web', '-n', warned, '--image=busybox', '--dry-run=server', '-o', 'name', '--', 'sleep', '1']);
    expect(deploy.stderr).toBe('');
    const hostNet = await run(['apply', '--dry-run=server', '-f', '-'], `apiVersion: apps/v1
kind: Deployment
metadata: {name: hostnet, namespace: ${warned}}
spec:
  selector: {matchLabels: {app: h}}
  template:
    metadata: {labels: {app: h}}
    spec: {hostNetwork: true, containers: [{name: c, image: busybox}]}
`);
    expect(hostNet.code).toBe(0);
    expect(hostNet.stderr).toBe('Warning: would violate PodSecurity "baseline:v1.30": host namespaces (hostNetwork=true)\n');
  });

  it('refuses labels that name no level or version', async () => {
    const run = k();
    const bad = await run(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=strict', '--overwrite']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
    const version = await run(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce-version=1.30']);
    expect(version.stderr).toContain('metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "1.30": must be \'latest\' or of the form \'v1.x\'');
  });
});

describe('updates', () => {
  it('tightening enforce warns about the pods already there; their significant updates are then refused', async () => {
    const run = kubectlRunner(c, kubectlBinary('1.33'));
    expect(await run(['create', 'namespace', 'pss-later'])).toMatchObject({ code: 0 });
    for (const p of ['a', 'b', 'c']) expect(await run(['apply', '-f', '-'], plainPod('pss-later', `plain-${p}`))).toMatchObject({ code: 0 });
    const labelled = await run(['label', 'namespace', 'pss-later', 'pod-security.kubernetes.io/enforce=restricted']);
    expect(labelled).toMatchObject({ code: 0, stdout: 'namespace/pss-later labeled\n' });
    expect(labelled.stderr).toBe([
      'Warning: existing pods in namespace "pss-later" violate the new PodSecurity enforce level "restricted:latest"',
      'Warning: plain-a (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile', '',
    ].join('\n'));
    // Relaxing it says nothing; a label change that leaves enforce alone neither.
    expect((await run(['label', 'namespace', 'pss-later', 'team=x'])).stderr).toBe('');
    // A new image is a significant change: checked against restricted, and refused.
    const image = await run(['set', 'image', 'pod/plain-a', 'c=busybox:1.36', '-n', 'pss-later']);
    expect(image.code).toBe(1);
    expect(image.stderr).toContain(`pods "plain-a" is forbidden: violates PodSecurity "restricted:latest": ${restrictedMessage}`);
    // A label is not.
    expect(await run(['label', 'pod', 'plain-a', 'x=y', '-n', 'pss-later'])).toMatchObject({ code: 0 });
  });
});
