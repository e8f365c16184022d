import type { KeyRevisions } from './interface';
import { RevisionBatcher } from './revision-batcher';

/** A reader whose reads stay pending until the test answers them. */
const controlledReader = () => {
  const calls: Array<{ keys: string[]; answer: (mods: Record<string, string>) => void; fail: (err: Error) => void }> = [];
  const reader = {
    readRevisions: (keys: string[]) => new Promise<KeyRevisions>((resolve, reject) => {
      calls.push({ keys, answer: (mods) => resolve({ revision: '9', modRevisions: keys.map((k) => mods[k]) }), fail: reject });
    }),
  };
  return { reader, calls };
};

const tick = () => new Promise((r) => setImmediate(r));

describe('RevisionBatcher', () => {
  it('sends the first read at once and answers each key', async () => {
    const { reader, calls } = controlledReader();
    const b = new RevisionBatcher(reader);
    const a = b.modRevision('a');
    expect(calls.map((c) => c.keys)).toEqual([['a']]);
    calls[0].answer({ a: '5' });
    await expect(a).resolves.toBe('5');
  });

  it('makes gets that arrive during a read wait for the next read, which asks for all their keys once', async () => {
    const { reader, calls } = controlledReader();
    const b = new RevisionBatcher(reader);
    const first = b.modRevision('a');
    // Sent before these arrived: its answer may predate their writes, so they must not share it.
    const later = [b.modRevision('a'), b.modRevision('b'), b.modRevision('a'), b.modRevision('gone')];
    expect(calls).toHaveLength(1);
    calls[0].answer({ a: '5' });
    await expect(first).resolves.toBe('5');
    await tick();
    expect(calls.map((c) => c.keys)).toEqual([['a'], ['a', 'b', 'gone']]);
    calls[1].answer({ a: '7', b: '6' });
    await expect(Promise.all(later)).resolves.toEqual(['7', '6', '7', undefined]);
  });

  it('fails the gets of a failed read and keeps serving later ones', async () => {
    const { reader, calls } = controlledReader();
    const b = new RevisionBatcher(reader);
    const failed = b.modRevision('a');
    calls[0].fail(new Error('etcd down'));
    await expect(failed).rejects.toThrow('etcd down');
    await tick();
    const ok = b.modRevision('a');
    expect(calls).toHaveLength(2);
    calls[1].answer({ a: '3' });
    await expect(ok).resolves.toBe('3');
  });

  it('asks for at most 128 keys per read', async () => {
    const { reader, calls } = controlledReader();
    const b = new RevisionBatcher(reader);
    void b.modRevision('first');
    const many = Array.from({ length: 200 }, (_, i) => b.modRevision(`k${i}`));
    calls[0].answer({});
    await tick();
    expect(calls[1].keys).toHaveLength(128);
    calls[1].answer({});
    await tick();
    expect(calls[2].keys).toHaveLength(72);
    calls[2].answer({});
    await expect(Promise.all(many)).resolves.toHaveLength(200);
  });
});
