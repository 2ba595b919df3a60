// One ACK call, start to finish: read the body, finish tasks that are due, verify the signature,
// route, decide injected faults, run the handler, then answer (possibly late, wrongly, or never)
// and record what happened. Every refusal is ACK's JSON error shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'winston';
import type { AckReply } from './ack-handlers.js';
import { bodyForRecord, readBody } from './body.js';
import { parseRawQuery } from './canonical-request.js';
import type { Clock } from './clock.js';
import type { Delays } from './delays.js';
import { AckError, toErrorBody } from './errors.js';
import { NON_JSON_BODY, refusalFor, serviceUnavailable, type FaultAnswer } from './fault-responses.js';
import type { FaultDecision, FaultRule } from './fault-types.js';
import type { FaultEngine } from './faults.js';
import { newRequestId } from './ids.js';
import type { NonceCache } from './nonce-cache.js';
import type { RequestRecorder } from './recorder.js';
import { redactSecrets } from './redact.js';
import { sendJson, sendText } from './responses.js';
import { resolveRoute, type MatchedRoute } from './router.js';
import { verifySignature } from './signature.js';
import type { SimulatorState } from './simulator-state.js';

export interface AckPipelineDeps {
  state: SimulatorState;
  faults: FaultEngine;
  recorder: RequestRecorder;
  nonces: NonceCache;
  clock: Clock;
  logger: Logger;
  delays: Delays;
  secretFor(accessKeyId: string): string | undefined;
  /** Finishes due tasks before the call is answered, so reads are never stale. */
  advance(now: number): void;
}

type Outcome =
  | { kind: 'json'; status: number; body: unknown; headers?: Readonly<Record<string, string>>; code?: string }
  | { kind: 'non-json'; status: number }
  | { kind: 'drop' }
  | { kind: 'reset' };

interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  requestId: string;
  rawPath: string;
  rawQuery: string;
  body: Buffer;
  action?: string;
  accessKeyId?: string;
  signature: string;
  faults: string[];
  taskId?: string;
}

interface Plan {
  outcome: Outcome;
  delayMs: number;
}

function errorOutcome(error: AckError): Outcome {
  return { kind: 'json', status: error.status, body: error, headers: error.headers, code: error.code };
}

function faultOutcome(answer: FaultAnswer): Outcome {
  return answer.type === 'error' ? errorOutcome(answer.error) : { kind: 'non-json', status: answer.status };
}

function header(request: IncomingMessage, name: string): string | undefined {
  return request.headersDistinct[name]?.[0];
}

/** Faults that act once the call has been handled: a late answer, or an answer that never arrives. */
function afterFaults(outcome: Outcome, rule: FaultRule | undefined): Plan {
  if (rule?.kind === 'slow') {
    return { outcome, delayMs: rule.delayMs ?? 5000 };
  }
  if (rule?.kind !== 'lost-response') {
    return { outcome, delayMs: 0 };
  }
  if (rule.mode === 'timeout') {
    return { outcome: { kind: 'drop' }, delayMs: rule.delayMs ?? 60_000 };
  }
  if (rule.mode === 'reset') {
    return { outcome: { kind: 'reset' }, delayMs: rule.delayMs ?? 0 };
  }
  return { outcome: errorOutcome(serviceUnavailable(rule)), delayMs: rule.delayMs ?? 0 };
}

function committedKinds(decision: FaultDecision): string[] {
  return [decision.task, decision.node].flatMap((rule) => (rule ? [rule.kind] : []));
}

