/** Monitor contract (owned by the probes/monitors work). */
export interface MonitorDefinition {
  id: string;
  name: string;
  target: string;
  intervalMs: number;
  timeoutMs: number;
  expectedStatus?: number;
}
