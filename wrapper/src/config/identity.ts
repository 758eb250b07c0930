// Team mode: who spent it. Resolves the optional `team`, `user` and `project` labels from the
// environment (pure; the git facts are read by the caller, only when team mode is on). Kept free
// of zod and of imports that load it: it runs before Claude Code is spawned.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { usageError } from '../errors.js';
import { parseSwitch } from './options.js';

export const IDENTITY_KEYS = ['team', 'user', 'project'] as const;
export type IdentityKey = (typeof IDENTITY_KEYS)[number];
/** The labels a run carries in team mode; `team` is always there, the others when known. */
export type Identity = { team: string } & Partial<Record<'user' | 'project', string>>;

export const IDENTITY_ENV = {
  team: 'CLAUDE_OTEL_TEAM',
  user: 'CLAUDE_OTEL_USER',
  project: 'CLAUDE_OTEL_PROJECT',
  pseudonymize: 'CLAUDE_OTEL_USER_PSEUDONYMIZE',
  salt: 'CLAUDE_OTEL_USER_SALT',
} as const;

/** Longest label value kept; longer configured values are refused, derived ones shortened. */
export const MAX_IDENTITY_LENGTH = 128;

/** What the caller read from git for the defaults (null where there is none). */
export interface IdentityFacts {
  /** `git config user.email` in the working directory. */
  gitEmail: string | null;
  /** `remote.origin.url`, already stripped of credentials (run/context.ts sanitizeRemote). */
  gitRemote: string | null;
  cwd: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * OTEL_RESOURCE_ATTRIBUTES (`k=v,k2=v2`, values percent-encoded) as a map; entries without `=`
 * are skipped, as the OpenTelemetry SDKs do.
 */
export function parseResourceAttributes(value: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (value ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    let v = part.slice(eq + 1).trim();
    try {
      v = decodeURIComponent(v);
    } catch {
      // a stray % is kept as written
    }
    if (key) out.set(key, v);
  }
  return out;
}

function formatResourceAttributes(attrs: Map<string, string>): string {
  return [...attrs].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(',');
}

/** A configured value: empty means unset; control characters or excess length are refused. */
function configured(value: string | undefined, name: string): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (CONTROL.test(v))
    throw usageError(
      `${name} contains a control character`,
      'use printable text, e.g. CLAUDE_OTEL_TEAM=platform',
    );
  if (v.length > MAX_IDENTITY_LENGTH)
    throw usageError(
      `${name} is ${v.length} characters long`,
      `use at most ${MAX_IDENTITY_LENGTH} characters`,
    );
  return v;
}

/** A derived value (git email, repository, directory): cleaned instead of refused. */
function derived(value: string | null | undefined): string | undefined {
  const v = value?.replace(CONTROL_ALL, '').trim().slice(0, MAX_IDENTITY_LENGTH);
  return v || undefined;
}

/** True when the environment asks for team mode (CLAUDE_OTEL_TEAM or `team` in the resource). */
export function teamModeOn(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env[IDENTITY_ENV.team]?.trim() ||
      parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES).get('team')?.trim(),
  );
}

/** True when the defaults need git (team mode on and user or project not configured). */
export function identityNeedsGit(env: NodeJS.ProcessEnv): boolean {
  if (!teamModeOn(env)) return false;
  const attrs = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  const set = (k: IdentityKey) => Boolean(env[IDENTITY_ENV[k]]?.trim() || attrs.get(k)?.trim());
  return !set('user') || !(set('project') || env.GITHUB_REPOSITORY?.trim());
}

const PSEUDONYM = /^u-[0-9a-f]{12}$/;

/**
 * A stable short pseudonym of a user: never the value itself, the same for the same salt. A value
 * that is a pseudonym already (e.g. written into Claude Code's settings by `setup`) is kept.
 */
export function pseudonymizeUser(user: string, salt: string): string {
  if (PSEUDONYM.test(user)) return user;
  return `u-${createHash('sha256').update(`${salt}\u0000${user.toLowerCase()}`).digest('hex').slice(0, 12)}`;
}

/** `owner/name` of a repository: from `github.com/owner/name` (or any host/path), else as is. */
export function repositoryName(remote: string): string {
  const parts = remote.split('/').filter(Boolean);
  return parts.length >= 3 ? parts.slice(-2).join('/') : remote;
}

/**
 * The run's identity, or null when team mode is off. Configured values (CLAUDE_OTEL_*) win over
 * OTEL_RESOURCE_ATTRIBUTES; `user` defaults to the git email and `project` to the repository
 * (GITHUB_REPOSITORY, the origin remote's owner/name, else the directory name). With
 * CLAUDE_OTEL_USER_PSEUDONYMIZE on (the shared on/off words) the user is replaced by a salted hash.
 * Throws a usage error for a configured value that is not a usable label, or a switch neither on nor off.
 */
export function resolveIdentity(env: NodeJS.ProcessEnv, facts: IdentityFacts): Identity | null {
  const attrs = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  const pick = (k: IdentityKey) =>
    configured(env[IDENTITY_ENV[k]], IDENTITY_ENV[k]) ??
    configured(attrs.get(k), `OTEL_RESOURCE_ATTRIBUTES ${k}`);
  const team = pick('team');
  if (!team) return null;
  // A privacy switch: a value that is neither on nor off is refused, never read as off.
  const pseudonymize = parseSwitch(env[IDENTITY_ENV.pseudonymize], IDENTITY_ENV.pseudonymize, false);
  let user = pick('user') ?? derived(facts.gitEmail);
  if (user && pseudonymize) user = pseudonymizeUser(user, env[IDENTITY_ENV.salt] ?? '');
  const project =
    pick('project') ??
    derived(env.GITHUB_REPOSITORY) ??
    derived(facts.gitRemote ? repositoryName(facts.gitRemote) : null) ??
    derived(path.basename(facts.cwd));
  return { team, ...(user ? { user } : {}), ...(project ? { project } : {}) };
}

/** True when a project was configured (not defaulted from the directory or repository). */
export function projectConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(
    env[IDENTITY_ENV.project]?.trim() ||
      parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES).get('project')?.trim(),
  );
}

/**
 * OTEL_RESOURCE_ATTRIBUTES for a Claude Code child: the user's own attributes, with the identity's
 * keys set to the resolved values (a pseudonymised user replaces an email given there).
 */
export function identityResourceAttributes(existing: string | undefined, identity: Identity): string {
  const attrs = parseResourceAttributes(existing);
  for (const k of IDENTITY_KEYS) {
    const v = identity[k];
    if (v === undefined) attrs.delete(k);
    else attrs.set(k, v);
  }
  return formatResourceAttributes(attrs);
}
