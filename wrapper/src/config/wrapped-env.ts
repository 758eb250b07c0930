// The variable the wrapper sets for the Claude Code it runs (its run id), so the user's session
// hooks, which that Claude Code also runs, leave the session to the wrapper. A leaf: both the
// start-up path (telemetry-env) and the hook's own small bundle import it.
export const WRAPPED_ENV = 'CLAUDE_OTEL_WRAPPED';
