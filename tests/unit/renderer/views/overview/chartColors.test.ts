import { describe, expect, it } from 'vitest';
import { isStatusSeries, seriesColor } from '@renderer/views/overview/chartColors';
import { TIMING_COLORS } from '@shared/timing.js';

const ERROR_CLASSES = [
  'connect_refused',
  'dns_not_found',
  'tls_cert_expired',
  'injected:connect_reset',
  'timeout',
];

/** Red dominates: more red than green and blue, and clearly so. */
function isRedShade(hex: string): boolean {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  return r > 100 && r > g * 1.8 && r > b * 1.3;
}

describe('seriesColor: one colour system for outcomes', () => {
  it('gives every error class a shade of the error red, never a phase colour or a status colour', () => {
    const statusColors = ['ok', '2xx', '3xx', '4xx', '5xx'].map((name) => seriesColor(name));
    const phaseColors = Object.values(TIMING_COLORS);
    ERROR_CLASSES.forEach((name, index) => {
      const color = seriesColor(name, index);
      expect(isRedShade(color), `${name} → ${color}`).toBe(true);
      expect(phaseColors).not.toContain(color);
      expect(statusColors).not.toContain(color);
    });
  });

  it('keeps the first error class in the same red as the status chart’s "error" bar', () => {
    expect(seriesColor('connect_refused', 0)).toBe(seriesColor('error'));
  });

  it('tells error classes apart by their place among the error series', () => {
    const shades = ERROR_CLASSES.map((name, index) => seriesColor(name, index));
    expect(new Set(shades).size).toBe(ERROR_CLASSES.length);
  });

  it('knows the status series from the error classes', () => {
    expect(['ok', '2xx', '4xx', '5xx'].every(isStatusSeries)).toBe(true);
    expect(isStatusSeries('connect_refused')).toBe(false);
  });
});
