import type { PodTemplateSpec } from '../../../api/core/v1';
import { canonicalTemplate, computeHash, equalIgnoreHash, fnv32a, safeEncodeString } from './hash';

const template = (image = 'busybox'): PodTemplateSpec => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image }] },
});
const bytes = (s: string) => new TextEncoder().encode(s);

test('fnv32a matches the published FNV-1a test vectors', () => {
  expect(fnv32a(bytes(''))).toBe(0x811c9dc5);
  expect(fnv32a(bytes('a'))).toBe(0xe40c292c);
  expect(fnv32a(bytes('foobar'))).toBe(0xbf9cf968);
});

test('safeEncodeString maps every character into the vowel-free alphabet, as rand.SafeEncodeString', () => {
  // '0' is 48, 48 % 27 = 21 → '4'; '9' is 57, 57 % 27 = 3 → 'f'.
  expect(safeEncodeString('09')).toBe('4f');
  expect(computeHash(template())).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
});

test('the hash is stable and changes with the template and the collision count', () => {
  const h = computeHash(template());
  expect(computeHash(template())).toBe(h);
  expect(computeHash(template('busybox:1'))).not.toBe(h);
  expect(computeHash(template(), 1)).not.toBe(h);
  expect(computeHash(template(), 1)).not.toBe(computeHash(template(), 2));
});

test('what kubectl rollout undo sends hashes like what was stored (creationTimestamp: null, resources: {}, key order)', () => {
  const fromUndo = {
    spec: { containers: [{ resources: {}, image: 'busybox', name: 'c' }] },
    metadata: { creationTimestamp: null, labels: { app: 'web' }, annotations: {} },
  } as unknown as PodTemplateSpec;
  expect(computeHash(fromUndo)).toBe(computeHash(template()));
  expect(equalIgnoreHash(fromUndo, template())).toBe(true);
});

test('an empty struct that means something (emptyDir: {}) is kept', () => {
  const withVolume = (v: Record<string, unknown>) => ({ ...template(), spec: { ...template().spec, volumes: [{ name: 'v', ...v }] } }) as PodTemplateSpec;
  expect(canonicalTemplate(withVolume({ emptyDir: {} }))).toContain('"emptyDir":{}');
  expect(computeHash(withVolume({ emptyDir: {} }))).not.toBe(computeHash(withVolume({})));
});

test('equalIgnoreHash ignores only the pod-template-hash label', () => {
  const labelled = { ...template(), metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } };
  expect(equalIgnoreHash(labelled, template())).toBe(true);
  expect(equalIgnoreHash({ ...template(), metadata: { labels: { app: 'other' } } }, template())).toBe(false);
});