export class AckPipeline {
  constructor(private readonly deps: AckPipelineDeps) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const exchange = this.open(request, response);
    let plan: Plan;
    try {
      exchange.body = await readBody(request);
      plan = this.process(exchange);
    } catch (error) {
      plan = { outcome: this.unexpected(error, exchange), delayMs: 0 };
    }
    this.finish(exchange, plan.outcome);
    await this.deps.delays.wait(plan.delayMs);
    this.write(exchange, plan.outcome);
  }

  private open(request: IncomingMessage, response: ServerResponse): Exchange {
    const url = request.url ?? '/';
    const question = url.indexOf('?');
    return {
      request,
      response,
      requestId: newRequestId(),
      rawPath: question < 0 ? url : url.slice(0, question),
      rawQuery: question < 0 ? '' : url.slice(question + 1),
      body: Buffer.alloc(0),
      action: header(request, 'x-acs-action'),
      signature: 'not-checked',
      faults: [],
    };
  }

  private process(exchange: Exchange): Plan {
    const now = this.deps.clock.now();
    this.deps.advance(now);
    this.authenticate(exchange, now);
    const matched = resolveRoute(
      exchange.request.method ?? 'GET',
      exchange.rawPath,
      header(exchange.request, 'x-acs-action'),
      header(exchange.request, 'x-acs-version'),
    );
    exchange.action = matched.route.action;
    const decision = this.deps.faults.decide(matched.route.action);
    exchange.faults = decision.request ? [decision.request.kind] : [];
    const refusal = decision.request ? refusalFor(decision.request) : undefined;
    if (refusal !== undefined) {
      return { outcome: faultOutcome(refusal), delayMs: decision.request?.delayMs ?? 0 };
    }
    const applied: string[] = [];
    const outcome = this.invoke(matched, exchange, { decision, applied, now });
    if (exchange.taskId !== undefined) {
      // Task and node faults are used up (and recorded) only by a call that created a task.
      this.deps.faults.commit(decision);
      exchange.faults.push(...committedKinds(decision));
    }
    exchange.faults.push(...applied);
    return afterFaults(outcome, decision.request);
  }

  private authenticate(exchange: Exchange, now: number): void {
    const { request } = exchange;
    try {
      exchange.accessKeyId = verifySignature(
        {
          method: request.method ?? 'GET',
          rawPath: exchange.rawPath,
          rawQuery: exchange.rawQuery,
          headers: request.headersDistinct,
          body: exchange.body,
        },
        {
          secretFor: (id) => this.deps.secretFor(id),
          now,
          maxClockSkewMs: this.deps.state.settings.maxClockSkewMs,
          nonces: this.deps.nonces,
        },
      );
      exchange.signature = 'valid';
    } catch (error) {
      exchange.signature = error instanceof AckError ? error.code : 'error';
      throw error;
    }
  }

  private invoke(matched: MatchedRoute, exchange: Exchange, context: { decision: FaultDecision; applied: string[]; now: number }): Outcome {
    let reply: AckReply;
    try {
      reply = matched.route.handler({
        params: matched.params,
        query: new Map(parseRawQuery(exchange.rawQuery)),
        body: exchange.body,
        requestId: exchange.requestId,
        now: context.now,
        faults: context.decision,
        state: this.deps.state,
        applied: context.applied,
      });
    } catch (error) {
      if (error instanceof AckError) {
        return errorOutcome(error);
      }
      throw error;
    }
    exchange.taskId = reply.taskId;
    return { kind: 'json', status: reply.status, body: reply.body };
  }

  private unexpected(error: unknown, exchange: Exchange): Outcome {
    if (error instanceof AckError) {
      return errorOutcome(error);
    }
    this.deps.logger.error('ack simulator failed to handle a call', {
      requestId: exchange.requestId,
      error: error instanceof Error ? error.message : String(error),
    });
    return errorOutcome(new AckError(500, 'InternalError', 'The request processing has failed due to some unknown error.'));
  }

  private finish(exchange: Exchange, outcome: Outcome): void {
    const status = outcome.kind === 'json' || outcome.kind === 'non-json' ? outcome.status : 0;
    const code = outcome.kind === 'json' ? outcome.code : undefined;
    const recorded = this.deps.recorder.record({
      time: new Date(this.deps.clock.now()).toISOString(),
      method: exchange.request.method ?? 'GET',
      path: exchange.rawPath,
      query: Object.fromEntries(parseQuerySafely(exchange.rawQuery)),
      ...(exchange.action === undefined ? {} : { action: exchange.action }),
      ...(exchange.accessKeyId === undefined ? {} : { accessKeyId: exchange.accessKeyId }),
      body: redactSecrets(bodyForRecord(exchange.body)),
      signature: exchange.signature,
      status,
      ...(code === undefined ? {} : { code }),
      requestId: exchange.requestId,
      ...(exchange.taskId === undefined ? {} : { taskId: exchange.taskId }),
      faults: exchange.faults,
    });
    this.deps.logger.info('ack call', {
      requestId: recorded.requestId,
      action: recorded.action,
      status,
      code,
      accessKeyId: recorded.accessKeyId,
      taskId: recorded.taskId,
      faults: recorded.faults,
      answer: outcome.kind,
    });
  }

  private write(exchange: Exchange, outcome: Outcome): void {
    const { response, requestId } = exchange;
    if (outcome.kind === 'json') {
      const body = outcome.body instanceof AckError ? toErrorBody(outcome.body, requestId) : outcome.body;
      sendJson(response, outcome.status, body, { ...outcome.headers, 'x-acs-request-id': requestId });
    } else if (outcome.kind === 'non-json') {
      sendText(response, outcome.status, 'text/html', NON_JSON_BODY);
    } else {
      // Both a dropped answer and a reset end the connection without a response; the wait before it differs.
      response.socket?.destroy();
      response.destroy();
    }
  }
}

function parseQuerySafely(rawQuery: string): [string, string][] {
  try {
    return parseRawQuery(rawQuery);
  } catch {
    return [];
  }
}
