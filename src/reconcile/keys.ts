// Where a member's reconciled state lives in storage (README, "Keeping a member current"):
//   refresh/<user id>/<member guid>/state.json                          the pointer: watermark, current files
//   refresh/<user id>/<member guid>/state/transactions.<run id>.ndjson  every current transaction, by guid
//   refresh/<user id>/<member guid>/changes/<seq>.<run id>.ndjson       one run's change set
//   refresh/<user id>/<member guid>/runs/<run id>/                      the run's export (accounts, window)
// state.json is written last and atomically: it is the commit of a run.
export function memberStateKeys(userId: string, memberGuid: string) {
  const base = `refresh/${userId}/${memberGuid}`;
  return {
    base,
    pointer: `${base}/state.json`,
    state: (runId: string) => `${base}/state/transactions.${runId}.ndjson`,
    changes: (sequence: number, runId: string) => `${base}/changes/${String(sequence).padStart(6, '0')}.${runId}.ndjson`,
    run: (runId: string) => `${base}/runs/${runId}`,
  };
}
