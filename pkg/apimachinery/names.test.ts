import { generateName, validateDNS1123Label, validateDNS1123Subdomain } from './names';

describe('generateName', () => {
  test.each([
    { prefix: 'web-', want: /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/ },
    { prefix: '', want: /^[bcdfghjklmnpqrstvwxz2456789]{5}$/ },
    { prefix: 'x'.repeat(70), want: new RegExp(`^x{58}[bcdfghjklmnpqrstvwxz2456789]{5}$`) },
  ])('$prefix', ({ prefix, want }) => {
    expect(generateName(prefix)).toMatch(want);
  });

  test('uses the injected randomness', () => {
    expect(generateName('rs-', () => 0)).toBe('rs-bbbbb');
  });
});

describe('validateDNS1123', () => {
  test.each([
    { name: 'web', sub: 0, label: 0 },
    { name: 'example.com', sub: 0, label: 1 },
    { name: 'a-b-1', sub: 0, label: 0 },
    { name: 'Web', sub: 1, label: 1 },
    { name: '-web', sub: 1, label: 1 },
    { name: 'web_1', sub: 1, label: 1 },
    { name: '', sub: 1, label: 1 },
    { name: 'a'.repeat(64), sub: 0, label: 1 },
    { name: 'a'.repeat(254), sub: 1, label: 1 },
  ])('$name', ({ name, sub, label }) => {
    expect(validateDNS1123Subdomain(name)).toHaveLength(sub);
    expect(validateDNS1123Label(name)).toHaveLength(label);
  });

  test('messages are upstream\'s', () => {
    expect(validateDNS1123Subdomain('Bad')).toEqual([
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(validateDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });
});
