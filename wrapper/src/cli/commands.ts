// The command list: each command lives in its own file and registers itself. Files are loaded
// lazily so that `claude-otel swarm` pays only for what it runs (start-up time counts against
// the run it wraps). To add a command: one entry here, with every name and alias it answers to.
import type { Command } from 'commander';
import type { CliContext } from './context.js';

type Register = (program: Command, ctx: CliContext) => void;

const COMMANDS: { names: string[]; load: () => Promise<Register> }[] = [
  { names: ['swarm'], load: async () => (await import('./swarm.js')).registerSwarm },
  { names: ['run', 'passthrough'], load: async () => (await import('./run.js')).registerRun },
  { names: ['report', 'token-usage'], load: async () => (await import('./report.js')).registerReport },
  { names: ['cost'], load: async () => (await import('./cost.js')).registerCost },
  { names: ['show'], load: async () => (await import('./show.js')).registerShow },
  { names: ['monitor'], load: async () => (await import('./monitor.js')).registerMonitor },
  { names: ['import'], load: async () => (await import('./import.js')).registerImport },
  { names: ['serve'], load: async () => (await import('./serve.js')).registerServe },
  { names: ['gate'], load: async () => (await import('./gate.js')).registerGate },
  { names: ['sync'], load: async () => (await import('./sync.js')).registerSync },
  { names: ['stack'], load: async () => (await import('./stack.js')).registerStack },
  { names: ['doctor'], load: async () => (await import('./doctor.js')).registerDoctor },
  { names: ['setup'], load: async () => (await import('./setup.js')).registerSetup },
  { names: ['blocks'], load: async () => (await import('./blocks.js')).registerBlocks },
  { names: ['hook'], load: async () => (await import('./hook.js')).registerHook },
  { names: ['statusline'], load: async () => (await import('./statusline.js')).registerStatusline },
];

/** Registers the command named by `first` (the first argument), or every command when unknown. */
export async function registerCommands(program: Command, ctx: CliContext, first?: string): Promise<void> {
  const match = COMMANDS.find((c) => first !== undefined && c.names.includes(first));
  const wanted = match ? [match] : COMMANDS;
  const registers = await Promise.all(wanted.map((c) => c.load()));
  for (const register of registers) register(program, ctx);
}
