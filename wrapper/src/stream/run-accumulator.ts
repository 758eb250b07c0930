// Folds a Claude Code stream, line by line as it arrives, into what claude-otel records about a
// run: session, turns and tool calls with their times, a live cost estimate, and the final result.
// Memory is bounded: detail beyond MAX_DETAIL turns or tool calls is counted, not kept.
import type { PriceTable } from '../pricing/price-table.js';
import { priceRequest, type RequestUsage } from '../pricing/price-usage.js';
import { parseStreamLine, type StreamEvent } from './parse-line.js';
import { type AssistantLine, type MessageUsage, type ResultLine, SYNTHETIC_MODEL } from './schema.js';

export const MAX_DETAIL = 5000;

export interface Turn {
  message_id: string;
  model: string;
  started_at: number;
  ended_at: number;
  input: number;
  /** As streamed: Claude Code prints the value at message start, so this undercounts. */
  output: number;
  cache_read: number;
  cache_creation: number;
  cache_creation_1h: number;
  tool_uses: number;
  subagent: boolean;
  /** The `Agent` tool call whose subagent wrote this message (null on the main thread). */
  parent_tool_use_id: string | null;
}

export interface ToolCall {
  id: string;
  name: string;
  started_at: number;
  ended_at: number | null;
  is_error: boolean;
  turn_id: string;
  /** For an `Agent` tool call: the subagent type it asked for (Claude Code's default when none). */
  subagent_type?: string;
}

/** The tool that starts a subagent (`Task` before Claude Code 2.1) and the type it defaults to. */
export const AGENT_TOOLS: ReadonlySet<string> = new Set(['Agent', 'Task']);
export const DEFAULT_SUBAGENT_TYPE = 'general-purpose';

export class RunAccumulator {
  sessionId: string | undefined;
  initModel: string | undefined;
  claudeVersion: string | undefined;
  result: ResultLine | undefined;
  lines = 0;
  malformed = 0;
  firstMalformed: string | undefined;
  droppedDetail = 0;
  readonly turns = new Map<string, Turn>();
  readonly toolCalls = new Map<string, ToolCall>();
  private lastEventAt: number;

  constructor(readonly startedAt: number = Date.now()) {
    this.lastEventAt = startedAt;
  }

  /** Feeds one raw line; returns the parsed event so callers can react (e.g. re-render output). */
  push(text: string, now: number = Date.now()): StreamEvent {
    const event = parseStreamLine(text);
    this.apply(event, now);
    return event;
  }

  apply(event: StreamEvent, now: number): void {
    switch (event.kind) {
      case 'blank':
        return;
      case 'malformed':
        this.lines++;
        this.malformed++;
        this.firstMalformed ??= event.reason;
        return;
      case 'init':
        this.lines++;
        this.sessionId = event.line.session_id;
        this.initModel = event.line.model;
        this.claudeVersion = event.line.claude_code_version;
        break;
      case 'assistant':
        this.lines++;
        this.onAssistant(event.line, now);
        break;
      case 'user':
        this.lines++;
        this.onUser(event.line.message.content, now);
        break;
      case 'result':
        this.lines++;
        this.result = event.line;
        if (event.line.session_id) this.sessionId ??= event.line.session_id;
        break;
      case 'other':
        this.lines++;
        break;
    }
    this.lastEventAt = now;
  }

