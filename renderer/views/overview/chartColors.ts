/**
 * Colours of the overview's series, stable per name so a class keeps its colour across charts,
 * and the hues of the traffic list's outcome tones (renderer/statusTone.ts): success green in
 * every chart, 4xx amber, 5xx orange, network errors red.
 */
const FIXED: Record<string, string> = {
  ok: '#2e7d32',
  '2xx': '#2e7d32',
  '3xx': '#1a6ce0',
  '4xx': '#e0a100',
  '5xx': '#e65100',
  error: '#c62828',
};

const PALETTE = [
  '#7b1fa2',
  '#ad1457',
  '#6d4c41',
  '#00838f',
  '#5e35b1',
  '#d84315',
  '#283593',
  '#558b2f',
  '#4e342e',
  '#37474f',
];

export function seriesColor(name: string, index = 0): string {
  return FIXED[name] ?? PALETTE[index % PALETTE.length]!;
}
