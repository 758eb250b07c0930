// Team mode's identity resolution: off by default, configured values win, git defaults, the
// pseudonym never carries the email, bad configured values are refused in one line.
import { describe, expect, it } from 'vitest';
import {
  identityNeedsGit,
  identityResourceAttributes,
  parseResourceAttributes,
  pseudonymizeUser,
  resolveIdentity,
  teamModeOn,
} from '../../../src/config/identity.js';
import { ClaudeOtelError, EXIT } from '../../../src/errors.js';

const facts = { gitEmail: 'ada@example.com', gitRemote: 'github.com/acme/rocket', cwd: '/home/ada/rocket' };

function refused(fn: () => unknown): ClaudeOtelError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ClaudeOtelError);
    return error as ClaudeOtelError;
  }
  throw new Error('expected a usage error');
}

describe('team mode identity', () => {
  it('is off with nothing set, and with only a user or project set', () => {
    expect(teamModeOn({})).toBe(false);
    expect(resolveIdentity({}, facts)).toBeNull();
    expect(resolveIdentity({ CLAUDE_OTEL_USER: 'ada', CLAUDE_OTEL_PROJECT: 'p' }, facts)).toBeNull();
    expect(resolveIdentity({ CLAUDE_OTEL_TEAM: '  ' }, facts)).toBeNull();
    expect(resolveIdentity({ OTEL_RESOURCE_ATTRIBUTES: 'department=eng' }, facts)).toBeNull();
    expect(identityNeedsGit({})).toBe(false);
  });

  it('defaults user to the git email and project to the repository, then the directory', () => {
    expect(resolveIdentity({ CLAUDE_OTEL_TEAM: 'platform' }, facts)).toEqual({
      team: 'platform',
      user: 'ada@example.com',
      project: 'acme/rocket',
    });
    expect(resolveIdentity({ CLAUDE_OTEL_TEAM: 'platform', GITHUB_REPOSITORY: 'acme/ci' }, facts)).toEqual({
      team: 'platform',
      user: 'ada@example.com',
      project: 'acme/ci',
    });
    expect(
      resolveIdentity(
        { CLAUDE_OTEL_TEAM: 'platform' },
        { gitEmail: null, gitRemote: null, cwd: '/x/scratch' },
      ),
    ).toEqual({ team: 'platform', project: 'scratch' });
  });

  it('takes configured values over OTEL_RESOURCE_ATTRIBUTES, which turn team mode on too', () => {
    const env = { OTEL_RESOURCE_ATTRIBUTES: 'team=data,user=bob%40example.com,project=lake,dept=x' };
    expect(teamModeOn(env)).toBe(true);
    expect(identityNeedsGit(env)).toBe(false);
    expect(resolveIdentity(env, facts)).toEqual({ team: 'data', user: 'bob@example.com', project: 'lake' });
    expect(resolveIdentity({ ...env, CLAUDE_OTEL_TEAM: 'ml', CLAUDE_OTEL_USER: 'carol' }, facts)).toEqual({
      team: 'ml',
      user: 'carol',
      project: 'lake',
    });
  });

  it('pseudonymises the user: stable, salted, never the email', () => {
    const env = { CLAUDE_OTEL_TEAM: 'platform', CLAUDE_OTEL_USER_PSEUDONYMIZE: '1' };
    const a = resolveIdentity(env, facts);
    expect(a?.user).toMatch(/^u-[0-9a-f]{12}$/);
    expect(JSON.stringify(a)).not.toContain('ada');
    expect(resolveIdentity(env, facts)?.user).toBe(a?.user);
    expect(resolveIdentity({ ...env, CLAUDE_OTEL_USER_SALT: 's3' }, facts)?.user).not.toBe(a?.user);
    expect(pseudonymizeUser('Ada@Example.com', '')).toBe(a?.user);
    // A pseudonym (as `setup` writes it into Claude Code's settings) is not hashed again.
    expect(pseudonymizeUser(a?.user ?? '', 'other-salt')).toBe(a?.user);
    // An email given in OTEL_RESOURCE_ATTRIBUTES is replaced in the child's attributes too.
    const fromAttrs = {
      OTEL_RESOURCE_ATTRIBUTES: 'team=t,user=ada@example.com',
      CLAUDE_OTEL_USER_PSEUDONYMIZE: 'true',
    };
    const id = resolveIdentity(fromAttrs, facts);
    expect(id?.user).toBe(a?.user);
    const child = identityResourceAttributes(fromAttrs.OTEL_RESOURCE_ATTRIBUTES, id ?? { team: 't' });
    expect(child).not.toContain('ada');
  });

  it('reads CLAUDE_OTEL_USER_PSEUDONYMIZE as a switch: a value neither on nor off is refused, never off', () => {
    const env = (v: string) => ({ CLAUDE_OTEL_TEAM: 't', CLAUDE_OTEL_USER_PSEUDONYMIZE: v });
    for (const on of ['on', 'YES', ' 1 ']) expect(resolveIdentity(env(on), facts)?.user, on).toMatch(/^u-/);
    for (const off of ['off', 'no', '0', ''])
      expect(resolveIdentity(env(off), facts)?.user, off).toBe('ada@example.com');
    const error = refused(() => resolveIdentity(env('maybe'), facts));
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.toLine()).toBe(
      "claude-otel: CLAUDE_OTEL_USER_PSEUDONYMIZE 'maybe' is not on or off (use on or off (also 1/0, true/false, yes/no))",
    );
  });

  it('refuses configured values with control characters or over 128 characters, in one line', () => {
    for (const env of [
      { CLAUDE_OTEL_TEAM: 'plat\nform' },
      { CLAUDE_OTEL_TEAM: 't', CLAUDE_OTEL_USER: 'x'.repeat(129) },
      { CLAUDE_OTEL_TEAM: 't', CLAUDE_OTEL_PROJECT: 'a\u0007b' },
      { OTEL_RESOURCE_ATTRIBUTES: 'team=a%0Ab' },
    ]) {
      const error = refused(() => resolveIdentity(env, facts));
      expect(error.exitCode).toBe(EXIT.usage);
      expect(error.toLine()).not.toContain('\n');
      expect(error.toLine()).toMatch(/CLAUDE_OTEL_(TEAM|USER|PROJECT)|OTEL_RESOURCE_ATTRIBUTES/);
    }
    // Derived values are cleaned instead.
    expect(
      resolveIdentity(
        { CLAUDE_OTEL_TEAM: 't' },
        { gitEmail: `a\tb${'c'.repeat(200)}`, gitRemote: null, cwd: '/d' },
      )?.user,
    ).toBe(`ab${'c'.repeat(126)}`);
  });

  it("writes the identity into the child's OTEL_RESOURCE_ATTRIBUTES, keeping the user's other keys", () => {
    const out = identityResourceAttributes('dept=eng,team=old', {
      team: 'a b',
      user: 'u,1',
      project: 'acme/x',
    });
    expect(parseResourceAttributes(out)).toEqual(
      new Map([
        ['dept', 'eng'],
        ['team', 'a b'],
        ['user', 'u,1'],
        ['project', 'acme/x'],
      ]),
    );
  });
});
