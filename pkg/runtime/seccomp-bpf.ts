// Compiles an OCI seccomp profile into a classic BPF program for x86_64 (what libseccomp does for
// runc), so berth-shim only has to hand the bytes to seccomp(2): no libseccomp on the node.
//
// Program layout (struct seccomp_data: nr at 0, arch at 4, args[i] at 16 + 8i, low word first):
//   arch != AUDIT_ARCH_X86_64        → the default action (i386 and other ABIs are not allowed in)
//   nr has the x32 bit (0x40000000)  → the default action
//   nr > the highest number known    → ERRNO(ENOSYS) (runc's stub: newer libcs then fall back)
//   then one block per syscall number, in number order:
//     nr != N → skip the block
//     each rule of N in profile order: its argument conditions (AND), then RET its action;
//     a failed condition jumps to the next rule; after the last rule, RET the default action
//   RET the default action
// Rules for one syscall OR together, as in libseccomp; a rule without arguments ends the block.
import { invalidArgument } from './errors';
import type { OciSeccomp, SeccompAction, SeccompArg, SeccompSyscall } from './seccomp-profile';
import { x86_64Syscalls } from './seccomp-syscalls';

/** One sock_filter instruction; jt/jf are relative jumps (0…255). */
export interface BpfInsn { code: number; jt: number; jf: number; k: number }

const LD_W_ABS = 0x20;
const JEQ = 0x15;
const JGT = 0x25;
const JGE = 0x35;
const AND_K = 0x54;
const RET_K = 0x06;

const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;
const ENOSYS = 38;
const EPERM = 1;

