// Every served kind through the real kubectl: realistic manifests from the Kubernetes docs
// (test/fixtures/kinds) apply with server-side field validation, are stored with upstream's
// defaults, and print with kubectl's columns; discovery and explain cover them all.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resources, apiVersionOf } from '../../api/resources';
import { startTestCluster, requester, type TestCluster } from './apiserver-helpers';

jest.setTimeout(120_000);

interface Run { code: number; stdout: string; stderr: string }

const fixtures = path.join(__dirname, '..', 'fixtures', 'kinds');

describe('every kind through the real kubectl', () => {
  let c: TestCluster;
  let kubectl: (...args: string[]) => Promise<Run>;
  beforeAll(async () => {
    c = await startTestCluster();
    const cache = mkdtempSync(path.join(c.dir, 'cache-'));
    kubectl = (...args) => new Promise((resolve) => {
      execFile('kubectl', ['--kubeconfig', c.kubeconfig, '--cache-dir', cache, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  });
  afterAll(async () => { await c?.stop(); });

  it('applies the whole directory with strict validation', async () => {
    const r = await kubectl('apply', '--validate=strict', '-f', fixtures);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deployment.apps/nginx-deployment created');
    expect(r.stdout).toContain('horizontalpodautoscaler.autoscaling/php-apache created');
    // A second apply changes nothing, except where upstream's does too: stringData is never
    // stored, and volumeClaimTemplates (an atomic list) come back defaulted.
    const again = await kubectl('apply', '-f', fixtures);
    expect(again.code).toBe(0);
    const changed = again.stdout.split('\n').filter((l) => l.endsWith(' configured'));
    expect(changed).toEqual(['secret/secret-basic-auth configured', 'statefulset.apps/web configured']);
  });

  it.each([
    ['services', 'my-service', /my-service\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+\s+app.kubernetes.io\/name=MyApp/],
    ['services', 'my-nodeport', /my-nodeport\s+NodePort\s+10\.96\.\S+\s+<none>\s+80:30007\/TCP/],
    ['endpoints', 'my-external', /my-external\s+192\.0\.2\.42:9376/],
    ['configmaps', 'game-demo', /game-demo\s+4\s/],
    ['secrets', 'secret-basic-auth', /secret-basic-auth\s+kubernetes.io\/basic-auth\s+2\s/],
    ['serviceaccounts', 'build-robot', /build-robot\s+0\s/],
    ['persistentvolumes', 'task-pv-volume', /task-pv-volume\s+10Gi\s+RWO\s+Retain\s+Pending\s+manual\s+<unset>\s+\S+\s+Filesystem/],
    ['persistentvolumeclaims', 'task-pv-claim', /task-pv-claim\s+Pending\s+manual\s+<unset>\s+\S+\s+Filesystem/],
    ['limitranges', 'cpu-resource-constraint', /cpu-resource-constraint\s+\d{4}-\d\d-\d\dT/],
    ['resourcequotas', 'mem-cpu-demo', /mem-cpu-demo\s+\S+/],
    ['deployments', 'nginx-deployment', /nginx-deployment\s+0\/3\s+0\s+0\s+\S+\s+nginx\s+nginx:1\.14\.2\s+app=nginx/],
    ['daemonsets', 'fluentd-elasticsearch', /fluentd-elasticsearch\s+0\s+0\s+0\s+0\s+0\s+<none>\s+\S+\s+fluentd-elasticsearch/],
    ['statefulsets', 'web', /web\s+0\/3\s+\S+\s+nginx\s+registry.k8s.io\/nginx-slim:0.24/],
    ['controllerrevisions', 'web-7b8c9d6f5', /web-7b8c9d6f5\s+<none>\s+1\s/],
    ['jobs', 'pi', /pi\s+Running\s+0\/1\s+\S+\s+pi\s+perl:5.34.0\s+batch.kubernetes.io\/controller-uid=/],
    ['cronjobs', 'hello', /hello\s+\* \* \* \* \*\s+<none>\s+False\s+0\s+<none>/],
    ['leases', 'my-controller-leader', /my-controller-leader\s+controller-0_2b1c1e4f\s/],
    ['endpointslices', 'example-abc', /example-abc\s+IPv4\s+80\s+10\.1\.2\.3\s/],
    ['priorityclasses', 'high-priority', /high-priority\s+1000000\s+false\s+\S+\s+PreemptLowerPriority/],
    ['poddisruptionbudgets', 'zk-pdb', /zk-pdb\s+2\s+N\/A\s+0\s/],
    ['ingresses', 'minimal-ingress', /minimal-ingress\s+nginx-example\s+\*\s+80\s/],
    ['certificatesigningrequests', 'myuser', /myuser\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+admin\s+24h\s+Pending/],
    ['storageclasses', 'low-latency', /low-latency\s+csi-driver\.example-vendor\.example\s+Retain\s+WaitForFirstConsumer\s+true\s+\S+/],
    ['ingressclasses', 'external-lb', /external-lb\s+example.com\/ingress-controller\s+IngressParameters.k8s.example.com\/external-lb/],
    ['networkpolicies', 'test-network-policy', /test-network-policy\s+role=db\s/],
    ['horizontalpodautoscalers', 'php-apache', /php-apache\s+Deployment\/php-apache\s+cpu: <unknown>\/50%\s+1\s+10\s+0\s/],
    ['events', 'nginx', /Normal\s+Scheduled\s+pod\/nginx\s+Successfully assigned/],
    ['pods', 'nginx', /nginx\s+0\/1\s+Pending/],
    ['namespaces', 'development', /development\s+Active/],
  ])('get %s -o wide prints %s', async (resource, _name, row) => {
    const r = await kubectl('get', resource, '-o', 'wide');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(row);
  });

  it('stores upstream defaults', async () => {
    const get = async (what: string) => JSON.parse((await kubectl('get', what, '-o', 'json')).stdout) as Record<string, Record<string, unknown>>;
    const deploy = await get('deployment/nginx-deployment');
    expect(deploy.spec).toMatchObject({
      revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', containers: [{ imagePullPolicy: 'IfNotPresent' }] } },
    });
    const job = await get('job/pi');
    const uid = (job.metadata as { uid: string }).uid;
    expect(job.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 4, completionMode: 'NonIndexed', suspend: false,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } } });
    const secret = await get('secret/secret-basic-auth');
    expect(secret.data).toEqual({ username: 'YWRtaW4=', password: 'dDBwLVNlY3JldA==' });
    expect(secret.stringData).toBeUndefined();
    const svc = await get('service/my-service');
    expect(svc.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
      ports: [{ protocol: 'TCP', port: 80, targetPort: 9376 }] });
    const sts = await get('statefulset/web');
    expect(sts.spec).toMatchObject({ podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      volumeClaimTemplates: [{ spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }] });
    const cj = await get('cronjob/hello');
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  });

  it('gives a claim that names no class the default StorageClass, which kubectl marks (default)', async () => {
    const manifest = path.join(c.dir, 'default-class.yaml');
    writeFileSync(manifest, [
      'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {storageclass.kubernetes.io/is-default-class: "true"}\nprovisioner: rancher.io/local-path',
      '---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}',
      '---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: no-class}\nspec:\n  storageClassName: ""\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}',
    ].join('\n'));
    expect(await kubectl('apply', '-f', manifest)).toMatchObject({ code: 0, stderr: '' });
    expect((await kubectl('get', 'sc', 'standard')).stdout).toMatch(/standard \(default\)\s+rancher\.io\/local-path\s+Delete\s+Immediate\s+false\s+\S+/);
    expect((await kubectl('get', 'pvc', 'data', '-o', 'jsonpath={.spec.storageClassName}')).stdout).toBe('standard');
    expect((await kubectl('get', 'pvc', 'no-class', '-o', 'jsonpath={.spec.storageClassName}')).stdout).toBe('');
    // The class came from admission, not the manifest: a second apply leaves it alone.
    expect((await kubectl('apply', '-f', manifest)).stdout).toContain('persistentvolumeclaim/data unchanged');
    const immutable = await kubectl('patch', 'sc', 'standard', '-p', '{"provisioner":"other.io/x"}');
    expect(immutable.stderr).toContain('provisioner: Forbidden: updates to provisioner are forbidden.');
  });

  it('refuses invalid manifests with upstream messages', async () => {
    const bad = path.join(c.dir, 'bad.yaml');
    writeFileSync(bad, [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bad}\nspec:\n  replicas: -1\n  selector: {matchLabels: {app: a}}',
      '  template:\n    metadata: {labels: {app: b}}\n    spec: {containers: [{name: c, image: nginx}]}',
      '---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: bad-job}\nspec:\n  template:\n    spec: {containers: [{name: c, image: busybox}]}',
      '---\napiVersion: v1\nkind: Service\nmetadata: {name: bad-svc}\nspec: {ports: [{port: 70000}]}',
    ].join('\n'));
    const r = await kubectl('apply', '--dry-run=server', '-f', bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(r.stderr).toContain('spec.template.metadata.labels: Invalid value: {"app":"b"}: `selector` does not match template `labels`');
    expect(r.stderr).toContain('spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"');
    expect(r.stderr).toContain('spec.ports[0].port');
  });

  it('lists every kind in api-resources, with short names and the all category', async () => {
    const r = await kubectl('api-resources');
    expect(r.code).toBe(0);
    // api-resources shows each group's preferred version only (autoscaling/v2, not v1's view).
    const preferred = resources.filter((x, i) => resources.findIndex((o) => o.group === x.group && o.plural === x.plural) === i);
    for (const info of preferred) {
      const line = r.stdout.split('\n').find((l) => l.startsWith(`${info.plural} `) && l.includes(` ${apiVersionOf(info)} `) && l.includes(info.kind));
      expect({ plural: info.plural, group: info.group, found: Boolean(line) }).toEqual({ plural: info.plural, group: info.group, found: true });
      for (const s of info.shortNames) expect(line).toContain(s);
    }
    const all = await kubectl('api-resources', '--categories=all', '-o', 'name');
    expect(all.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'cronjobs.batch', 'daemonsets.apps', 'deployments.apps', 'horizontalpodautoscalers.autoscaling', 'jobs.batch', 'pods',
      'replicasets.apps', 'replicationcontrollers', 'services', 'statefulsets.apps',
    ]);
  });

  it('explains deployment.spec.strategy from the openapi', async () => {
    const r = await kubectl('explain', 'deployment.spec.strategy');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('rollingUpdate');
    expect(r.stdout).toContain('How a deployment replaces its pods.');
  });

  it('validates core Events against the core schema after an events.k8s.io request', async () => {
    const req = requester(c);
    // An events.k8s.io write first (its schema has no involvedObject), then a core Event, which must
    // still be checked against core/v1's schema, not the one cached for the shared plural.
    await req('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      body: { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'ev-new' }, eventTime: new Date().toISOString(), reason: 'R', action: 'A', reportingController: 'test', reportingInstance: 'x', regarding: { kind: 'Pod', name: 'p', namespace: 'default' } },
    });
    const core = await req('POST', '/api/v1/namespaces/default/events', {
      body: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev-core' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'R', message: 'm', type: 'Normal' },
    });
    expect(core.status).toBe(201);
  });

  it('serves events.k8s.io/v1 reads of core events', async () => {
    const list = await requester(c)('GET', '/apis/events.k8s.io/v1/namespaces/default/events');
    expect(list.status).toBe(200);
    const items = (list.json as { items: Array<Record<string, unknown>> }).items;
    expect(items.length).toBeGreaterThan(0);
  });
});
