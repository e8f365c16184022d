import { StatusError } from '../../apimachinery/errors';
import { watchRequestFromQuery } from './watch';
import { listOptionsFromQuery } from './read';

const statusOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.status.code;
    throw err;
  }
  return undefined;
};

describe('watchRequestFromQuery', () => {
  it.each([
    { q: {}, want: { resourceVersion: '', timeoutSeconds: 0, options: { bookmarks: false } } },
    { q: { resourceVersion: '12', allowWatchBookmarks: 'true', timeoutSeconds: '300' }, want: { resourceVersion: '12', timeoutSeconds: 300, options: { bookmarks: true } } },
    { q: { sendInitialEvents: 'true', allowWatchBookmarks: 'true', resourceVersionMatch: 'NotOlderThan' },
      want: { resourceVersion: '', timeoutSeconds: 0, options: { bookmarks: true, sendInitialEvents: true } } },
    { q: { sendInitialEvents: 'false', resourceVersionMatch: 'NotOlderThan', resourceVersion: '0' },
      want: { resourceVersion: '0', timeoutSeconds: 0, options: { bookmarks: false, sendInitialEvents: false } } },
  ])('accepts $q', ({ q, want }) => {
    expect(watchRequestFromQuery(q)).toEqual(want);
  });

  it.each([
    { name: 'resourceVersionMatch without sendInitialEvents', q: { resourceVersionMatch: 'NotOlderThan' } },
    { name: 'sendInitialEvents without NotOlderThan', q: { sendInitialEvents: 'true', allowWatchBookmarks: 'true' } },
    { name: 'sendInitialEvents without bookmarks', q: { sendInitialEvents: 'true', resourceVersionMatch: 'NotOlderThan' } },
    { name: 'a negative timeout', q: { timeoutSeconds: '-1' } },
    { name: 'a non-boolean', q: { allowWatchBookmarks: 'yes' } },
  ])('rejects $name with 400', ({ q }) => {
    expect(statusOf(() => watchRequestFromQuery(q))).toBe(400);
  });
});

describe('listOptionsFromQuery', () => {
  it.each([
    { q: {}, want: { resourceVersion: '' } },
    { q: { resourceVersion: '0', limit: '500' }, want: { resourceVersion: '0', limit: 500 } },
    { q: { resourceVersion: '7' }, want: { resourceVersion: '7', resourceVersionMatch: 'NotOlderThan' } },
    { q: { resourceVersion: '7', limit: '5' }, want: { resourceVersion: '7', resourceVersionMatch: 'Exact', limit: 5 } },
    { q: { resourceVersion: '7', limit: '5', resourceVersionMatch: 'NotOlderThan' }, want: { resourceVersion: '7', resourceVersionMatch: 'NotOlderThan', limit: 5 } },
    { q: { resourceVersion: '7', resourceVersionMatch: 'Exact' }, want: { resourceVersion: '7', resourceVersionMatch: 'Exact' } },
    { q: { continue: 'abc', limit: '2' }, want: { continue: 'abc', limit: 2 } },
  ])('maps $q', ({ q, want }) => {
    expect(listOptionsFromQuery(q)).toEqual(want);
  });

  it.each([
    { q: { resourceVersionMatch: 'Exact' } },
    { q: { resourceVersion: '0', resourceVersionMatch: 'Exact' } },
    { q: { resourceVersion: '5', resourceVersionMatch: 'Sometimes' } },
    { q: { resourceVersion: '5', continue: 'abc' } },
    { q: { limit: '-3' } },
  ])('rejects $q with 400', ({ q }) => {
    expect(statusOf(() => listOptionsFromQuery(q))).toBe(400);
  });
});
