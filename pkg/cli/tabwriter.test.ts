// Go text/tabwriter behaviour (column blocks, padding, trailing cells) that kubectl's
// describe and get output depend on.
import { TabWriter, tabbedString } from './tabwriter';

test.each([
  ['one block', 'a\tb\nccc\td\n', 'a    b\nccc  d\n'],
  ['a line without the column ends the block; the next block sizes itself', 'Name:\tx\nIPs:\n  IP:\t10.0.0.1\nStatus:\tRunning\n', 'Name:  x\nIPs:\n  IP:    10.0.0.1\nStatus:  Running\n'],
  ['the last cell is never padded', 'Type\tStatus\nReady \tTrue \n', 'Type    Status\nReady   True \n'],
  ['nested columns', 'a\tb\tc\naa\tbbbb\tc\nx\n', 'a   b     c\naa  bbbb  c\nx\n'],
  ['empty cells pad', '\tx\nlong\ty\n', '      x\nlong  y\n'],
])('%s', (_name, input, want) => {
  expect(tabbedString(input)).toBe(want);
});

test('kubectl get: minwidth 6, padding 3', () => {
  expect(new TabWriter({ minwidth: 6, padding: 3 }).format('NAME\tAGE\na\t1s\n')).toBe('NAME   AGE\na      1s\n');
});

test('RememberWidths keeps columns aligned across flushes (get -w)', () => {
  const w = new TabWriter({ minwidth: 6, padding: 3, rememberWidths: true });
  expect(w.format('NAME\tSTATUS\nlongname\tRunning\n')).toBe('NAME       STATUS\nlongname   Running\n');
  expect(w.format('a\tPending\n')).toBe('a          Pending\n');
});
