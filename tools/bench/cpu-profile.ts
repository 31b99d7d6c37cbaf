/**
 * Reads a V8 `.cpuprofile` (`node --cpu-prof`) into two tables: where the CPU time was spent by
 * function (self time), and by package or part of ShopMesh, "attributed": its own time plus the
 * Node core and native work it called (a socket write is charged to ioredis or pino, not to `net`).
 * "On the stack" would mislead here: Express middleware call the rest of the chain from inside.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `pino`, `@nestjs/core`, `libs/logging`, `apps/gateway`, `node:internal`, `(garbage collector)`… */
export function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const [scope = '', name = ''] = url.slice(modules + 'node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const ours = /\/dist\/((?:apps|libs)\/[^/]+)\//.exec(url);
  if (ours?.[1]) return ours[1];
  if (url.startsWith('node:')) return 'node (core)';
  return url;
}

export interface ProfileSummary {
  totalMs: number;
  /** Busy time: samples that are not `(idle)`. */
  busyMs: number;
  byFunction: Array<{ frame: string; owner: string; selfMs: number }>;
  byOwner: Array<{ owner: string; selfMs: number; attributedMs: number }>;
}

const CORE_OWNERS = new Set(['node (core)', '(native)', '(program)']);

export function summarizeProfile(path: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  const attributed = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    self.set(id, (self.get(id) ?? 0) + ms);
    const frame = byId.get(id)?.callFrame;
    if (frame?.functionName === '(idle)') idleMs += ms;
    let owner = frame ? ownerOf(frame.url, frame.functionName) : '(native)';
    for (let n = parent.get(id); CORE_OWNERS.has(owner) && n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)?.callFrame;
      if (f && f.functionName !== '(root)') owner = ownerOf(f.url, f.functionName);
    }
    attributed.set(owner, (attributed.get(owner) ?? 0) + ms);
  });
  const functions = new Map<string, { frame: string; owner: string; selfMs: number }>();
  const ownersSelf = new Map<string, number>();
  for (const [id, ms] of self) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const owner = ownerOf(f.url, f.functionName);
    const file = f.url.split('/').slice(-1)[0] ?? '';
    const frame = `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
    const entry = functions.get(frame) ?? { frame, owner, selfMs: 0 };
    entry.selfMs += ms;
    functions.set(frame, entry);
    ownersSelf.set(owner, (ownersSelf.get(owner) ?? 0) + ms);
  }
  return {
    totalMs,
    busyMs: totalMs - idleMs,
    byFunction: [...functions.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top),
    byOwner: [...attributed]
      .map(([owner, attributedMs]) => ({ owner, attributedMs, selfMs: ownersSelf.get(owner) ?? 0 }))
      .sort((a, b) => b.attributedMs - a.attributedMs)
      .slice(0, top),
  };
}

const pct = (ms: number, of: number): string => `${((100 * ms) / of).toFixed(1)}%`;

/** The summary as two markdown tables, shares of the busy (non-idle) time. */
export function profileTables(s: ProfileSummary): string {
  const owners = [
    '| package / part | attributed | self |',
    '|---|---|---|',
    ...s.byOwner
      .filter((o) => o.owner !== '(idle)')
      .map((o) => `| ${o.owner} | ${pct(o.attributedMs, s.busyMs)} | ${pct(o.selfMs, s.busyMs)} |`),
  ];
  const functions = [
    '| function (self time) | package / part | self |',
    '|---|---|---|',
    ...s.byFunction
      .filter((f) => f.frame !== '(idle)')
      .map((f) => `| ${f.frame.replace(/\|/g, '\\|')} | ${f.owner} | ${pct(f.selfMs, s.busyMs)} |`),
  ];
  return `busy ${(s.busyMs / 1000).toFixed(1)} s of ${(s.totalMs / 1000).toFixed(1)} s profiled\n\n${owners.join('\n')}\n\n${functions.join('\n')}`;
}
