// Starting a guide run from Node code, the one way: the registry's workflow id, its input check, the
// project's task queue and the conflict policy the README's CLI commands use (`--id-conflict-policy Fail
// --fail-existing`): a start while a run with that id is open creates nothing and says which run it is.
import { type Client, type WorkflowHandle, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { GuideInput } from '../../workflows/input';
import { MxInstitution, MxUserId } from '../../workflows/messages';
import { checkGuideInput, type Guide, guideWorkflowId } from './registry';

export interface StartGuideOptions {
  /** The worker's task queue (config.taskQueue, TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  /** Another workflow id than the guide's rule gives (a schedule's or a test's own). */
  workflowId?: string;
}

export interface StartedGuide {
  workflowId: string;
  runId: string;
  handle: WorkflowHandle;
}

export class GuideAlreadyRunningError extends Error {
  override name = 'GuideAlreadyRunningError';
  constructor(
    readonly workflowId: string,
    readonly runId: string | undefined,
  ) {
    super(
      `Workflow execution is already running. WorkflowId: ${workflowId}${runId ? `, RunId: ${runId}` : ''}. ` +
        'Nothing was started: two runs never aggregate the same member at once. Wait for it, or watch it with ' +
        `npm run -s temporal -- workflow describe --workflow-id ${workflowId}.`,
    );
  }
}

/** Checks the input (InvalidGuideInputError), then starts the run (GuideAlreadyRunningError when its id is open). */
export async function startGuide(client: Client, guide: Guide, input: GuideInput, options: StartGuideOptions): Promise<StartedGuide> {
  const checked = checkGuideInput(input);
  const workflowId = options.workflowId ?? guideWorkflowId(guide, checked);
  try {
    const handle = await client.workflow.start(guide.type, {
      taskQueue: options.taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      // Findable by user and institution from the first moment; the run keeps them current from then on.
      typedSearchAttributes: [
        { key: MxUserId, value: checked.userId },
        ...(checked.institutionCode ? [{ key: MxInstitution, value: checked.institutionCode }] : []),
      ],
    });
    return { workflowId, runId: handle.firstExecutionRunId, handle };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const running = await client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        (d) => d.runId,
        () => undefined,
      );
    throw new GuideAlreadyRunningError(workflowId, running);
  }
}
