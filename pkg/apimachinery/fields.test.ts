import { parseFieldSelector } from './fields';
import { isBadRequestError } from './test-helpers';

const fields = { 'metadata.name': 'web-1', 'metadata.namespace': 'default', 'spec.nodeName': '', 'status.phase': 'Running' };

describe('parseFieldSelector', () => {
  test.each([
    { sel: '', want: true, reqs: [] },
    { sel: 'metadata.name=web-1', want: true, reqs: [{ field: 'metadata.name', op: '=', value: 'web-1' }] },
    { sel: 'metadata.name==web-1', want: true, reqs: [{ field: 'metadata.name', op: '=', value: 'web-1' }] },
    { sel: 'metadata.name!=web-1', want: false, reqs: [{ field: 'metadata.name', op: '!=', value: 'web-1' }] },
    { sel: 'spec.nodeName=', want: true, reqs: [{ field: 'spec.nodeName', op: '=', value: '' }] },
    { sel: 'spec.nodeName!=', want: false, reqs: [{ field: 'spec.nodeName', op: '!=', value: '' }] },
    { sel: 'missing=', want: true, reqs: [{ field: 'missing', op: '=', value: '' }] },
    { sel: 'status.phase!=Failed,status.phase!=Succeeded', want: true, reqs: [
      { field: 'status.phase', op: '!=', value: 'Failed' }, { field: 'status.phase', op: '!=', value: 'Succeeded' }] },
    { sel: 'metadata.name=a\\,b', want: false, reqs: [{ field: 'metadata.name', op: '=', value: 'a,b' }] },
  ])('$sel', ({ sel, want, reqs }) => {
    const s = parseFieldSelector(sel);
    expect(s.matches(fields)).toBe(want);
    expect(s.requirements).toEqual(reqs);
    expect(parseFieldSelector(s.toString()).requirements).toEqual(reqs);
  });

  test.each(['metadata.name', 'a=b,c', '=x', 'a=\\q'])('rejects %p', (sel) => {
    expect(isBadRequestError(() => parseFieldSelector(sel))).toBe(true);
  });
});
