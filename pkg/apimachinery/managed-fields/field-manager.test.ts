import type { ApiObject, ManagedFieldsEntry } from '../../../api/meta/v1';
import { StatusError } from '../errors';
import { FieldSet } from './field-set';
import { trackApply, trackUpdate, lastAppliedAnnotation, type FieldManagerScope } from './field-manager';
import { testSchema } from './test-schema';

const scope = (over: Partial<FieldManagerScope> = {}): FieldManagerScope => ({
  schema: testSchema, apiVersion: 'apps/v1', kind: 'Thing', subresource: '', resetFields: FieldSet.of(['f:status']),
  now: '2025-01-01T00:00:00Z', ...over,
});
const later = (over: Partial<FieldManagerScope> = {}) => scope({ now: '2025-01-01T00:01:00Z', ...over });

const thing = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}): ApiObject => ({
  apiVersion: 'apps/v1', kind: 'Thing', metadata: { name: 'x', namespace: 'default', ...meta }, spec,
});
const withFields = (obj: ApiObject, managedFields: ManagedFieldsEntry[] | undefined): ApiObject =>
  ({ ...obj, metadata: { ...obj.metadata, managedFields } });
const owners = (mf: ManagedFieldsEntry[] | undefined) =>
  (mf ?? []).map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}: ${JSON.stringify(e.fieldsV1)}`);

const conflictOf = (fn: () => unknown): StatusError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a conflict');
};

describe('trackUpdate', () => {
  const created = thing({ replicas: 1, containers: [{ name: 'c', image: 'i' }] }, { labels: { app: 'x' } });
  const createdFields = trackUpdate(scope(), undefined, created, 'kubectl-client-side-apply', undefined);

  it('records a create like upstream: maps and list items with ".", structs without', () => {
    expect(createdFields).toEqual([{
      manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } }, 'f:replicas': {} },
      },
    }]);
  });

  it.each([
    ['another manager takes the field it changed', 'kubectl-scale', { replicas: 3, containers: [{ name: 'c', image: 'i' }] }, [
      'kubectl-client-side-apply/Update: {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{},"f:image":{},"f:name":{}}}}}',
      'kubectl-scale/Update: {"f:spec":{"f:replicas":{}}}',
    ]],
    ['the same manager keeps its fields', 'kubectl-client-side-apply', { replicas: 3, containers: [{ name: 'c', image: 'i' }] }, [
      'kubectl-client-side-apply/Update: {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{},"f:image":{},"f:name":{}}},"f:replicas":{}}}',
    ]],
    ['removing a field removes it from its owner', 'other', { containers: [{ name: 'c', image: 'i' }] }, [
      'kubectl-client-side-apply/Update: {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{},"f:image":{},"f:name":{}}}}}',
    ]],
  ])('%s', (_name, manager, spec, want) => {
    const live = withFields(created, createdFields);
    const next = { ...live, spec: { ...spec } };
    expect(owners(trackUpdate(later(), live, next, manager, live.metadata.managedFields))).toEqual(want);
  });

  it('changes nothing, not even the time, when nothing changed', () => {
    const live = withFields(created, createdFields);
    expect(trackUpdate(later(), live, structuredClone(live), 'other', createdFields)).toEqual(createdFields);
  });

  it('never attributes server-set metadata', () => {
    const live = withFields(created, createdFields);
    const next = { ...live, metadata: { ...live.metadata, generation: 2, resourceVersion: '9', uid: 'u' } };
    expect(trackUpdate(later(), live, next, 'other', createdFields)).toEqual(createdFields);
  });

  it('takes the managedFields a client rewrote (csaupgrade), and clears them on [{}]', () => {
    const live = withFields(created, createdFields);
    const rewritten: ManagedFieldsEntry[] = [{ ...(createdFields ?? [])[0], manager: 'kubectl', operation: 'Apply' }];
    expect(owners(trackUpdate(later(), live, withFields(live, rewritten), 'kubectl', rewritten))).toEqual([
      expect.stringMatching(/^kubectl\/Apply: /),
    ]);
    expect(trackUpdate(later(), live, withFields(live, [{}]), 'kubectl', [{}])).toBeUndefined();
    // garbage falls back to the stored managers
    const bad = [{ manager: 'x', operation: 'Nope' }] as ManagedFieldsEntry[];
    expect(trackUpdate(later(), live, withFields(live, bad), 'kubectl', bad)).toEqual(createdFields);
  });

  it('records status writes with their subresource and ignores the fields the client sent', () => {
    const live = withFields(created, createdFields);
    const next = { ...live, status: { replicas: 1 } };
    const status = scope({ subresource: 'status', resetFields: FieldSet.of(['f:spec']), now: '2025-01-01T00:02:00Z' });
    const mf = trackUpdate(status, live, next, 'kube-controller-manager', [{}]);
    expect(mf?.[1]).toMatchObject({ manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', fieldsV1: { 'f:status': { 'f:replicas': {} } } });
  });
});

describe('trackApply', () => {
  const config = thing({ replicas: 1, containers: [{ name: 'c', image: 'i' }] }, { labels: { app: 'x' } });
  const first = trackApply(scope(), undefined, config, 'kubectl', false);
  const live = withFields({ ...first.object, metadata: { ...first.object.metadata, uid: 'u1' } }, first.managedFields);

  it('creates with the applied fields, identity excluded', () => {
    expect(first.object).toEqual(config);
    expect(owners(first.managedFields)).toEqual([
      'kubectl/Apply: {"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{},"f:image":{},"f:name":{}}},"f:replicas":{}}}',
    ]);
    expect(first.managedFields?.[0]).toMatchObject({ apiVersion: 'apps/v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1' });
  });

  it('conflicts with an Update manager that owns a field it changes', () => {
    const scaled = { ...live, spec: { ...live.spec as object, replicas: 5 } };
    const afterScale = withFields(scaled, trackUpdate(later(), live, scaled, 'kubectl-scale', live.metadata.managedFields));
    const err = conflictOf(() => trackApply(later(), afterScale, thing({ replicas: 2, containers: [{ name: 'c', image: 'i' }] }), 'kubectl', false));
    expect(err.status).toMatchObject({
      code: 409, reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-scale" using apps/v1', field: '.spec.replicas' }] },
    });
    const forced = trackApply(later(), afterScale, thing({ replicas: 2, containers: [{ name: 'c', image: 'i' }] }), 'kubectl', true);
    expect((forced.object.spec as { replicas: number }).replicas).toBe(2);
    expect(owners(forced.managedFields).some((o) => o.startsWith('kubectl-scale'))).toBe(false);
  });

  it('lists several conflicts per manager', () => {
    const other = trackApply(later(), live, thing({ replicas: 1, containers: [{ name: 'c', image: 'i' }] }, { labels: { app: 'x' } }), 'helm', false);
    const shared = withFields(other.object, other.managedFields);
    const err = conflictOf(() => trackApply(later(), shared, thing({ replicas: 4, containers: [{ name: 'c', image: 'j' }] }), 'flux', false));
    expect(err.status.message).toBe('Apply failed with 4 conflicts: conflicts with "helm":\n- .spec.containers[name="c"].image\n- .spec.replicas\n'
      + 'conflicts with "kubectl":\n- .spec.containers[name="c"].image\n- .spec.replicas');
  });

  it('shares fields applied with the same value', () => {
    const r = trackApply(later(), live, thing({ replicas: 1 }), 'helm', false);
    expect(owners(r.managedFields)).toEqual([
      expect.stringMatching(/^kubectl\/Apply: .*"f:replicas"/),
      'helm/Apply: {"f:spec":{"f:replicas":{}}}',
    ]);
  });

  it.each([
    ['a label', thing({ replicas: 1, containers: [{ name: 'c', image: 'i' }] }), undefined, { replicas: 1, containers: [{ name: 'c', image: 'i' }] }],
    // an applied empty list owns nothing, so the whole list goes, as upstream
    ['a container', thing({ replicas: 1, containers: [] }, { labels: { app: 'x' } }), { app: 'x' }, { replicas: 1 }],
    ['a field', thing({ containers: [{ name: 'c', image: 'i' }] }, { labels: { app: 'x' } }), { app: 'x' }, { containers: [{ name: 'c', image: 'i' }] }],
  ])('removes %s it no longer applies', (_name, next, labels, spec) => {
    const r = trackApply(later(), live, next, 'kubectl', false);
    expect(r.object.metadata.labels).toEqual(labels);
    expect(r.object.spec).toEqual(spec);
  });

  it('keeps what it no longer applies when another manager owns it too', () => {
    const helm = trackApply(later(), live, thing({ replicas: 1 }), 'helm', false);
    const r = trackApply(later(), withFields(helm.object, helm.managedFields), thing({ containers: [{ name: 'c', image: 'i' }] }), 'kubectl', false);
    expect((r.object.spec as { replicas?: number }).replicas).toBe(1);
  });

  it('removes a struct it no longer applies, with the unowned defaults inside', () => {
    const a = trackApply(scope(), undefined, thing({ strategy: { rollingUpdate: { maxSurge: 1 } } }), 'kubectl', false);
    const defaulted = withFields({ ...a.object, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } }, a.managedFields);
    const r = trackApply(later(), defaulted, thing({ replicas: 1 }), 'kubectl', false);
    expect(r.object.spec).toEqual({ replicas: 1 });
  });

  it('ignores status on the main resource', () => {
    const withStatus = { ...live, status: { replicas: 9 } };
    const statusFields = trackUpdate(later({ subresource: 'status', resetFields: FieldSet.of(['f:spec']) }), live, withStatus, 'controller', undefined);
    const r = trackApply(later(), withFields(withStatus, statusFields), { ...config, status: { replicas: 1 } }, 'kubectl', false);
    expect(owners(r.managedFields).find((o) => o.startsWith('kubectl/'))).not.toContain('status');
  });

  it('gives fields of objects created before tracking to before-first-apply', () => {
    const old = thing({ replicas: 1, tags: ['a'] });
    const r = trackApply(later(), old, thing({ replicas: 1 }), 'kubectl', false);
    expect(owners(r.managedFields)).toEqual([
      'kubectl/Apply: {"f:spec":{"f:replicas":{}}}',
      'before-first-apply/Update: {"f:spec":{"f:replicas":{},"f:tags":{}}}',
    ]);
    expect(r.object.spec).toEqual({ replicas: 1, tags: ['a'] });
  });

  it('lets kubectl take over from client-side apply where live still equals last-applied', () => {
    const manifest = thing({ replicas: 1, containers: [{ name: 'c', image: 'i' }] });
    const annotated = { ...manifest, metadata: { ...manifest.metadata, annotations: { [lastAppliedAnnotation]: JSON.stringify(manifest) } } };
    const csa = withFields(annotated, trackUpdate(scope(), undefined, annotated, 'kubectl-client-side-apply', undefined));
    const r = trackApply(later(), csa, thing({ replicas: 3, containers: [{ name: 'c', image: 'i' }] }), 'kubectl', false);
    expect((r.object.spec as { replicas: number }).replicas).toBe(3);
    expect(JSON.parse(r.object.metadata.annotations?.[lastAppliedAnnotation] ?? '{}')).toMatchObject({ spec: { replicas: 3 } });
    // a field changed since the last client-side apply still conflicts
    const drifted = { ...csa, spec: { ...csa.spec as object, replicas: 7 } };
    const driftedFields = trackUpdate(later(), csa, drifted, 'kubectl-client-side-apply', csa.metadata.managedFields);
    expect(conflictOf(() => trackApply(later(), withFields(drifted, driftedFields), thing({ replicas: 3 }), 'kubectl', false)).status.code).toBe(409);
    // other managers get no allowance
    expect(conflictOf(() => trackApply(later(), csa, thing({ replicas: 3 }), 'helm', false)).status.code).toBe(409);
  });

  it('rejects a configuration the schema cannot key with 400', () => {
    expect(conflictOf(() => trackApply(later(), live, thing({ containers: [{ image: 'x' }] }), 'kubectl', false)).status).toMatchObject({
      code: 400, message: expect.stringMatching(/^failed to create typed patch object \(apps\/v1, Kind=Thing\): \.spec\.containers: element 0: associative list/),
    });
  });
});
