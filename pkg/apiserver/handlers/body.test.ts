// Request-body edge cases the fuzz suite found: bodies nested past the limit, YAML syntax errors
// and warnings about unicode field names must be 4xx answers or valid headers, never a 500.
import type { Request } from 'express';
import { validateHeaderValue } from 'node:http';
import { StatusError } from '../../apimachinery/errors';
import { maxNestingDepth } from '../../apimachinery';
import { parseBody, warningHeader } from './body';

const request = (body: string, contentType = 'application/json'): Request =>
  ({ body: Buffer.from(body), headers: { 'content-type': contentType } }) as unknown as Request;

const statusOf = (f: () => unknown): number | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    if (err instanceof StatusError) return err.status.code;
    throw err;
  }
};

describe('parseBody', () => {
  it.each([
    ['JSON at the depth limit', `${'['.repeat(maxNestingDepth)}1${']'.repeat(maxNestingDepth)}`, 'application/json', undefined],
    ['JSON past the depth limit', `${'{"a":'.repeat(maxNestingDepth + 1)}1${'}'.repeat(maxNestingDepth + 1)}`, 'application/json', 400],
    ['JSON 20,000 levels deep', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, 'application/merge-patch+json', 400],
    ['broken JSON', '{"a":', 'application/json', 400],
    ['broken YAML', ': : :\n- [', 'application/yaml', 400],
    ['YAML nested too deep', `${'['.repeat(500)}${']'.repeat(500)}`, 'application/apply-patch+yaml', 400],
    ['a non-JSON media type', 'x', 'text/html', 415],
  ])('%s', (_name, body, type, code) => {
    expect(statusOf(() => parseBody(request(body, type)))).toBe(code);
  });
});

describe('warningHeader', () => {
  it.each([
    ['ascii', 'unknown field "spec.x"', '299 - "unknown field \\"spec.x\\""'],
    ['unicode as UTF-8 bytes', 'unknown field "🐳"', `299 - "unknown field \\"${Buffer.from('🐳').toString('latin1')}\\""`],
    ['control characters escaped', 'a\u0000b\u007fc\nd', '299 - "a\\u0000b\\u007fc\\nd"'],
    ['a lone surrogate escaped', '\ud800', '299 - "\\ud800"'],
  ])('%s', (_name, text, want) => {
    const value = warningHeader(text);
    expect(value).toBe(want);
    expect(() => validateHeaderValue('Warning', value)).not.toThrow();
  });
});
