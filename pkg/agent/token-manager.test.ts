import { silentLogger } from '../log';
import { FakeTokenIssuer } from './fake-token-issuer';
import { TokenManager, type TokenSpec } from './token-manager';

const hour = 3600 * 1000;

/** A manual clock that can also go back (a system clock that leaps). */
const manualClock = () => {
  let t = Date.parse('2025-01-01T00:00:00Z');
  return { now: () => t, step: (ms: number) => { t += ms; } };
};

const setup = (random = 0) => {
  const clock = manualClock();
  const issuer = new FakeTokenIssuer(clock);
  const tokens = new TokenManager({ serviceAccounts: issuer, clock, log: silentLogger(), random: () => random });
  return { clock, issuer, tokens };
};

const spec = (o: Partial<TokenSpec> = {}): TokenSpec => ({ audiences: [], expirationSeconds: 3600, boundPod: { name: 'web', uid: 'uid-1' }, ...o });

test('asks the TokenRequest subresource once, bound to the pod, and serves the cached token after', async () => {
  const t = setup();
  expect(await t.tokens.getServiceAccountToken('default', 'default', spec({ audiences: ['vault'] }))).toBe('token-1');
  expect(await t.tokens.getServiceAccountToken('default', 'default', spec({ audiences: ['vault'] }))).toBe('token-1');
  expect(t.issuer.requests).toEqual([{ namespace: 'default', name: 'default', body: {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
    spec: { audiences: ['vault'], expirationSeconds: 3600, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'uid-1' } },
  } }]);
});

test.each([
  { name: 'another audience', other: spec({ audiences: ['vault'] }) },
  { name: 'another lifetime', other: spec({ expirationSeconds: 7200 }) },
  { name: 'another pod', other: spec({ boundPod: { name: 'web', uid: 'uid-2' } }) },
])('$name is a separate token', async ({ other }) => {
  const t = setup();
  await t.tokens.getServiceAccountToken('default', 'default', spec());
  expect(await t.tokens.getServiceAccountToken('default', 'default', other)).toBe('token-2');
  expect(t.tokens.size()).toBe(2);
});

test.each([
  { name: 'fresh', seconds: 3600, after: 2880 * 1000 - 1, random: 0, refresh: false },
  { name: 'past 80% of its lifetime', seconds: 3600, after: 2880 * 1000 + 1, random: 0, refresh: true },
  { name: '80% less the jitter (9 s)', seconds: 3600, after: 2871 * 1000 + 1, random: 0.95, refresh: true },
  { name: 'a week-long token before 24 h', seconds: 7 * 24 * 3600, after: 24 * hour - 1, random: 0, refresh: false },
  { name: 'a week-long token after 24 h', seconds: 7 * 24 * 3600, after: 24 * hour + 1, random: 0, refresh: true },
  { name: 'the clock went back past its issue time', seconds: 3600, after: -1000, random: 0, refresh: true },
])('refresh when $name: $refresh', async ({ seconds, after, random, refresh }) => {
  const t = setup(random);
  const s = spec({ expirationSeconds: seconds });
  await t.tokens.getServiceAccountToken('default', 'default', s);
  t.clock.step(after);
  expect(await t.tokens.getServiceAccountToken('default', 'default', s)).toBe(refresh ? 'token-2' : 'token-1');
});

test('the lifetime the server granted decides the refresh, not the one asked for', async () => {
  const t = setup();
  t.issuer.grantSeconds = 1000;
  await t.tokens.getServiceAccountToken('default', 'default', spec());
  t.clock.step(800 * 1000 + 1);
  expect(await t.tokens.getServiceAccountToken('default', 'default', spec())).toBe('token-2');
});

test('a failed refresh keeps a token that has not expired, and fails once it has', async () => {
  const t = setup();
  await t.tokens.getServiceAccountToken('default', 'default', spec());
  t.issuer.failWith = new Error('connection refused');
  t.clock.step(3000 * 1000);
  expect(await t.tokens.getServiceAccountToken('default', 'default', spec())).toBe('token-1');
  t.clock.step(601 * 1000);
  await expect(t.tokens.getServiceAccountToken('default', 'default', spec()))
    .rejects.toThrow('token of service account default/default for pod web expired and refresh failed: connection refused');
});

test('no token yet and the request fails: the error names the cause', async () => {
  const t = setup();
  await expect(t.tokens.getServiceAccountToken('default', 'builder', spec())).rejects.toThrow('failed to fetch token: serviceaccounts "builder" not found');
  expect(t.tokens.size()).toBe(0);
});

test('tokens of a torn-down pod are dropped; expired ones go within a minute', async () => {
  const t = setup();
  await t.tokens.getServiceAccountToken('default', 'default', spec());
  await t.tokens.getServiceAccountToken('default', 'default', spec({ boundPod: { name: 'db', uid: 'uid-2' } }));
  t.tokens.deletePodTokens('uid-1');
  expect(t.tokens.size()).toBe(1);
  t.clock.step(hour + 1);
  await t.tokens.getServiceAccountToken('default', 'default', spec({ expirationSeconds: 7200, boundPod: { name: 'api', uid: 'uid-3' } }));
  expect(t.tokens.size()).toBe(1); // uid-2's expired token was collected
});
