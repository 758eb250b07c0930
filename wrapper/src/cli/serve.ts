// `claude-otel serve`: a Prometheus exporter over the ledger (imported history included), for
// setups without a collector. Never scrape it and the collector at once: totals would double.
import type { Command } from 'commander';
import { parsePort } from '../config/options.js';
import { ClaudeOtelError } from '../errors.js';
import { startMetricsServer } from '../serve/server.js';
import type { CliContext } from './context.js';

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('expose the ledger totals as Prometheus metrics (no collector needed)')
    .option('--port <port>', 'port to listen on', '9464')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (flags: { port: string; host: string }) => {
      const port = parsePort(flags.port, '--port', { allowZero: true });
      let server: Awaited<ReturnType<typeof startMetricsServer>>;
      try {
        server = await startMetricsServer({
          env: ctx.env,
          host: flags.host,
          port,
          onWarning: (text) => ctx.stderr.write(`claude-otel: warning: ${text}\n`),
        });
      } catch (error) {
        throw new ClaudeOtelError(`cannot listen on ${flags.host}:${port}: ${(error as Error).message}`, {
          hint: 'pick another --port, or stop what is using it',
          cause: error,
        });
      }
      ctx.stderr.write(
        `claude-otel serve: ${server.metrics.runs} run(s) from the ledger; metrics at ${server.url}/metrics\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close().then(resolve, resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      ctx.exitCode = 0;
    });
}
