import { impersonatedUser, impersonationAttributes, impersonationRequests, splitServiceAccountUsername } from './impersonation';

describe('impersonation headers', () => {
  test('a user, repeated groups, extras (unescaped, lower-cased) and a uid, in that order', () => {
    expect(impersonationRequests({
      'impersonate-user': ['jane'], 'impersonate-group': ['devs', 'ops'], 'impersonate-extra-scopes%2Fa': ['view', 'edit'], 'impersonate-uid': ['u-1'], accept: ['*/*'],
    })).toEqual([
      { resource: 'users', name: 'jane' }, { resource: 'groups', name: 'devs' }, { resource: 'groups', name: 'ops' },
      { resource: 'userextras', name: 'view', extraKey: 'scopes/a' }, { resource: 'userextras', name: 'edit', extraKey: 'scopes/a' }, { resource: 'uids', name: 'u-1' },
    ]);
  });

  test('a service account username is a service account; a malformed one is a plain user', () => {
    expect(impersonationRequests({ 'impersonate-user': ['system:serviceaccount:ns:robot'] })).toEqual([{ resource: 'serviceaccounts', namespace: 'ns', name: 'robot' }]);
    expect(splitServiceAccountUsername('system:serviceaccount:ns')).toBeUndefined();
    expect(splitServiceAccountUsername('system:serviceaccount:NS:robot')).toBeUndefined();
    expect(impersonationRequests({ 'impersonate-user': ['system:serviceaccount:a:b:c'] })).toEqual([{ resource: 'users', name: 'system:serviceaccount:a:b:c' }]);
  });

  test('nothing asked is nothing; groups without a user are refused', () => {
    expect(impersonationRequests({ accept: ['*/*'] })).toEqual([]);
    expect(() => impersonationRequests({ 'impersonate-group': ['devs'] })).toThrow('requested groups "devs" without impersonating a user');
  });
});

describe('the impersonated user', () => {
  test('a user gets system:authenticated unless a group says otherwise', () => {
    expect(impersonatedUser([{ resource: 'users', name: 'jane' }])).toEqual({ name: 'jane', groups: ['system:authenticated'] });
    expect(impersonatedUser([{ resource: 'users', name: 'jane' }, { resource: 'groups', name: 'system:unauthenticated' }]))
      .toEqual({ name: 'jane', groups: ['system:unauthenticated'] });
    expect(impersonatedUser([{ resource: 'users', name: 'system:anonymous' }])).toEqual({ name: 'system:anonymous', groups: ['system:unauthenticated'] });
  });

  test('a service account gets its groups unless groups are given; extras and uid are kept', () => {
    expect(impersonatedUser([{ resource: 'serviceaccounts', namespace: 'ns', name: 'robot' }]))
      .toEqual({ name: 'system:serviceaccount:ns:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] });
    expect(impersonatedUser([{ resource: 'serviceaccounts', namespace: 'ns', name: 'robot' }, { resource: 'groups', name: 'g' },
      { resource: 'userextras', name: 'x', extraKey: 'k' }, { resource: 'uids', name: 'u' }]))
      .toEqual({ name: 'system:serviceaccount:ns:robot', groups: ['g', 'system:authenticated'], uid: 'u', extra: { k: ['x'] } });
  });

  test('each request is asked as the verb impersonate on its resource', () => {
    expect(impersonationAttributes({ resource: 'userextras', name: 'x', extraKey: 'scopes' }, '/api')).toMatchObject({
      verb: 'impersonate', apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: 'scopes', name: 'x', namespace: '' });
    expect(impersonationAttributes({ resource: 'serviceaccounts', namespace: 'ns', name: 'r' }, '/api')).toMatchObject({ apiGroup: '', namespace: 'ns', name: 'r' });
  });
});
