import type { RequestInfo } from '../request-info';
import { agentPath, execParams, legacyErrorChannel, negotiate, spdyExecProtocols, wsExecProtocols } from './exec';
import { errorPayload, execStreams } from './exec-spdy';
import { queryPorts } from './portforward';
import { upgradeProtocol } from './upgrade';
import type http from 'node:http';

const q = (s: string) => new URLSearchParams(s);

describe('execParams', () => {
  test.each([
    ['command=ls&stdout=true&stderr=true', false, { command: ['ls'], stdin: false, stdout: true, stderr: true, tty: false }],
    ['command=sh&command=-c&command=x&stdin=true&stdout=true&tty=true', false, { command: ['sh', '-c', 'x'], stdin: true, stdout: true, stderr: false, tty: true }],
    // A terminal merges stderr into stdout.
    ['command=sh&stdout=1&stderr=1&tty=1', false, { command: ['sh'], stdin: false, stdout: true, stderr: false, tty: true }],
    ['stdout=true', true, { command: [], stdin: false, stdout: true, stderr: false, tty: false }],
  ])('%s (attach %s)', (query, attach, want) => expect(execParams(q(query), 'app', attach)).toEqual({ container: 'app', ...want }));

  test.each([
    ['stdout=true', false, 'you must specify at least 1 command'],
    ['command=ls', false, 'you must specify at least 1 of stdin, stdout, stderr'],
  ])('rejects %s', (query, attach, message) => expect(() => execParams(q(query), 'app', attach)).toThrow(message));
});

test('agentPath names the container and passes the streams and the command', () => {
  const ri = { namespace: 'ns', name: 'p 1' } as RequestInfo;
  const p = execParams(q('command=sh&command=-c&command=echo a&stdin=true&stdout=true'), 'c', false);
  expect(agentPath(false, ri, p)).toBe('/exec/ns/p%201/c?command=sh&command=-c&command=echo+a&stdin=1&stdout=1');
  expect(agentPath(true, ri, p)).toBe('/attach/ns/p%201/c?stdin=1&stdout=1');
});

test.each([
  [['v5.channel.k8s.io'], wsExecProtocols, 'v5.channel.k8s.io'],
  [['v4.channel.k8s.io', 'v5.channel.k8s.io'], wsExecProtocols, 'v4.channel.k8s.io'],
  [['base64.channel.k8s.io'], wsExecProtocols, undefined],
  [['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io'], spdyExecProtocols, 'v4.channel.k8s.io'],
])('negotiate(%j) picks the client\'s first supported', (offered, supported, want) => expect(negotiate(offered, supported)).toBe(want));

describe('error channel for the protocols before v4', () => {
  const failure = Buffer.from(`\x03${JSON.stringify({ status: 'Failure', message: 'command terminated with non-zero exit code: 2' })}`);
  test('a failure becomes its message, a success disappears, other channels pass', () => {
    expect(legacyErrorChannel(failure)?.toString()).toBe('\x03command terminated with non-zero exit code: 2');
    expect(legacyErrorChannel(Buffer.from(`\x03${JSON.stringify({ status: 'Success' })}`))).toBeUndefined();
    expect(legacyErrorChannel(Buffer.from('\x01out'))?.toString()).toBe('\x01out');
  });
  test.each([
    ['v4.channel.k8s.io', '{"status":"Failure","message":"m"}'],
    ['v3.channel.k8s.io', 'm'],
    ['channel.k8s.io', 'm'],
  ])('SPDY %s error stream payload', (protocol, want) => expect(errorPayload(Buffer.from('{"status":"Failure","message":"m"}'), protocol).toString()).toBe(want));
  test('SPDY: success is empty before v4; a missing status is a failure', () => {
    expect(errorPayload(Buffer.from('{"status":"Success"}'), 'v2.channel.k8s.io').length).toBe(0);
    expect(JSON.parse(errorPayload(undefined, 'v4.channel.k8s.io').toString())).toMatchObject({ status: 'Failure' });
  });
});

test.each([
  [{ stdin: true, stdout: true, stderr: true, tty: false }, 'v4.channel.k8s.io', ['error', 'stdin', 'stdout', 'stderr']],
  [{ stdin: true, stdout: true, stderr: false, tty: true }, 'v4.channel.k8s.io', ['error', 'stdin', 'stdout', 'resize']],
  [{ stdin: false, stdout: true, stderr: false, tty: true }, 'v2.channel.k8s.io', ['error', 'stdout']],
])('execStreams(%j, %s)', (p, protocol, want) => expect([...execStreams(p, protocol)]).toEqual(want));

test.each([
  ['ports=80', [80]],
  ['port=80&port=8080', [80, 8080]],
  ['ports=80,443', [80, 443]],
  ['', []],
])('queryPorts(%s)', (query, want) => expect(queryPorts(q(query))).toEqual(want));

test('queryPorts rejects a bad port', () => expect(() => queryPorts(q('ports=99999'))).toThrow('invalid port "99999"'));

test.each([
  [{ connection: 'Upgrade', upgrade: 'websocket' }, 'websocket'],
  [{ connection: 'keep-alive, Upgrade', upgrade: 'SPDY/3.1' }, 'spdy/3.1'],
  [{ upgrade: 'websocket' }, ''],
  [{}, ''],
])('upgradeProtocol(%j)', (headers, want) => expect(upgradeProtocol({ headers } as http.IncomingMessage)).toBe(want));
