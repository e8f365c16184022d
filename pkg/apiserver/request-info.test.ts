import { parseRequestInfo, splitApiPath } from './request-info';

describe('request paths with malformed escapes', () => {
  it.each(['/api/v1/namespaces/default/pods/%', '/api/v1/namespaces/default/pods/%ff', '/apis/%zz/v1/deployments'])('%s names nothing (404, not a 500)', (p) => {
    expect(parseRequestInfo('GET', p, {})).toBeUndefined();
  });

  it('still decodes valid escapes', () => {
    expect(splitApiPath('/api/v1/namespaces/a%2Db/pods')).toEqual({ group: '', version: 'v1', rest: ['namespaces', 'a-b', 'pods'] });
    expect(parseRequestInfo('GET', '/api/v1/namespaces/default/pods/web%2D1', {})).toMatchObject({ verb: 'get', namespace: 'default', name: 'web-1' });
  });
});
