// The run manifest: what a guide run produced and where it is. Returned as the workflow result and
// written to storage beside the data (writeJson), so either place answers "what did this run fetch?".
import { workflowInfo } from '@temporalio/workflow';
import { mxShort } from './activity-proxies';
import type { GuideRun } from './guide-run';
import type { WorkflowTypeName } from './messages';
import type { StatementsSection } from './steps/download-statements';
import type { AccountsSection, Window } from './steps/export-accounts';

export interface RunManifest {
  guide: WorkflowTypeName;
  workflowId: string;
  /** The first run of the chain (continue-as-new keeps it). */
  runId: string;
  startedAt: string;
  completedAt: string;
  user: { id: string; guid: string };
  member: { guid: string; reused: boolean; connectionStatus: string | null };
  institution: { code: string; name: string | null };
  attempts: { polls: number; jobStarts: number; mfaRounds: number; jobRetries: number; continuations: number };
  window?: Window;
  accounts?: AccountsSection;
  statements?: StatementsSection;
  /** Milliseconds spent per phase of the guide. */
  phasesMs: Record<string, number>;
  manifestKey: string;
}

export type ManifestData = Pick<RunManifest, 'window' | 'accounts' | 'statements'>;

/** Storage prefix of one guide run: `<guide>/<user id>/<member guid>/<first run id>`. */
export function runKeyPrefix(run: GuideRun, guideFolder: string): string {
  return `${memberKeyPrefix(run, guideFolder)}/${workflowInfo().firstExecutionRunId}`;
}

export function memberKeyPrefix(run: GuideRun, guideFolder: string): string {
  return `${guideFolder}/${run.options.userId}/${run.memberRef().memberGuid}`;
}

export async function writeManifest(run: GuideRun, keyPrefix: string, data: ManifestData): Promise<RunManifest> {
  run.step('WRITING_MANIFEST', 'Writing the run manifest beside the data.');
  const p = run.progress;
  const { polls, jobStarts, mfaRounds, jobRetries } = run.counters;
  const { userGuid, memberGuid } = run.memberRef();
  const manifest: RunManifest = {
    guide: run.workflowType,
    workflowId: workflowInfo().workflowId,
    runId: workflowInfo().firstExecutionRunId,
    startedAt: p.startedAt,
    completedAt: new Date(Date.now()).toISOString(),
    user: { id: run.options.userId, guid: userGuid },
    member: { guid: memberGuid, reused: run.memberReused, connectionStatus: p.connectionStatus },
    institution: { code: p.institutionCode ?? '', name: run.institutionName },
    attempts: { polls, jobStarts, mfaRounds, jobRetries, continuations: run.continuations },
    ...data,
    phasesMs: run.phasesMs,
    manifestKey: `${keyPrefix}/manifest.json`,
  };
  await mxShort().writeJson.executeWithOptions({ summary: 'write manifest' }, [{ key: manifest.manifestKey, value: manifest }]);
  return manifest;
}