  private onAssistant(line: AssistantLine, now: number): void {
    const { message } = line;
    if (line.session_id) this.sessionId ??= line.session_id;
    // Claude Code's own placeholder messages (API errors, interruptions) carry no usage.
    if (message.model === SYNTHETIC_MODEL) return;
    let turn = this.turns.get(message.id);
    if (!turn) {
      if (this.turns.size >= MAX_DETAIL) {
        this.droppedDetail++;
        return;
      }
      turn = {
        message_id: message.id,
        model: message.model,
        started_at: this.lastEventAt,
        ended_at: now,
        input: 0,
        output: 0,
        cache_read: 0,
        cache_creation: 0,
        cache_creation_1h: 0,
        tool_uses: 0,
        subagent: line.parent_tool_use_id != null,
        parent_tool_use_id: line.parent_tool_use_id ?? null,
      };
      this.turns.set(message.id, turn);
    }
    turn.ended_at = now;
    if (message.usage) applyUsage(turn, message.usage);
    for (const block of message.content) {
      if (block.type !== 'tool_use' || !block.id) continue;
      turn.tool_uses++;
      if (this.toolCalls.has(block.id)) continue;
      if (this.toolCalls.size >= MAX_DETAIL) {
        this.droppedDetail++;
        continue;
      }
      const call: ToolCall = {
        id: block.id,
        name: block.name ?? 'unknown',
        started_at: now,
        ended_at: null,
        is_error: false,
        turn_id: message.id,
      };
      if (AGENT_TOOLS.has(call.name)) call.subagent_type = subagentTypeOf(block.input);
      this.toolCalls.set(block.id, call);
    }
  }

  private onUser(
    content: string | { type: string; tool_use_id?: string; is_error?: boolean | null }[],
    now: number,
  ) {
    if (typeof content === 'string') return;
    for (const block of content) {
      if (block.type !== 'tool_result' || !block.tool_use_id) continue;
      const call = this.toolCalls.get(block.tool_use_id);
      if (!call || call.ended_at !== null) continue;
      call.ended_at = now;
      call.is_error = block.is_error === true;
    }
  }

  /** Requests seen so far, per model, as the stream showed them (for estimates and partial runs). */
  streamedRequests(): Map<string, RequestUsage[]> {
    const byModel = new Map<string, RequestUsage[]>();
    for (const turn of this.turns.values()) {
      const list = byModel.get(turn.model) ?? [];
      list.push({
        input: turn.input,
        output: turn.output,
        cache_read: turn.cache_read,
        cache_creation: turn.cache_creation,
        cache_creation_1h: turn.cache_creation_1h,
      });
      byModel.set(turn.model, list);
    }
    return byModel;
  }

  /**
   * A live cost estimate in USD for budget enforcement: exact once the result has arrived, else
   * the streamed requests priced with the table (unknown models at the most expensive tier).
   */
  estimateCostUsd(table: PriceTable): number {
    if (this.result?.total_cost_usd !== undefined) return this.result.total_cost_usd;
    let sum = 0;
    for (const [model, requests] of this.streamedRequests()) {
      const tier = table.lookup(model)?.rates ?? mostExpensiveTier(table);
      if (!tier) continue;
      for (const request of requests) sum += priceRequest(tier, request);
    }
    return sum;
  }

  resultText(): string | undefined {
    return this.result?.result;
  }
}

function applyUsage(turn: Turn, usage: MessageUsage): void {
  // One message can arrive as several lines (one per content block) repeating the same usage;
  // keep the largest values seen rather than adding.
  turn.input = Math.max(turn.input, usage.input_tokens);
  turn.output = Math.max(turn.output, usage.output_tokens);
  turn.cache_read = Math.max(turn.cache_read, usage.cache_read_input_tokens ?? 0);
  turn.cache_creation = Math.max(turn.cache_creation, usage.cache_creation_input_tokens ?? 0);
  turn.cache_creation_1h = Math.max(
    turn.cache_creation_1h,
    usage.cache_creation?.ephemeral_1h_input_tokens ?? 0,
  );
}

function subagentTypeOf(input: unknown): string {
  const type = (input as { subagent_type?: unknown } | null | undefined)?.subagent_type;
  return typeof type === 'string' && type.length > 0 && type.length <= 200 ? type : DEFAULT_SUBAGENT_TYPE;
}

function mostExpensiveTier(table: PriceTable) {
  let best: ReturnType<PriceTable['models']>[number]['rates'] | undefined;
  for (const model of table.models()) if (!best || model.rates.output > best.output) best = model.rates;
  return best;
}
