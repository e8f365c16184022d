// Shared pieces of the flag declarations (commands*.ts): value parsers and the verb definer.
import { InvalidArgumentError, type Command } from 'commander';
import type { Verb } from './types';

export const int = (flag: string) => (value: string): number => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`invalid argument "${value}" for "--${flag}" flag: must be an integer`);
  return Number(value);
};
export const collect = (value: string, prev: string[] = []): string[] => [...prev, value];
/** `-L a,b -L c` → [a, b, c] (pflag string slices split on commas). */
export const collectCsv = (value: string, prev: string[] = []): string[] => [...prev, ...value.split(',').filter(Boolean)];

export type Options = Record<string, unknown>;
export type VerbFactory = (opts: Options) => Promise<Verb<unknown>>;
/** Declares one verb: `berthctl <name>` with a summary and a factory of its Verb. */
export type DefineVerb = (name: string, summary: string, factory: VerbFactory) => Command;

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const strs = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);

