import { describe, expect, it } from 'vitest';
import { classifyBackoff } from '@engine/analysis/backoffClassifier.js';

describe('classifyBackoff', () => {
  it.each([
    ['no backoff (immediate)', [0, 3, 1, 2], 'none', false],
    ['constant', [1000, 1003, 998, 1001], 'constant', false],
    ['constant with measurement noise', [505, 498, 512, 503], 'constant', false],
    ['linear', [500, 1000, 1500, 2000], 'linear', false],
    ['exponential ×2', [100, 200, 400, 800], 'exponential', false],
    ['exponential with measurement noise', [103, 206, 404, 809, 1602], 'exponential', false],
    ['exponential ×1.5', [1000, 1500, 2250, 3375], 'exponential', false],
    ['exponential ×3', [100, 300, 900, 2700], 'exponential', false],
    ['constant with jitter', [1000, 1180, 870, 1090, 950], 'constant', true],
    ['linear with jitter', [500, 1200, 1350, 2200, 2350], 'linear', true],
    ['exponential with full jitter', [63, 150, 90, 560, 1200], 'exponential', true],
    ['exponential with equal jitter', [70, 160, 230, 700, 900], 'exponential', true],
    ['exponential with decorrelated jitter', [240, 150, 420, 1100], 'exponential', true],
    ['irregular', [100, 5000, 50, 3000], 'irregular', false],
    ['a single retry', [250], 'single', false],
    ['two growing waits', [100, 200], 'increasing', false],
  ] as const)('%s', (_name, waits, shape, jitter) => {
    const verdict = classifyBackoff(waits);
    expect(verdict.shape).toBe(shape);
    expect(verdict.jitter).toBe(jitter);
  });

  it('tells linear from exponential with three or more waits', () => {
    expect(classifyBackoff([1000, 2000, 3000]).shape).toBe('linear');
    expect(classifyBackoff([1000, 2000, 4000]).shape).toBe('exponential');
  });

  it('reports the parameters it found', () => {
    expect(classifyBackoff([100, 200, 400, 800])).toMatchObject({
      baseMs: 100,
      description: 'exponential backoff ×2.0 from 100 ms, no jitter',
    });
    expect(classifyBackoff([100, 200, 400, 800]).factor).toBeCloseTo(2, 5);
    expect(classifyBackoff([500, 1000, 1500, 2000]).stepMs).toBeCloseTo(500, 5);
    expect(classifyBackoff([1000, 1003, 998, 1001]).description).toBe(
      'constant backoff: 1001 ms between attempts, no jitter',
    );
  });

  it('recognises a cap on exponential growth', () => {
    const verdict = classifyBackoff([100, 200, 400, 800, 1000, 1000]);
    expect(verdict).toMatchObject({ shape: 'exponential', jitter: false, capMs: 1000 });
    expect(verdict.description).toContain('capped at 1000 ms');
  });

  it('guesses the jitter formula from where waits sit under the envelope', () => {
    expect(classifyBackoff([63, 150, 90, 560, 1200]).jitterStyle).toBe('full');
    expect(classifyBackoff([70, 160, 230, 700, 900]).jitterStyle).toBe('equal');
    expect(classifyBackoff([240, 150, 420, 1100]).jitterStyle).toBe('decorrelated');
  });
});

describe('classifyBackoff: an immediate first retry', () => {
  it('judges the backoff after it (urllib3 Retry: 0, then factor × 2ⁿ⁻¹)', () => {
    const verdict = classifyBackoff([2, 201, 403, 805]);
    expect(verdict.shape).toBe('exponential');
    expect(verdict.description).toBe(
      'first retry immediate, then exponential backoff ×2.0 from 201 ms, no jitter',
    );
  });
});
