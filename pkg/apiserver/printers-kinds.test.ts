// Golden rows of the printers added for issue 4, each as kubectl prints it (wide cells included).
import type { ApiObject } from '../../api/meta/v1';
import { findResource, resources } from '../../api/resources';
import { printers } from './printers';
import { rowCells } from './table';

const now = new Date('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString();
const o = (rest: Record<string, unknown>, meta: Record<string, unknown> = {}): ApiObject =>
  ({ metadata: { name: 'x', creationTimestamp: ago(300), ...meta }, ...rest });
const containers = [{ name: 'nginx', image: 'nginx:1.14.2' }, { name: 'side', image: 'busybox' }];

test.each([
  ['Service', o({ spec: { type: 'ClusterIP', clusterIP: '10.96.0.5', ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { b: '2', a: '1' } } }),
    ['x', 'ClusterIP', '10.96.0.5', '<none>', '80/TCP,53/UDP', '5m', 'a=1,b=2']],
  ['Service', o({ spec: { type: 'LoadBalancer', clusterIP: '10.96.0.6', ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] }, status: { loadBalancer: {} } }),
    ['x', 'LoadBalancer', '10.96.0.6', '<pending>', '80:31000/TCP', '5m', '<none>']],
  ['Service', o({ spec: { type: 'ExternalName', externalName: 'db.example.com' } }), ['x', 'ExternalName', '<none>', 'db.example.com', '<none>', '5m', '<none>']],
  ['Endpoints', o({ subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }], ports: [{ port: 80 }] }] }),
    ['x', '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...', '5m']],
  ['Endpoints', o({}), ['x', '<none>', '5m']],
  ['ConfigMap', o({ data: { a: '1', b: '2' }, binaryData: { c: 'eA==' } }), ['x', 3, '5m']],
  ['Secret', o({ type: 'Opaque', data: { a: 'eA==' } }), ['x', 'Opaque', 1, '5m']],
  ['ServiceAccount', o({}), ['x', 0, '5m']],
  ['PersistentVolume', o({ spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain',
    storageClassName: 'manual', claimRef: { namespace: 'default', name: 'c' }, volumeMode: 'Filesystem' }, status: { phase: 'Bound' } }),
  ['x', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/c', 'manual', '<unset>', '', '5m', 'Filesystem']],
  ['PersistentVolumeClaim', o({ spec: { volumeName: 'pv1', storageClassName: 'manual', volumeMode: 'Filesystem', resources: { requests: { storage: '3Gi' } } },
    status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] } }),
  ['x', 'Bound', 'pv1', '10Gi', 'RWO', 'manual', '<unset>', '5m', 'Filesystem']],
  ['LimitRange', o({ spec: { limits: [] } }), ['x', '2025-01-01T11:55:00Z']],
  ['ResourceQuota', o({ status: { hard: { 'requests.cpu': '1', 'limits.memory': '2Gi', pods: '10' }, used: { 'requests.cpu': '500m' } } }),
    ['x', '5m', 'pods: 0/10, requests.cpu: 500m/1', 'limits.memory: 0/2Gi']],
  ['ResourceQuota', o({ status: { hard: { 'requests.memory': '1024Mi', pods: '1000' }, used: { 'requests.memory': '0.5Gi', pods: '2' } } }),
    ['x', '5m', 'pods: 2/1k, requests.memory: 512Mi/1Gi', '']],
  ['Deployment', o({ spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } }, template: { spec: { containers } } },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } }),
  ['x', '2/3', 3, 2, '5m', 'nginx,side', 'nginx:1.14.2,busybox', 'app=nginx']],
  ['DaemonSet', o({ spec: { selector: { matchLabels: { name: 'f' } }, template: { spec: { containers: containers.slice(0, 1), nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
    status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 } }),
  ['x', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '5m', 'nginx', 'nginx:1.14.2', 'name=f']],
  ['StatefulSet', o({ spec: { replicas: 3, template: { spec: { containers: containers.slice(0, 1) } } }, status: { readyReplicas: 1 } }),
    ['x', '1/3', '5m', 'nginx', 'nginx:1.14.2']],
  ['ControllerRevision', o({ revision: 2 }, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'fluentd', uid: 'u', controller: true }] }),
    ['x', 'daemonset.apps/fluentd', 2, '5m']],
  ['Job', o({ spec: { completions: 1, selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: containers.slice(0, 1) } } },
    status: { succeeded: 1, startTime: ago(200), completionTime: ago(150), conditions: [{ type: 'Complete', status: 'True' }] } }),
  ['x', 'Complete', '1/1', '50s', '5m', 'nginx', 'nginx:1.14.2', 'a=b']],
  ['Job', o({ spec: { parallelism: 3, template: { spec: { containers: [] } } }, status: { startTime: ago(30) } }, { deletionTimestamp: ago(0) }),
    ['x', 'Terminating', '0/1 of 3', '30s', '5m', '', '', '<none>']],
  ['CronJob', o({ spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: containers.slice(1) } } } } },
    status: { active: [{ name: 'j' }], lastScheduleTime: ago(40) } }),
  ['x', '*/1 * * * *', '<none>', 'False', 1, '40s', '5m', 'side', 'busybox', '<none>']],
  ['Lease', o({ spec: { holderIdentity: 'node-a' } }), ['x', 'node-a', '5m']],
  ['EndpointSlice', o({ addressType: 'IPv4', ports: [{ port: 80 }, { name: 'https' }], endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2', '10.0.0.3', '10.0.0.4'] }] }),
    ['x', 'IPv4', '80,https', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '5m']],
  ['EndpointSlice', o({ addressType: 'IPv4' }), ['x', 'IPv4', '<unset>', '<unset>', '5m']],
  ['PriorityClass', o({ value: 1000, globalDefault: true, preemptionPolicy: 'Never' }), ['x', 1000, true, '5m', 'Never']],
  ['PodDisruptionBudget', o({ spec: { maxUnavailable: '25%' }, status: { disruptionsAllowed: 1 } }), ['x', 'N/A', '25%', 1, '5m']],
  ['Ingress', o({ spec: { ingressClassName: 'nginx', rules: [{ host: 'a.com' }, { host: 'b.com' }], tls: [{ hosts: ['a.com'] }] },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } } }), ['x', 'nginx', 'a.com,b.com', '192.0.2.1', '80, 443', '5m']],
  ['IngressClass', o({ spec: { controller: 'k8s.io/ingress-nginx' } }), ['x', 'k8s.io/ingress-nginx', '<none>', '5m']],
  ['NetworkPolicy', o({ spec: { podSelector: {} } }), ['x', '<none>', '5m']],
  ['StorageClass', o({ provisioner: 'rancher.io/local-path' }), ['x', 'rancher.io/local-path', 'Delete', 'Immediate', false, '5m']],
  ['StorageClass', o({ provisioner: 'p', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true },
    { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
  ['x (default)', 'p', 'Retain', 'WaitForFirstConsumer', true, '5m']],
  ['HorizontalPodAutoscaler', o({ spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } }] },
  status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 22 } } }] } }),
  ['x', 'Deployment/web', 'cpu: 22%/50%, memory: <unknown>/100Mi', '1', 10, 2, '5m']],
  ['Event', o({ regarding: { kind: 'Pod', name: 'p' }, note: 'pulled', reason: 'Pulled', type: 'Normal', eventTime: ago(60), deprecatedLastTimestamp: ago(10) }),
    ['10s', 'Normal', 'Pulled', 'pod/p', 'pulled']],
])('%s', (kind, obj, want) => expect(printers[kind](obj, now)).toEqual(want));

test('every printed kind has as many cells as columns', () => {
  for (const r of resources) {
    if (!printers[r.kind]) continue;
    for (const minimal of [{ metadata: { name: 'x' } }, { metadata: { name: 'x' }, spec: {}, status: {} }]) {
      const cells = rowCells(r, minimal as ApiObject, now);
      expect({ kind: r.kind, cells: cells.length }).toEqual({ kind: r.kind, cells: r.columns.length });
    }
  }
  expect(findResource('apps', 'v1', 'deployments')?.columns.map((c) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
});
