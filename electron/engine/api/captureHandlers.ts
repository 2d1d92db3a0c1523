/**
 * The core channels: app info, exchanges, capture on/off, proxy restart, settings, HAR.
 * Each handler validates its untrusted arguments (apiArguments.ts) before touching the engine.
 */
import type { AppInfo, HarExportOptions } from '../../../shared/api.js';
import type { Settings } from '../../../shared/settings.js';
import { SETTING_KEYS, checkSetting, isSettingKey } from '../../../shared/settingsSchema.js';
import { replayEditProblem, type ReplayEdit, type ReplayRequest } from '../../../shared/replay.js';
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
/**
 * Validates a settings patch with the schema's rule (the settings file and the flags apply the
 * same): known keys only, each value checked; host lists come back trimmed.
 */
export function parseSettingsPatch(value: unknown): Partial<Settings> {
  const patch = objectArg(value, 'settings', SETTING_KEYS);
  const out: Partial<Settings> = {};
  for (const [key, raw] of Object.entries(patch)) {
    if (raw === undefined || !isSettingKey(key)) continue;
    const checked = checkSetting(key, raw);
    if (!checked.ok) throw new ArgumentError(`settings.${key} ${checked.problem}`);
    (out as Record<string, unknown>)[key] = checked.value;
  }
  return out;
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

/** A replayed body is typed or pasted in the UI: generous, but bounded. */
export const MAX_REPLAY_BODY_LENGTH = 64 * 1024 * 1024;
const MAX_REPLAY_HEADERS = 500;

/** Validates a ReplayRequest's shape; what the values mean is checked by replayEditProblem. */
export function parseReplayRequest(value: unknown): ReplayRequest {
  const raw = objectArg(value, 'request', ['id', 'edit']);
  const request: ReplayRequest = { id: idArg(raw.id, 'request.id') };
  if (raw.edit === undefined) return request;
  const edit = objectArg(raw.edit, 'request.edit', ['method', 'url', 'headers', 'body']);
  const parsed: ReplayEdit = {};
  if (edit.method !== undefined)
    parsed.method = stringArg(edit.method, 'edit.method', { minLength: 1, maxLength: 64 });
  if (edit.url !== undefined)
    parsed.url = stringArg(edit.url, 'edit.url', { minLength: 1, maxLength: 64 * 1024 });
  if (edit.headers !== undefined) {
    if (!Array.isArray(edit.headers))
      throw new ArgumentError('edit.headers must be an array of {name, value}');
    if (edit.headers.length > MAX_REPLAY_HEADERS)
      throw new ArgumentError(
        `edit.headers has too many items (${edit.headers.length}, at most ${MAX_REPLAY_HEADERS})`,
      );
    parsed.headers = edit.headers.map((header: unknown, index) => {
      const field = objectArg(header, `edit.headers[${index}]`, ['name', 'value']);
      return {
        name: stringArg(field.name, `edit.headers[${index}].name`, { minLength: 1, maxLength: 256 }),
        value: stringArg(field.value, `edit.headers[${index}].value`, { maxLength: 64 * 1024 }),
      };
    });
  }
  if (edit.body !== undefined)
    parsed.body = stringArg(edit.body, 'edit.body', { maxLength: MAX_REPLAY_BODY_LENGTH });
  const problem = replayEditProblem(parsed);
  if (problem) throw new ArgumentError(problem);
  request.edit = parsed;
  return request;
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
    'exchanges:replay': {
      parse: (args) => {
        const [request] = argList(args, 1);
        return [parseReplayRequest(request)];
      },
      handle: (request) => engine.replay(request),
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
