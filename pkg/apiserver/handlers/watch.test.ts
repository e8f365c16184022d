import type { ApiObject, WatchEvent } from '../../../api/meta/v1';
import { transitionFilter } from './watch';
import type { Selection } from './selection';

const obj = (name: string, phase: string): ApiObject => ({ metadata: { name }, status: { phase } });
const running: Selection = { everything: false, matches: (o) => (o.status as { phase: string }).phase === 'Running' };

describe('transitionFilter', () => {
  it.each<[string, ApiObject[], WatchEvent[], Array<string | undefined>]>([
    ['starts matching → ADDED, keeps matching → MODIFIED', [],
      [{ type: 'MODIFIED', object: obj('a', 'Running') }, { type: 'MODIFIED', object: obj('a', 'Running') }], ['ADDED', 'MODIFIED']],
    ['stops matching → DELETED, then silent', [obj('a', 'Running')],
      [{ type: 'MODIFIED', object: obj('a', 'Succeeded') }, { type: 'MODIFIED', object: obj('a', 'Failed') }], ['DELETED', undefined]],
    ['deletions of non-matching objects are dropped', [],
      [{ type: 'ADDED', object: obj('b', 'Pending') }, { type: 'DELETED', object: obj('b', 'Pending') }], [undefined, undefined]],
    ['deletion of a matching object passes', [],
      [{ type: 'ADDED', object: obj('c', 'Running') }, { type: 'DELETED', object: obj('c', 'Running') }], ['ADDED', 'DELETED']],
  ])('%s', (_name, seed, events, want) => {
    const f = transitionFilter(running, (o) => o.metadata.name ?? '', seed);
    expect(events.map((e) => f(e)?.type)).toEqual(want);
  });
});