/** SECCOMP_RET_* value of an action (linux/seccomp.h). */
export const actionValue = (action: SeccompAction, errnoRet?: number): number => {
  switch (action) {
    case 'SCMP_ACT_ALLOW': return 0x7fff0000;
    case 'SCMP_ACT_ERRNO': return (0x00050000 | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
    case 'SCMP_ACT_KILL': case 'SCMP_ACT_KILL_THREAD': return 0;
    case 'SCMP_ACT_KILL_PROCESS': return 0x80000000;
    case 'SCMP_ACT_TRAP': return 0x00030000;
    case 'SCMP_ACT_TRACE': return (0x7ff00000 | ((errnoRet ?? 0) & 0xffff)) >>> 0;
    case 'SCMP_ACT_LOG': return 0x7ffc0000;
    default: throw invalidArgument(`seccomp action "${String(action)}" is not supported`);
  }
};

const insn = (code: number, k: number, jt = 0, jf = 0): BpfInsn => ({ code, jt, jf, k: k >>> 0 });
const ret = (value: number): BpfInsn => insn(RET_K, value);

/** A jump target inside one rule: where the condition passes to (the next one) or fails to (the next rule). */
type Target = number | 'pass' | 'fail';
interface Pending { code: number; k: number; jt: Target; jf: Target }

const split = (v: number): { hi: number; lo: number } => {
  const b = BigInt.asUintN(64, BigInt(v));
  return { hi: Number(b >> 32n), lo: Number(b & 0xffffffffn) };
};

/** One argument condition as pending instructions ('pass' = just after it, 'fail' = the next rule). */
const condition = (a: SeccompArg): Pending[] => {
  if (a.index < 0 || a.index > 5) throw invalidArgument(`seccomp argument index ${a.index} out of range`);
  const ldHi: Pending = { code: LD_W_ABS, k: 16 + 8 * a.index + 4, jt: 0, jf: 0 };
  const ldLo: Pending = { code: LD_W_ABS, k: 16 + 8 * a.index, jt: 0, jf: 0 };
  const v = split(a.value);
  switch (a.op) {
    case 'SCMP_CMP_EQ':
      return [ldHi, { code: JEQ, k: v.hi, jt: 0, jf: 'fail' }, ldLo, { code: JEQ, k: v.lo, jt: 'pass', jf: 'fail' }];
    case 'SCMP_CMP_NE':
      return [ldHi, { code: JEQ, k: v.hi, jt: 0, jf: 'pass' }, ldLo, { code: JEQ, k: v.lo, jt: 'fail', jf: 'pass' }];
    case 'SCMP_CMP_MASKED_EQ': {
      const want = split(a.valueTwo ?? 0);
      return [
        ldHi, { code: AND_K, k: v.hi, jt: 0, jf: 0 }, { code: JEQ, k: want.hi, jt: 0, jf: 'fail' },
        ldLo, { code: AND_K, k: v.lo, jt: 0, jf: 0 }, { code: JEQ, k: want.lo, jt: 'pass', jf: 'fail' },
      ];
    }
    case 'SCMP_CMP_GT': case 'SCMP_CMP_GE':
      return [ldHi, { code: JGT, k: v.hi, jt: 'pass', jf: 0 }, { code: JEQ, k: v.hi, jt: 0, jf: 'fail' }, ldLo,
        { code: a.op === 'SCMP_CMP_GT' ? JGT : JGE, k: v.lo, jt: 'pass', jf: 'fail' }];
    case 'SCMP_CMP_LT': case 'SCMP_CMP_LE':
      return [ldHi, { code: JGT, k: v.hi, jt: 'fail', jf: 0 }, { code: JEQ, k: v.hi, jt: 0, jf: 'pass' }, ldLo,
        { code: a.op === 'SCMP_CMP_LT' ? JGE : JGT, k: v.lo, jt: 'fail', jf: 'pass' }];
    default: throw invalidArgument(`seccomp operator "${String(a.op)}" is not supported`);
  }
};

const jump = (t: Target, at: number, pass: number, fail: number): number => {
  const to = t === 'pass' ? pass : t === 'fail' ? fail : at + 1 + t;
  const off = to - at - 1;
  if (off < 0 || off > 255) throw invalidArgument('seccomp profile too large: a jump does not fit 8 bits');
  return off;
};

/** A rule: its conditions, then RET its action; a failed condition lands just after the RET. */
const ruleCode = (rule: SeccompSyscall): BpfInsn[] => {
  const conds = (rule.args ?? []).map(condition);
  const total = conds.reduce((n, c) => n + c.length, 0) + 1;
  const out: BpfInsn[] = [];
  for (const c of conds) {
    const start = out.length;
    c.forEach((p, i) => {
      const at = start + i;
      out.push(insn(p.code, p.k, jump(p.jt, at, start + c.length, total), jump(p.jf, at, start + c.length, total)));
    });
  }
  out.push(ret(actionValue(rule.action, rule.errnoRet)));
  return out;
};

/** The rules by syscall number, in profile order; names this architecture lacks are skipped. */
const rulesByNumber = (syscalls: SeccompSyscall[]): Map<number, SeccompSyscall[]> => {
  const byNr = new Map<number, SeccompSyscall[]>();
  for (const s of syscalls) {
    for (const name of s.names) {
      const nr = x86_64Syscalls[name];
      if (nr === undefined) continue;
      byNr.set(nr, [...(byNr.get(nr) ?? []), s]);
    }
  }
  return byNr;
};

export const compileSeccomp = (profile: OciSeccomp): BpfInsn[] => {
  const fallback = ret(actionValue(profile.defaultAction, profile.defaultErrnoRet));
  const maxNr = Math.max(...Object.values(x86_64Syscalls));
  const prog: BpfInsn[] = [
    insn(LD_W_ABS, 4), insn(JEQ, AUDIT_ARCH_X86_64, 1, 0), fallback,
    insn(LD_W_ABS, 0), insn(JGE, X32_SYSCALL_BIT, 0, 1), fallback,
    insn(JGT, maxNr, 0, 1), ret(actionValue('SCMP_ACT_ERRNO', ENOSYS)),
  ];
  const byNr = rulesByNumber(profile.syscalls ?? []);
  for (const nr of [...byNr.keys()].sort((a, b) => a - b)) {
    const rules = byNr.get(nr) ?? [];
    const cut = rules.findIndex((r) => !r.args?.length); // an unconditional rule decides: later ones never run
    const body = (cut < 0 ? rules : rules.slice(0, cut + 1)).flatMap(ruleCode);
    if (cut < 0) body.push(fallback);
    if (body.length > 255) throw invalidArgument(`seccomp profile too large for syscall ${nr}`);
    // Every block ends in RET: the accumulator (nr) is only clobbered inside the matching block.
    prog.push(insn(JEQ, nr, 0, body.length), ...body);
  }
  prog.push(fallback);
  if (prog.length > 4096) throw invalidArgument(`seccomp profile too large (${prog.length} BPF instructions, the kernel allows 4096)`);
  return prog;
};

// Containers share a handful of profiles (the default one per capability set): compile each once.
const compiled = new Map<string, string>();
const maxCompiled = 64;

/** compileSeccomp + bpfHex, memoized by the profile's JSON (~0.7 ms saved per container start). */
export const seccompProgramHex = (profile: OciSeccomp): string => {
  const key = JSON.stringify(profile);
  let hex = compiled.get(key);
  if (hex === undefined) {
    hex = bpfHex(compileSeccomp(profile));
    if (compiled.size >= maxCompiled) compiled.delete(compiled.keys().next().value ?? '');
    compiled.set(key, hex);
  }
  return hex;
};

/** The program as struct sock_filter[] bytes (little-endian u16 code, u8 jt, u8 jf, u32 k), hex-encoded for exec.spec. */
export const bpfHex = (prog: BpfInsn[]): string => {
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((p, i) => {
    buf.writeUInt16LE(p.code, i * 8);
    buf.writeUInt8(p.jt, i * 8 + 2);
    buf.writeUInt8(p.jf, i * 8 + 3);
    buf.writeUInt32LE(p.k >>> 0, i * 8 + 4);
  });
  return buf.toString('hex');
};
