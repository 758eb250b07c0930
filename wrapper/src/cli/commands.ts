// The command list: each command lives in its own file and registers itself here.
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { registerRun } from './run.js';
import { registerSwarm } from './swarm.js';

type Register = (program: Command, ctx: CliContext) => void;

const registrations: Register[] = [registerSwarm, registerRun];

export function registerCommands(program: Command, ctx: CliContext): void {
  for (const register of registrations) register(program, ctx);
}
