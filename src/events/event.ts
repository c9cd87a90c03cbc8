// What the project tells the integrator's system about a run (README, "Events out"). The shape is a
// contract with consumers: fields are only ever added. Never carries credentials or MFA answers.
// Importable from workflow code (types only, no Node built-ins).

export const RUN_EVENT_TYPES = ['run.mfa_required', 'run.credentials_required', 'run.completed', 'run.failed'] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];

export interface RunEvent {
  /** Unique per event and stable across delivery attempts: consumers drop repeats by it. */
  id: string;
  type: RunEventType;
  /** When the run decided to send it (ISO). */
  createdAt: string;
  run: {
    workflowType: string;
    workflowId: string;
    runId: string;
    userId: string;
    memberGuid: string | null;
    institutionCode: string | null;
  };
  /** run.mfa_required: what MX asks (labels and choices, never answers) and until when. */
  mfa?: {
    round: number;
    deadline: string | null;
    challenges: { guid: string; label: string | null; type: string; options?: (string | null)[] }[];
  };
  /** run.completed: where the manifest is and what it holds. */
  manifest?: { key: string; accounts?: number; transactions?: number; statements?: number };
  /** run.failed / run.credentials_required: the named outcome and what a person should do next. */
  failure?: { outcome: string; message: string; nextAction: string | null };
}
