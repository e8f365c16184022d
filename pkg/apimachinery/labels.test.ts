import { labelSelectorToString, parseLabelSelector, selectorFromLabelSelector } from './labels';
import { isBadRequestError } from './test-helpers';

const labels = { app: 'web', tier: 'frontend', version: '3' };

describe('parseLabelSelector', () => {
  test.each([
    { sel: '', want: true, str: '' },
    { sel: 'app=web', want: true, str: 'app=web' },
    { sel: 'app==web', want: true, str: 'app==web' },
    { sel: 'app!=web', want: false, str: 'app!=web' },
    { sel: 'app=db', want: false, str: 'app=db' },
    { sel: 'missing!=x', want: true, str: 'missing!=x' },
    { sel: 'app in (web,db)', want: true, str: 'app in (db,web)' },
    { sel: 'app in (db)', want: false, str: 'app in (db)' },
    { sel: 'app notin (db)', want: true, str: 'app notin (db)' },
    { sel: 'missing notin (db)', want: true, str: 'missing notin (db)' },
    { sel: 'app', want: true, str: 'app' },
    { sel: '!app', want: false, str: '!app' },
    { sel: '!missing', want: true, str: '!missing' },
    { sel: 'tier=frontend, app = web', want: true, str: 'app=web,tier=frontend' },
    { sel: 'version>2', want: true, str: 'version>2' },
    { sel: 'version<2', want: false, str: 'version<2' },
    { sel: 'example.com/role=x', want: false, str: 'example.com/role=x' },
    { sel: 'app=', want: false, str: 'app=' },
  ])('$sel', ({ sel, want, str }) => {
    const s = parseLabelSelector(sel);
    expect(s.matches(labels)).toBe(want);
    expect(s.toString()).toBe(str);
  });

  test.each(['app in web', 'app in (web', '=web', 'app=web,', 'app web', 'a b c', 'Bad Key!=x', 'app=-bad-', 'version>x'])(
    'rejects %p', (sel) => {
      expect(() => parseLabelSelector(sel)).toThrow(expect.objectContaining({ status: expect.objectContaining({ code: 400 }) }));
      expect(isBadRequestError(() => parseLabelSelector(sel))).toBe(true);
    });

  test('undefined labels match only negative requirements', () => {
    expect(parseLabelSelector('!a').matches(undefined)).toBe(true);
    expect(parseLabelSelector('a').matches(undefined)).toBe(false);
  });
});

describe('selectorFromLabelSelector', () => {
  test.each([
    { name: 'undefined matches nothing', sel: undefined, want: false, empty: false },
    { name: 'empty matches everything', sel: {}, want: true, empty: true },
    { name: 'matchLabels', sel: { matchLabels: { app: 'web' } }, want: true, empty: false },
    { name: 'matchLabels mismatch', sel: { matchLabels: { app: 'db' } }, want: false, empty: false },
    { name: 'In', sel: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'x'] }] }, want: true, empty: false },
    { name: 'NotIn', sel: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }, want: false, empty: false },
    { name: 'Exists', sel: { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, want: true, empty: false },
    { name: 'DoesNotExist', sel: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, want: false, empty: false },
  ])('$name', ({ sel, want, empty }) => {
    const s = selectorFromLabelSelector(sel);
    expect(s.matches(labels)).toBe(want);
    expect(s.empty()).toBe(empty);
  });

  test('bad operator is a bad request', () => {
    expect(isBadRequestError(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Near' }] }))).toBe(true);
  });

  test('labelSelectorToString', () => {
    expect(labelSelectorToString({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'c', operator: 'In', values: ['y', 'x'] }] }))
      .toBe('a=1,b=2,c in (x,y)');
    expect(labelSelectorToString({})).toBe('');
  });
});
