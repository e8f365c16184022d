// Defaults and key validations of the strategies added for issue 4, table-driven.
import type { ApiObject } from '../../../api/meta/v1';
import { strategies, strategyFor, eventToEventsV1, eventFromEventsV1 } from './index';
import { validCronSchedule } from './cronjobs';

const container = { name: 'c', image: 'busybox:1.36' };
const tmpl = (labels: Record<string, string>, spec: Record<string, unknown> = {}) => ({ metadata: { labels }, spec: { containers: [container], ...spec } });
const obj = (rest: Record<string, unknown>, name = 'x'): ApiObject => ({ metadata: { name, namespace: 'default', uid: 'uid-1' }, ...rest });
const create = (plural: string, o: ApiObject) => strategies[plural].prepareForCreate(structuredClone(o));
const causesOf = (plural: string, o: ApiObject) => strategies[plural].validate(create(plural, o)).map((c) => `${c.field}: ${c.message}`);

describe('defaults', () => {
  it.each([
    ['deployments', obj({ spec: { selector: { matchLabels: { a: 'b' } }, template: tmpl({ a: 'b' }) } }),
      { spec: { replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: { spec: { restartPolicy: 'Always', schedulerName: 'default-scheduler' } } } }],
    ['daemonsets', obj({ spec: { selector: { matchLabels: { a: 'b' } }, template: tmpl({ a: 'b' }) } }),
      { spec: { revisionHistoryLimit: 10, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } } }],
    ['statefulsets', obj({ spec: { selector: { matchLabels: { a: 'b' } }, template: tmpl({ a: 'b' }), volumeClaimTemplates: [{ metadata: { name: 'w' }, spec: {} }] } }),
      { spec: { replicas: 1, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        volumeClaimTemplates: [{ spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }] } }],
    ['jobs', obj({ spec: { template: tmpl({}, { restartPolicy: 'Never' }) } }, 'pi'),
      { metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'uid-1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'uid-1', 'job-name': 'pi' } },
        spec: { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, manualSelector: false,
          podReplacementPolicy: 'TerminatingOrFailed', selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } } } }],
    ['jobs', obj({ spec: { parallelism: 3, template: tmpl({}, { restartPolicy: 'Never' }) } }), { spec: { parallelism: 3, backoffLimit: 6 } }],
    ['cronjobs', obj({ spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: tmpl({}, { restartPolicy: 'OnFailure' }) } } } }),
      { spec: { concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
        jobTemplate: { spec: { template: { spec: { dnsPolicy: 'ClusterFirst' } } } } } }],
    ['services', obj({ spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } }),
      { spec: { type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] }, status: { loadBalancer: {} } }],
    // The address and node ports are the allocating store's (pkg/apiserver/allocators); a requested address is kept.
    ['services', obj({ spec: { clusterIP: '10.96.7.7', ports: [{ port: 80 }] } }), { spec: { clusterIP: '10.96.7.7', clusterIPs: ['10.96.7.7'] } }],
    ['services', obj({ spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http' }] } }),
      { spec: { externalTrafficPolicy: 'Cluster', ports: [{ targetPort: 'http' }] } }],
    ['services', obj({ spec: { clusterIP: 'None', selector: { app: 'a' } } }), { spec: { clusterIP: 'None', clusterIPs: ['None'], ipFamilyPolicy: 'SingleStack' } }],
    ['secrets', obj({ stringData: { user: 'admin' }, data: { user: 'eA==', other: 'eQ==' } }), { type: 'Opaque', data: { user: 'YWRtaW4=', other: 'eQ==' } }],
    ['persistentvolumes', obj({ spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/d' } } }),
      { spec: { persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
    ['persistentvolumeclaims', obj({ spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }),
      { spec: { volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }],
    ['networkpolicies', obj({ spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } }),
      { spec: { policyTypes: ['Ingress', 'Egress'], egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }] } }],
    ['priorityclasses', obj({ value: 10 }), { preemptionPolicy: 'PreemptLowerPriority' }],
    ['horizontalpodautoscalers', obj({ spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, maxReplicas: 3 } }),
      { spec: { minReplicas: 1, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] } }],
  ])('%s', (plural, input, want) => {
    const out = create(plural, input);
    expect(out).toMatchObject(want);
    expect(strategies[plural].validate(out)).toEqual([]);
  });

  it('secrets never store stringData', () => expect(create('secrets', obj({ stringData: { a: 'b' } }))).not.toHaveProperty('stringData'));
});

