import { PassThrough } from 'node:stream';
import { collectCapped, execOutcome, parseHelperReport } from './exec';
import { decodeLogLine } from './streaming-attach';

test.each([
  { name: 'an exit code', text: '{"exitCode":3}\n', want: { exitCode: 3, timedOut: false } },
  { name: 'a timeout, then the kill', text: '{"errno":110,"op":"timeout","path":"","message":"command timed out"}\n{"exitCode":137}\n', want: { exitCode: 137, timedOut: true } },
  { name: 'exec of a missing file', text: '{"errno":2,"op":"exec","path":"nope","message":"executable file not found in $PATH"}\n{"exitCode":127}\n',
    want: { exitCode: 127, timedOut: false, startError: 'exec nope: executable file not found in $PATH' } },
  { name: 'the helper failed before the process existed', text: '{"errno":2,"op":"open","path":"/proc/9/ns/ipc","message":"No such file or directory"}\n',
    want: { exitCode: -1, timedOut: false, helperError: 'open /proc/9/ns/ipc: No such file or directory' } },
])('execOutcome: $name', ({ text, want }) => {
  expect(execOutcome(parseHelperReport(text), 0)).toEqual(want);
});

test('parseHelperReport knows the connected line of port-forward', () => {
  expect(parseHelperReport('{"connected":8080}\n')).toEqual([{ kind: 'connected', port: 8080 }]);
});

test('collectCapped keeps the first bytes and drains the rest', async () => {
  const s = new PassThrough();
  const got = collectCapped(s, 5);
  s.write('abc');
  s.write('defgh');
  s.end('ijk');
  expect((await got).toString()).toBe('abcde');
});

test.each([
  { line: '2024-01-02T03:04:05.000000001Z stdout F hello world', want: { stream: 'stdout', data: 'hello world\n' } },
  { line: '2024-01-02T03:04:05.000000001Z stderr P part', want: { stream: 'stderr', data: 'part' } },
  { line: '2024-01-02T03:04:05.000000001Z stdout F ', want: { stream: 'stdout', data: '\n' } },
  { line: 'garbage', want: undefined },
])('decodeLogLine($line)', ({ line, want }) => {
  expect(decodeLogLine(line)).toEqual(want);
});
