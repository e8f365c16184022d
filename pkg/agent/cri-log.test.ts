import { fixedNano, LogFormatter, parseCRILine, splitLines, tailStart } from './cri-log';

test.each([
  { line: '2016-10-06T00:17:09.669794202Z stdout F hello world', want: { timestamp: '2016-10-06T00:17:09.669794202Z', stream: 'stdout', partial: false, content: 'hello world' } },
  { line: '2016-10-06T00:17:09.669794202Z stderr P part', want: { timestamp: '2016-10-06T00:17:09.669794202Z', stream: 'stderr', partial: true, content: 'part' } },
  { line: '2016-10-06T00:17:09Z stdout F', want: { timestamp: '2016-10-06T00:17:09Z', stream: 'stdout', partial: false, content: '' } },
  { line: '2016-10-06T00:17:09Z stdout F  two  spaces ', want: { timestamp: '2016-10-06T00:17:09Z', stream: 'stdout', partial: false, content: ' two  spaces ' } },
  { line: 'garbage', want: undefined },
  { line: '2016 nostream F x', want: undefined },
])('parseCRILine($line)', ({ line, want }) => {
  expect(parseCRILine(line)).toEqual(want);
});

test.each([
  ['2016-10-06T00:17:09.6697Z', '2016-10-06T00:17:09.669700000Z'],
  ['2016-10-06T00:17:09Z', '2016-10-06T00:17:09.000000000Z'],
  ['2016-10-06T00:17:09.123456789+02:00', '2016-10-06T00:17:09.123456789+02:00'],
])('fixedNano(%s)', (ts, want) => expect(fixedNano(ts)).toBe(want));

const lines = [
  '2025-01-01T00:00:01.5Z stdout F one',
  '2025-01-01T00:00:02Z stdout P tw',
  '2025-01-01T00:00:03Z stdout F o',
  '2025-01-01T00:00:04Z stderr F three',
];

test.each([
  { name: 'plain, partial lines joined', opts: {}, want: 'one\ntwo\nthree\n' },
  { name: 'timestamps once per logical line', opts: { timestamps: true },
    want: '2025-01-01T00:00:01.500000000Z one\n2025-01-01T00:00:02.000000000Z two\n2025-01-01T00:00:04.000000000Z three\n' },
  { name: 'since', opts: { sinceMs: Date.parse('2025-01-01T00:00:02Z') }, want: 'two\nthree\n' },
  { name: 'limitBytes', opts: { limitBytes: 6 }, want: 'one\ntw' },
])('format: $name', ({ opts, want }) => {
  const f = new LogFormatter(opts);
  expect(lines.map((l) => f.format(l)).join('')).toBe(want);
});

test.each([
  { text: 'a\nb\nc\n', n: 2, want: 'b\nc\n' },
  { text: 'a\nb\nc\n', n: 5, want: 'a\nb\nc\n' },
  { text: 'a\nb\nc\n', n: 0, want: '' },
  { text: 'a\nb\nc', n: 1, want: 'c' },
  { text: '', n: 3, want: '' },
  { text: 'a\nb\n', n: -1, want: 'a\nb\n' },
])('tailStart($n)', ({ text, n, want }) => {
  const buf = Buffer.from(text);
  expect(buf.subarray(tailStart(buf, n)).toString()).toBe(want);
});

test('splitLines keeps the unfinished rest', () => {
  expect(splitLines('ab', 'c\nde\nf')).toEqual({ lines: ['abc', 'de'], rest: 'f' });
});
