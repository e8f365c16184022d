// Name generation and DNS-1123 name validation (apiserver names.go, apimachinery validation.go).
import { randomInt } from 'node:crypto';

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
const randomLength = 5;
const maxGeneratedNameLength = 63 - randomLength;

/** `generateName` + 5 random characters; the prefix is cut so the result fits 63 characters. */
export const generateName = (prefix: string, random: (n: number) => number = randomInt): string => {
  const base = prefix.length > maxGeneratedNameLength ? prefix.slice(0, maxGeneratedNameLength) : prefix;
  let suffix = '';
  for (let i = 0; i < randomLength; i++) suffix += alphanums[random(alphanums.length)];
  return base + suffix;
};

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);

const maxLenError = (n: number) => `must be no more than ${n} characters`;

/** Names of most objects (RFC 1123 subdomain, at most 253 characters). Empty list = valid. */
export const validateDNS1123Subdomain = (name: string): string[] => {
  const errs: string[] = [];
  if (name.length > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(name)) {
    errs.push(`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${dns1123SubdomainFmt}')`);
  }
  return errs;
};

/** Namespaces, container names, ports (RFC 1123 label, at most 63 characters). Empty list = valid. */
export const validateDNS1123Label = (name: string): string[] => {
  const errs: string[] = [];
  if (name.length > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(name)) {
    errs.push(`a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${dns1123LabelFmt}')`);
  }
  return errs;
};
