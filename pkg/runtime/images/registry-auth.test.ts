import { basicPair, parseChallenges, RegistryAuthError, TokenCache, type FetchFn } from './registry-auth';

describe('parseChallenges', () => {
  test.each([
    ['Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull' } }]],
    ['Basic realm="basic-realm"', [{ scheme: 'basic', params: { realm: 'basic-realm' } }]],
    ['Basic realm=plain, Bearer realm="r", error="insufficient_scope"',
      [{ scheme: 'basic', params: { realm: 'plain' } }, { scheme: 'bearer', params: { realm: 'r', error: 'insufficient_scope' } }]],
    ['Bearer realm="a \\"quoted\\" realm" , service = "s"', [{ scheme: 'bearer', params: { realm: 'a "quoted" realm', service: 's' } }]],
    ['', []],
  ])('%s', (header, want) => {
    expect(parseChallenges(header)).toEqual(want);
  });
});

describe('basicPair', () => {
  test.each([
    [undefined, undefined],
    [{}, undefined],
    [{ username: 'u', password: 'p' }, { username: 'u', password: 'p' }],
    [{ auth: Buffer.from('user:pa:ss').toString('base64') }, { username: 'user', password: 'pa:ss' }],
    [{ registryToken: 't' }, undefined],
  ])('%j', (creds, want) => {
    expect(basicPair(creds)).toEqual(want);
  });

  test('auth without a colon is refused', () => {
    expect(() => basicPair({ auth: Buffer.from('nocolon').toString('base64') })).toThrow(RegistryAuthError);
  });
});

describe('TokenCache', () => {
  const challenge = { scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/token', service: 'reg' } };
  const setup = (answer: (url: URL, auth: string | undefined) => Response) => {
    let now = 1_000_000;
    const calls: { url: URL; auth: string | undefined }[] = [];
    const fetchFn: FetchFn = async (url, init) => {
      const auth = (init.headers as Record<string, string>).authorization;
      calls.push({ url: new URL(url), auth });
      return answer(new URL(url), auth);
    };
    const cache = new TokenCache(fetchFn, () => now);
    return { cache, calls, advance: (ms: number) => { now += ms; } };
  };
  const json = (body: object, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  test('fetches once per scope and credentials, until expiry', async () => {
    let n = 0;
    const { cache, calls, advance } = setup(() => json({ token: `t${++n}`, expires_in: 300 }));
    expect(await cache.token(challenge, 'repository:a:pull', undefined)).toBe('t1');
    expect(await cache.token(challenge, 'repository:a:pull', undefined)).toBe('t1');
    expect(await cache.token(challenge, 'repository:b:pull', undefined)).toBe('t2');
    expect(await cache.token(challenge, 'repository:a:pull', { username: 'u', password: 'p' })).toBe('t3');
    expect(calls.map((c) => [c.url.searchParams.get('service'), c.url.searchParams.get('scope'), c.auth])).toEqual([
      ['reg', 'repository:a:pull', undefined],
      ['reg', 'repository:b:pull', undefined],
      ['reg', 'repository:a:pull', `Basic ${Buffer.from('u:p').toString('base64')}`],
    ]);
    advance(296_000);
    expect(await cache.token(challenge, 'repository:a:pull', undefined)).toBe('t4');
  });

  test('concurrent requests share one fetch; access_token is accepted', async () => {
    const { cache, calls } = setup(() => json({ access_token: 'x' }));
    const got = await Promise.all([1, 2, 3].map(() => cache.token(challenge, 's', undefined)));
    expect(got).toEqual(['x', 'x', 'x']);
    expect(calls).toHaveLength(1);
  });

  test.each([
    ['a refusal', () => json({ errors: [] }, 401), /answered 401/],
    ['no token', () => json({}), /returned no token/],
  ])('%s is an auth error', async (_name, answer, msg) => {
    const { cache } = setup(answer);
    await expect(cache.token(challenge, 's', undefined)).rejects.toThrow(msg);
  });
});
