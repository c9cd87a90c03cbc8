// The MX job a guide runs: an aggregation (accounts and transactions) or a statements job.
export interface JobKind {
  /** For people: "aggregation", "statements job". */
  name: string;
  activity: 'startAggregation' | 'startStatementsJob';
  /**
   * True when the aggregation that creating the member (or updating its credentials) starts does the
   * guide's work, so the guide follows that job instead of starting another.
   */
  adoptRunningJob: boolean;
}
