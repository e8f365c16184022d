// rbac.authorization.k8s.io/v1 Roles, ClusterRoles and their bindings through the real kubectl
// (1.27 and 1.33): a manifest carrying them applies, kubectl prints them as it prints upstream's,
// `create role|rolebinding|clusterrole|clusterrolebinding` work, invalid ones are refused with
// upstream's messages and a binding's roleRef cannot change. Enforcement: auth-reviews.test.ts
// and impersonation.test.ts.
import { startTestCluster, type TestCluster } from './apiserver-helpers';
import { kubectlRunner } from './protobuf-kubectl';
import { kubectlBinary } from '../kubectl-binary';

jest.setTimeout(60_000);

let c: TestCluster;
beforeAll(async () => { c = await startTestCluster(); });
afterAll(async () => { await c?.stop(); });

const manifest = (suffix: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: pod-reader-${suffix} }
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list, watch]
- nonResourceURLs: [/healthz]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: read-pods-${suffix} }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader-${suffix} }
subjects:
- { kind: User, apiGroup: rbac.authorization.k8s.io, name: jane }
- { kind: Group, apiGroup: rbac.authorization.k8s.io, name: devs }
- { kind: ServiceAccount, name: robot, namespace: default }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: cm-editor-${suffix}, namespace: default }
rules:
- { apiGroups: [""], resources: [configmaps], verbs: ["*"] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: edit-cms-${suffix}, namespace: default }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-editor-${suffix} }
subjects:
- { kind: ServiceAccount, name: robot }
`;

describe.each([['1.27'], ['1.33']])('kubectl %s', (v) => {
  const k = () => kubectlRunner(c, kubectlBinary(v));
  const suffix = v.replace('.', '');

  it('applies a manifest carrying roles and bindings, and prints them as upstream', async () => {
    const run = k();
    const applied = await run(['apply', '-f', '-'], manifest(suffix));
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(applied.stdout).toBe([`clusterrole.rbac.authorization.k8s.io/pod-reader-${suffix} created`, `clusterrolebinding.rbac.authorization.k8s.io/read-pods-${suffix} created`,
      `role.rbac.authorization.k8s.io/cm-editor-${suffix} created`, `rolebinding.rbac.authorization.k8s.io/edit-cms-${suffix} created`, ''].join('\n'));
    expect((await run(['apply', '-f', '-'], manifest(suffix))).stdout).toContain(`clusterrole.rbac.authorization.k8s.io/pod-reader-${suffix} unchanged`);

    const roles = await run(['get', 'clusterrole', `pod-reader-${suffix}`]);
    expect(roles.stdout).toMatch(new RegExp(`^NAME +CREATED AT\\npod-reader-${suffix} +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\n$`));
    const wide = await run(['get', 'clusterrolebinding', `read-pods-${suffix}`, '-o', 'wide']);
    expect(wide.stdout).toMatch(new RegExp(`^NAME +ROLE +AGE +USERS +GROUPS +SERVICEACCOUNTS\\nread-pods-${suffix} +ClusterRole/pod-reader-${suffix} +\\S+ +jane +devs +default/robot\\n$`));
    expect((await run(['get', 'rolebinding', `edit-cms-${suffix}`, '-n', 'default'])).stdout)
      .toMatch(new RegExp(`^NAME +ROLE +AGE\\nedit-cms-${suffix} +Role/cm-editor-${suffix} +\\S+\\n$`));
    const described = await run(['describe', 'clusterrole', `pod-reader-${suffix}`]);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/PolicyRule:\n +Resources +Non-Resource URLs +Resource Names +Verbs/);
    expect(described.stdout).toMatch(/pods\/log +\[\] +\[\] +\[get list watch\]/);
    const explained = await run(['explain', 'clusterrole.rules.verbs']);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('Verbs allowed');
    expect((await run(['api-resources', '--api-group=rbac.authorization.k8s.io', '-o', 'name'])).stdout)
      .toBe('clusterrolebindings.rbac.authorization.k8s.io\nclusterroles.rbac.authorization.k8s.io\nrolebindings.rbac.authorization.k8s.io\nroles.rbac.authorization.k8s.io\n');
  });

  it('creates roles and bindings with kubectl create', async () => {
    const run = k();
    expect(await run(['create', 'role', `r-${suffix}`, '--verb=get,list', '--resource=pods,deployments.apps'])).toMatchObject({ code: 0, stdout: `role.rbac.authorization.k8s.io/r-${suffix} created\n` });
    expect(await run(['create', 'clusterrole', `cr-${suffix}`, '--verb=get', '--non-resource-url=/metrics'])).toMatchObject({ code: 0 });
    expect(await run(['create', 'rolebinding', `rb-${suffix}`, `--role=r-${suffix}`, '--user=alice', '--serviceaccount=default:robot'])).toMatchObject({ code: 0 });
    expect(await run(['create', 'clusterrolebinding', `crb-${suffix}`, `--clusterrole=cr-${suffix}`, '--group=ops'])).toMatchObject({ code: 0 });
    const rules = JSON.parse((await run(['get', 'role', `r-${suffix}`, '-o', 'json'])).stdout) as { rules: unknown[] };
    expect(rules.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }, { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] }]);
  });

  it('refuses invalid rules and a changed roleRef with upstream\'s messages', async () => {
    const run = k();
    const bad = await run(['apply', '-f', '-'], `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: { name: bad-${suffix}, namespace: default }\nrules:\n- { resources: [pods] }\n`);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('rules[0].verbs: Required value');
    const changed = manifest(suffix).replace(`kind: Role, name: cm-editor-${suffix}`, 'kind: ClusterRole, name: view');
    const r = await run(['apply', '-f', '-'], changed);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('roleRef: Invalid value');
    expect(r.stderr).toContain('cannot change roleRef');
  });
});
