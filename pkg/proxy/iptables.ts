// The iptables programs, as the proxy calls them: one iptables-save to read the current state
// and one atomic iptables-restore --noflush per sync (only the tables and chains in the input
// are touched).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { parseSave, type SavedState } from './rules';

const run = promisify(execFile);

export const iptablesSave = async (): Promise<SavedState> => {
  const [nat, filter] = await Promise.all([run('iptables-save', ['-t', 'nat']), run('iptables-save', ['-t', 'filter'])]);
  return parseSave(`${nat.stdout}\n${filter.stdout}`);
};

export const iptablesRestore = (text: string): Promise<void> => new Promise((resolve, reject) => {
  // -w: wait for the xtables lock rather than fail when another program holds it.
  const child = spawn('iptables-restore', ['--noflush', '-w', '5'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.on('error', reject);
  child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`iptables-restore failed (${code}): ${stderr.trim()}`))));
  child.stdin.end(text);
});
