import { InvalidReferenceError, isImageID, normalizeReference } from './reference';

const dgst = `sha256:${'a'.repeat(64)}`;

describe('normalizeReference', () => {
  test.each([
    { ref: 'busybox', want: 'docker.io/library/busybox:latest' },
    { ref: 'busybox:1.28', want: 'docker.io/library/busybox:1.28' },
    { ref: 'docker.io/library/busybox:1.36', want: 'docker.io/library/busybox:1.36' },
    { ref: 'index.docker.io/library/busybox', want: 'docker.io/library/busybox:latest' },
    { ref: 'library/busybox:1.36', want: 'docker.io/library/busybox:1.36' },
    { ref: 'bitnami/nginx:1.25', want: 'docker.io/bitnami/nginx:1.25' },
    { ref: `quay.io/x/y@${dgst}`, want: `quay.io/x/y@${dgst}` },
    { ref: `busybox:1.36@${dgst}`, want: `docker.io/library/busybox:1.36@${dgst}` },
    { ref: 'localhost:5000/a/b:t', want: 'localhost:5000/a/b:t' },
    { ref: 'localhost/a', want: 'localhost/a:latest' },
    { ref: 'registry.k8s.io/pause:3.9', want: 'registry.k8s.io/pause:3.9' },
    { ref: '127.0.0.1:5000/x', want: '127.0.0.1:5000/x:latest' },
  ])('$ref', ({ ref, want }) => {
    expect(normalizeReference(ref)).toBe(want);
  });

  test.each([
    { ref: '', why: 'empty' },
    { ref: 'BusyBox', why: 'lowercase' },
    { ref: 'busybox:', why: 'invalid tag' },
    { ref: 'busybox@sha256:abc', why: 'digest' },
    { ref: 'busybox@md5:' + 'a'.repeat(32), why: 'digest' },
    { ref: 'a//b', why: 'component' },
    { ref: '-x', why: 'component' },
  ])('refuses "$ref"', ({ ref, why }) => {
    expect(() => normalizeReference(ref)).toThrow(InvalidReferenceError);
    expect(() => normalizeReference(ref)).toThrow(why);
  });

  test.each([
    { s: dgst, want: true },
    { s: 'a'.repeat(64), want: true },
    { s: 'busybox', want: false },
    { s: 'a'.repeat(63), want: false },
  ])('isImageID($s)', ({ s, want }) => {
    expect(isImageID(s)).toBe(want);
  });
});
