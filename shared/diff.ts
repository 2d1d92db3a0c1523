/** Exchange diff contract (owned by the analysis work). */
export interface ExchangeDiff {
  /** Differences in words, most significant first. */
  summary: string[];
  same: boolean;
}