describe('validation', () => {
  const deploy = (spec: Record<string, unknown>) => obj({ spec: { selector: { matchLabels: { a: 'b' } }, template: tmpl({ a: 'b' }), ...spec } });
  it.each([
    ['deployments', deploy({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    ['deployments', deploy({ template: tmpl({ a: 'c' }) }), ['spec.template.metadata.labels: Invalid value: {"a":"c"}: `selector` does not match template `labels`']],
    ['deployments', deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0']],
    ['deployments', deploy({ strategy: { type: 'Recreate', rollingUpdate: {} } }), ['spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is \'Recreate\'']],
    ['deployments', deploy({ selector: {} }), ['spec.selector: Required value']],
    ['daemonsets', deploy({ template: tmpl({ a: 'b' }, { restartPolicy: 'Never' }) }),
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['jobs', obj({ spec: { template: tmpl({}) } }), ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']],
    ['jobs', obj({ spec: { selector: { matchLabels: { a: 'b' } }, template: tmpl({ a: 'b' }, { restartPolicy: 'Never' }) } }),
      ['spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` not auto-generated']],
    ['cronjobs', obj({ spec: { schedule: 'every minute', jobTemplate: { spec: { template: tmpl({}, { restartPolicy: 'Never' }) } } } }),
      ['spec.schedule: Invalid value: "every minute": unparseable cron schedule']],
    ['services', obj({ spec: { ports: [{ port: 0 }, { port: 80, name: 'a' }] } }),
      ['spec.ports[0].name: Required value', 'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['services', obj({ spec: {} }), ['spec.ports: Required value']],
    ['services', obj({ spec: { type: 'ExternalName' } }), ['spec.externalName: Required value']],
    ['services', obj({ spec: { ports: [{ port: 80, nodePort: 30001 }] } }), ['spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'']],
    ['secrets', obj({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }), ['data[tls.key]: Required value']],
    ['configmaps', obj({ data: { 'bad key': 'v' } }), ['data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, \'-\', \'_\' or \'.\' (e.g. \'key.name\',  or \'KEY_NAME\',  or \'key-name\', regex used for validation is \'[-._a-zA-Z0-9]+\')']],
    ['persistentvolumes', obj({ spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }), ['spec: Required value: must specify a volume type']],
    ['persistentvolumeclaims', obj({ spec: { resources: { requests: { storage: '1Gi' } } } }), ['spec.accessModes: Required value']],
    ['priorityclasses', obj({ value: 2_000_000_000 }), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
    ['poddisruptionbudgets', obj({ spec: { minAvailable: 1, maxUnavailable: '10%' } }), ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":"10%"}: minAvailable and maxUnavailable cannot be both set']],
    ['ingresses', obj({ spec: { rules: [{ http: { paths: [{ path: 'x', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } }),
      ['spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path']],
    ['ingressclasses', obj({ spec: {} }), ['spec.controller: Required value']],
    ['storageclasses', obj({}), ['provisioner: Required value']],
    ['storageclasses', obj({ provisioner: 'p', reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' }), [
      'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
      'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"']],
    ['endpointslices', obj({ addressType: 'IPv5', endpoints: [] }), ['addressType: Unsupported value: "IPv5": supported values: "IPv4", "IPv6", "FQDN"']],
    ['horizontalpodautoscalers', obj({ spec: { scaleTargetRef: { kind: 'Deployment', name: 'd' }, minReplicas: 5, maxReplicas: 3 } }),
      ['spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`']],
    ['limitranges', obj({ spec: { limits: [{ type: 'Pod', default: { cpu: '1' } }] } }), ['spec.limits[0].default: Forbidden: may not be specified when `type` is \'Pod\'']],
    ['roles', obj({ rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }), []],
    ['roles', obj({ rules: [{ resources: ['pods'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }] }), [
      'rules[0].verbs: Required value: verbs must contain at least one value', 'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs']],
    ['clusterroles', obj({ rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }), []],
    ['rolebindings', obj({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'robot' }, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' }] }), []],
    ['rolebindings', obj({ roleRef: { apiGroup: 'rbac', kind: 'Thing', name: '' }, subjects: [{ kind: 'Robot', name: 'r' }, { kind: 'User', name: 'u' }] }), [
      'roleRef.apiGroup: Unsupported value: "rbac": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "Thing": supported values: "Role", "ClusterRole"', 'roleRef.name: Required value',
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      'subjects[1].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"']],
    ['clusterrolebindings', obj({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'robot' }] }),
      ['subjects[0].namespace: Required value']],
  ])('%s: %j', (plural, input, want) => expect(causesOf(plural, input)).toEqual(want));
});

describe('updates', () => {
  const upd = (plural: string, old: ApiObject, next: ApiObject) => {
    const cur = create(plural, old);
    const out = strategies[plural].prepareForUpdate(structuredClone(next), cur);
    return { out, causes: strategies[plural].validateUpdate(out, cur).map((c) => `${c.field}: ${c.message}`) };
  };
  it('a binding\'s roleRef cannot change', () => {
    const binding = (name: string) => obj({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name } });
    expect(upd('rolebindings', binding('view'), binding('view')).causes).toEqual([]);
    expect(upd('rolebindings', binding('view'), binding('edit')).causes)
      .toEqual(['roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"}: cannot change roleRef']);
  });

  it('a storage class keeps its provisioner, parameters, reclaim policy and binding mode; defaults are filled in', () => {
    const sc = obj({ provisioner: 'p', parameters: { a: '1' } });
    expect(create('storageclasses', sc)).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    expect(upd('storageclasses', sc, obj({ provisioner: 'p', parameters: { a: '1' }, allowVolumeExpansion: true })).causes).toEqual([]);
    expect(upd('storageclasses', sc, obj({ provisioner: 'q', parameters: { a: '2' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' })).causes).toEqual([
      'parameters: Forbidden: updates to parameters are forbidden.', 'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.', 'volumeBindingMode: Invalid value: field is immutable']);
  });

  it('deployment selectors are immutable', () => {
    const base = { selector: { matchLabels: { a: 'b' } }, template: tmpl({ a: 'b', c: 'd' }) };
    expect(upd('deployments', obj({ spec: base }), obj({ spec: { ...base, selector: { matchLabels: { c: 'd' } } } })).causes)
      .toEqual(['spec.selector: Invalid value: field is immutable']);
  });
  it('services keep their allocated cluster IP when a PUT omits it, and refuse a new one', () => {
    const svc = obj({ spec: { ports: [{ port: 80 }], clusterIP: '10.96.0.5' } });
    const kept = upd('services', svc, obj({ spec: { ports: [{ port: 80 }] } }));
    expect((kept.out.spec as { clusterIP: string }).clusterIP).toBe('10.96.0.5');
    expect(kept.causes).toEqual([]);
    expect(upd('services', svc, obj({ spec: { ports: [{ port: 80 }], clusterIP: '10.96.9.9' } })).causes[0]).toContain('may not change once set');
  });
  it('immutable config maps and secret types stay put', () => {
    expect(upd('configmaps', obj({ immutable: true, data: { a: '1' } }), obj({ immutable: true, data: { a: '2' } })).causes)
      .toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
    expect(upd('secrets', obj({ type: 'Opaque' }), obj({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' } })).causes)
      .toEqual(['type: Invalid value: field is immutable']);
  });
  it('statefulsets may only change some spec fields', () => {
    const base = { selector: { matchLabels: { a: 'b' } }, template: tmpl({ a: 'b' }), serviceName: 's' };
    expect(upd('statefulsets', obj({ spec: base }), obj({ spec: { ...base, replicas: 5 } })).causes).toEqual([]);
    expect(upd('statefulsets', obj({ spec: base }), obj({ spec: { ...base, serviceName: 't' } })).causes[0]).toContain('spec: Forbidden: updates to statefulset spec');
  });
});

describe('cron schedules', () => {
  it.each([['*/5 * * * *', true], ['0 0 * * MON-FRI', true], ['@hourly', true], ['61 * * * *', false], ['* * * *', false], ['@every 1h30m', true]])(
    '%s → %s', (s, want) => expect(validCronSchedule(s)).toBe(want));
});

describe('events.k8s.io view', () => {
  const core: ApiObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'd' }, involvedObject: { kind: 'Pod', name: 'p' },
    message: 'hi', reason: 'Started', source: { component: 'agent' }, count: 2, reportingComponent: 'agent', type: 'Normal' };
  it('converts both ways', () => {
    const v1 = eventToEventsV1(core);
    expect(v1).toMatchObject({ apiVersion: 'events.k8s.io/v1', regarding: { kind: 'Pod', name: 'p' }, note: 'hi', deprecatedSource: { component: 'agent' },
      deprecatedCount: 2, reportingController: 'agent' });
    expect(v1).not.toHaveProperty('involvedObject');
    expect(eventFromEventsV1(v1)).toEqual(core);
  });
  it('is found by group', () => {
    expect(strategyFor({ group: 'events.k8s.io', version: 'v1', plural: 'events' })).not.toBe(strategies.events);
    expect(strategyFor({ group: '', version: 'v1', plural: 'events' })).toBe(strategies.events);
  });
});
