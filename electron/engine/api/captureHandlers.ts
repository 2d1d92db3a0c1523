/**
 * The core channels: app info, exchanges, capture on/off, proxy restart, settings, HAR.
 * Each handler validates its untrusted arguments (apiArguments.ts) before touching the engine.
 */
import type { AppInfo, HarExportOptions } from '../../../shared/api.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings.js';
import type { Engine } from '../engine.js';
import type { HandlerTable } from './handlerTable.js';
import { ApiFailure } from './apiFailure.js';
import { importHarSafely } from './harImportFailure.js';
import {
  ArgumentError,
  argList,
  booleanArg,
  enumArg,
  idArg,
  integerArg,
  objectArg,
  stringArg,
  stringArrayArg,
} from './apiArguments.js';

/** A HAR pasted or opened in the UI; far above real sessions, low enough to refuse abuse. */
export const MAX_HAR_TEXT_LENGTH = 256 * 1024 * 1024;
/** How many ids an export may name. */
export const MAX_EXPORT_IDS = 1_000_000;
/** DNS names are at most 253 characters; `*.` makes 255. */
const MAX_HOST_PATTERN_LENGTH = 255;
const MAX_HOST_PATTERNS = 10_000;

type NumericSetting = {
  [K in keyof Settings]: Settings[K] extends number ? K : never;
}[keyof Settings];

/** Sensible bounds for the numeric settings (ms and bytes). */
const NUMERIC_RANGES: Partial<Record<NumericSetting, { min: number; max: number }>> = {
  connectTimeoutMs: { min: 1, max: 10 * 60_000 },
  responseTimeoutMs: { min: 1, max: 60 * 60_000 },
  bodyIdleTimeoutMs: { min: 1, max: 60 * 60_000 },
  clientHeadersTimeoutMs: { min: 1, max: 10 * 60_000 },
  maxHeaderBytes: { min: 1024, max: 16 * 1024 * 1024 },
  bodyMemoryLimitBytes: { min: 0, max: 1024 * 1024 * 1024 },
  bodyCaptureCapBytes: { min: 0, max: 64 * 1024 * 1024 * 1024 },
};

/** Validates a settings patch: known keys only, each with the type (and range) of its default. */
export function parseSettingsPatch(value: unknown): Partial<Settings> {
  const defaults = DEFAULT_SETTINGS as unknown as Record<string, unknown>;
  const patch = objectArg(value, 'settings', Object.keys(defaults));
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(patch)) {
    if (raw === undefined) continue;
    const reference = defaults[key];
    const name = `settings.${key}`;
    if (typeof reference === 'number') {
      const range = NUMERIC_RANGES[key as NumericSetting] ?? { min: 0, max: Number.MAX_SAFE_INTEGER };
      out[key] = integerArg(raw, name, range);
    } else if (typeof reference === 'boolean') {
      out[key] = booleanArg(raw, name);
    } else if (typeof reference === 'string') {
      out[key] = stringArg(raw, name, { maxLength: 4096 });
    } else if (Array.isArray(reference)) {
      out[key] = stringArrayArg(raw, name, {
        maxItems: MAX_HOST_PATTERNS,
        minLength: 1,
        maxLength: MAX_HOST_PATTERN_LENGTH,
      }).map((item) => item.trim());
    } else {
      throw new ArgumentError(`${name} cannot be changed from the UI`);
    }
  }
  return out as Partial<Settings>;
}

/** Validates HarExportOptions; a missing argument means "everything, unredacted". */
export function parseHarExportOptions(value: unknown): HarExportOptions {
  if (value === undefined) return {};
  const raw = objectArg(value, 'options', ['ids', 'redact']);
  const options: HarExportOptions = {};
  if (raw.ids !== undefined) {
    options.ids = stringArrayArg(raw.ids, 'options.ids', {
      maxItems: MAX_EXPORT_IDS,
      minLength: 1,
      maxLength: 256,
    });
  }
  if (raw.redact !== undefined) options.redact = booleanArg(raw.redact, 'options.redact');
  return options;
}

export function captureHandlers(engine: Engine): Partial<HandlerTable> {
  return {
    'app:info': {
      parse: (args) => argList(args, 0) as [],
      handle: () => engine.info(),
    },
    'exchanges:list': {
      parse: (args) => argList(args, 0) as [],
      handle: () => engine.exchanges.list(),
    },
    'exchanges:body': {
      parse: (args) => {
        const [id, side] = argList(args, 2);
        return [idArg(id, 'id'), enumArg(side, 'side', ['request', 'response'] as const)];
      },
      handle: (id, side) => engine.exchanges.body(id, side),
    },
    'exchanges:clear': {
      parse: (args) => argList(args, 0) as [],
      handle: () => {
        engine.exchanges.clear();
      },
    },
    'capture:set': {
      parse: (args) => {
        const [enabled] = argList(args, 1);
        return [booleanArg(enabled, 'enabled')];
      },
      handle: (enabled) => {
        engine.setCapturing(enabled);
      },
    },
    'proxy:restart': {
      parse: (args) => {
        const [port] = argList(args, 1);
        return [integerArg(port, 'port', { min: 0, max: 65_535 })];
      },
      handle: async (port): Promise<AppInfo> => {
        try {
          await engine.restartProxy(port);
        } catch (error) {
          // The engine keeps the old listener; say which port failed and why.
          const code = (error as NodeJS.ErrnoException).code;
          const inUse = code === 'EADDRINUSE';
          const reason = inUse
            ? 'it is already in use'
            : error instanceof Error
              ? error.message
              : String(error);
          throw new ApiFailure(
            inUse ? 'port_in_use' : 'proxy_error',
            `Cannot move the proxy to port ${port}: ${reason}.`,
            {
              cause: error,
            },
          );
        }
        return engine.info();
      },
    },
    'settings:get': {
      parse: (args) => argList(args, 0) as [],
      handle: () => engine.getSettings(),
    },
    'settings:update': {
      parse: (args) => {
        const [patch] = argList(args, 1);
        return [parseSettingsPatch(patch)];
      },
      handle: (patch) => engine.updateSettings(patch),
    },
    'har:export': {
      parse: (args) => {
        const [options] = argList(args, 0, 1);
        return [parseHarExportOptions(options)];
      },
      handle: async (options) => JSON.stringify(await engine.exportHar(options), null, 2),
    },
    'har:import': {
      parse: (args) => {
        const [text] = argList(args, 1);
        return [stringArg(text, 'harText', { minLength: 1, maxLength: MAX_HAR_TEXT_LENGTH })];
      },
      // Coded, one line, no stack and no file content (harImportFailure.ts).
      handle: (text) => importHarSafely(() => engine.importHar(text)),
    },
  };
}
