// The MX job a guide runs: an aggregation (accounts and transactions) or a statements job.
export interface JobKind {
  /** For people: "aggregation", "statements job". */
  name: string;
  activity: 'startAggregation' | 'startStatementsJob';
  /**
   * True when a job already running on the member does the guide's work (member creation starts an
   * aggregation), so the guide waits for it instead of starting another.
   */
  adoptRunningJob: boolean;
}
