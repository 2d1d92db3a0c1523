/** Colours of the overview's series, stable per name so a class keeps its colour across charts. */
const FIXED: Record<string, string> = {
  ok: '#8fa3bf',
  '2xx': '#2e7d32',
  '3xx': '#1a6ce0',
  '4xx': '#e0a100',
  '5xx': '#c62828',
  error: '#7b1fa2',
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
