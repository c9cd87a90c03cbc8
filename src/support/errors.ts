// Errors the support tool shows to an agent: one line each, naming what went wrong and what to do.
// Temporal's own errors carry stack traces and gRPC detail an agent on the phone cannot use.
import { isGrpcServiceError, QueryNotRegisteredError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';

export type SupportErrorKind = 'bad-input' | 'not-found' | 'not-waiting' | 'unreachable' | 'no-worker' | 'temporal';

export class SupportError extends Error {
  override name = 'SupportError';
  constructor(
    readonly kind: SupportErrorKind,
    message: string,
  ) {
    super(message);
  }
}

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** Turns whatever a Temporal call threw into a SupportError; `workflowId` names the run in the message. */
export function toSupportError(err: unknown, workflowId?: string): SupportError {
  if (err instanceof SupportError) return err;
  const run = workflowId ? `run ${JSON.stringify(workflowId)}` : 'the run';
  if (err instanceof WorkflowNotFoundError) {
    return new SupportError('not-found', `No workflow with id ${JSON.stringify(workflowId ?? err.workflowId)} exists in this namespace.`);
  }
  if (err instanceof QueryNotRegisteredError) {
    return new SupportError('not-found', `${capitalize(run)} is not an MX guide workflow (it has no progress query).`);
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new SupportError('no-worker', `No worker took the answers for ${run} in time: is the worker running on its task queue?`);
  }
  const codecProblem = findInChain(err, (e) => e instanceof Error && e.name === 'PayloadCodecError');
  if (codecProblem instanceof Error) {
    return new SupportError('temporal', `Cannot decrypt ${run}: ${firstLine(codecProblem.message)}`);
  }
  const code = grpcCode(err);
  if (code === GRPC_UNAVAILABLE || /failed to connect|ECONNREFUSED|connection refused/i.test(errorMessage(err))) {
    return new SupportError(
      'unreachable',
      `The Temporal server is unreachable (${firstLine(errorMessage(err))}). Is it running? TEMPORAL_ADDRESS selects it.`,
    );
  }
  if (code === GRPC_DEADLINE_EXCEEDED) {
    return new SupportError('no-worker', `${capitalize(run)} did not answer in time: is the worker running on its task queue?`);
  }
  return new SupportError('temporal', `Temporal refused the request for ${run}: ${firstLine(errorMessage(err))}`);
}

function grpcCode(err: unknown): number | undefined {
  const grpc = findInChain(err, isGrpcServiceError);
  return grpc && isGrpcServiceError(grpc) ? grpc.code : undefined;
}

function findInChain(err: unknown, test: (e: unknown) => boolean): unknown {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e)) return e;
  }
  return undefined;
}

function errorMessage(err: unknown): string {
  const own = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  return own || cause;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim().slice(0, 400);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
