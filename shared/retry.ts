/** Retry chain contract (owned by the analysis work). */
export interface RetryChain {
  chainId: string;
  exchangeIds: string[];
}
