/**
 * Where the rules in force come from and go to: one rules file (`netlens proxy|web --rules FILE`,
 * or the app's `DATA/rules.json`), read and validated, watched for changes, written back when the
 * Rules view edits it. A file that does not validate changes nothing: the previous rules stay in
 * force and the problem is reported in one line naming its JSON path.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { parseRulesText, problemsLine, validateRulesDocument } from '../../../shared/ruleValidation.js';
import { ruleIdOf, type RuleDefinition, type RuleProblem, type RulesState } from '../../../shared/rules.js';
import { writeTextFileAtomically } from '../system/atomicFileWrite.js';
import { RuleSet } from './ruleSet.js';

export const RULES_FILE = 'rules.json';

/** A rules file that cannot be used: `problems` name the JSON paths. */
export class RulesFileError extends Error {
  readonly code = 'rules_invalid';
  constructor(
    readonly file: string,
    readonly problems: RuleProblem[],
  ) {
    super(`Rules file ${file}: ${problemsLine(problems)}`);
    this.name = 'RulesFileError';
  }
}

export interface RulesControllerOptions {
  /** The rules file; none: rules live in memory only. */
  file?: string;
  /** A missing file is an error (`--rules FILE`), rather than no rules (the app's own file). */
  required?: boolean;
  /** Reload when the file changes. */
  watch?: boolean;
  /** Random source of the rules' probabilities and jitter. */
  random?: () => number;
  onNotice?(level: 'info' | 'warning' | 'error', message: string): void;
  onChange?(state: RulesState): void;
}

/** Files a rule reads (map local, a mock's body file) must exist: checked before the rules are used. */
async function missingFiles(rules: readonly RuleDefinition[], baseDir: string): Promise<RuleProblem[]> {
  const problems: RuleProblem[] = [];
  const check = async (file: string, at: string): Promise<void> => {
    try {
      const info = await fsp.stat(path.resolve(baseDir, file));
      if (!info.isFile()) problems.push({ path: at, message: `${file} is not a file` });
    } catch {
      problems.push({ path: at, message: `no such file: ${file}` });
    }
  };
  await Promise.all(
    rules.map(async (rule, i) => {
      if (rule.mapLocal !== undefined) await check(rule.mapLocal, `rules[${i}].mapLocal`);
      if (rule.respond?.bodyFile !== undefined)
        await check(rule.respond.bodyFile, `rules[${i}].respond.bodyFile`);
    }),
  );
  return problems;
}

/** Relative file paths in rules are relative to the rules file's folder: made absolute once. */
function resolvePaths(rules: RuleDefinition[], baseDir: string): RuleDefinition[] {
  return rules.map((rule) => {
    const copy: RuleDefinition = { ...rule };
    if (copy.mapLocal !== undefined) copy.mapLocal = path.resolve(baseDir, copy.mapLocal);
    if (copy.respond?.bodyFile !== undefined)
      copy.respond = { ...copy.respond, bodyFile: path.resolve(baseDir, copy.respond.bodyFile) };
    return copy;
  });
}

export class RulesController {
  private set: RuleSet;
  private definitions: RuleDefinition[] = [];
  private lastText: string | undefined;
  private fileError: string | undefined;
  private watcher: fs.FSWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Saves and reloads one at a time: a reload never reads a file half-way through our own save. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RulesControllerOptions = {}) {
    this.set = new RuleSet([], options.random);
  }

  get file(): string | undefined {
    return this.options.file;
  }

  /** The rules in force, or undefined when none is enabled (the proxy then matches nothing). */
  current(): RuleSet | undefined {
    return this.set.empty ? undefined : this.set;
  }

  state(): RulesState {
    const hits: Record<string, number> = {};
    this.definitions.forEach((rule, i) => {
      hits[ruleIdOf(rule, i)] = this.set.hits.get(ruleIdOf(rule, i)) ?? 0;
    });
    return {
      rules: this.definitions.map((rule, i) => ({ ...rule, id: ruleIdOf(rule, i) })),
      ...(this.options.file !== undefined ? { file: this.options.file } : {}),
      hits,
      ...(this.fileError !== undefined ? { fileError: this.fileError } : {}),
    };
  }

  /** Reads the file (if any) and starts watching it. Throws RulesFileError when it cannot be used. */
  async start(): Promise<void> {
    const file = this.options.file;
    if (file === undefined) return;
    let text: string | undefined;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' || this.options.required) {
        throw new RulesFileError(file, [
          {
            path: '$',
            message: code === 'ENOENT' ? 'no such file' : `cannot read it: ${(error as Error).message}`,
          },
        ]);
      }
    }
    if (text !== undefined) {
      try {
        await this.apply(text, file);
      } catch (error) {
        if (this.options.required) throw error;
        // The app's own file: the app starts anyway, and the Rules view shows what is wrong.
        this.lastText = text;
        this.fileError = `${(error as Error).message}. No rule is in force until it is fixed.`;
      }
    }
    if (this.options.watch) this.watch(file);
  }

  /** Replaces the rules (the Rules view's save): validated, written to the file, then in force. */
  save(rules: unknown): Promise<RulesState> {
    const run = this.chain.then(async () => {
      const checked = validateRulesDocument({ rules });
      if (!checked.ok) throw new RulesFileError(this.options.file ?? 'rules', checked.problems);
      const document = {
        rules: checked.document.rules.map((rule, i) => ({ ...rule, id: ruleIdOf(rule, i) })),
      };
      const text = `${JSON.stringify(document, null, 2)}\n`;
      const file = this.options.file;
      const baseDir = file ? path.dirname(file) : process.cwd();
      const missing = await missingFiles(document.rules, baseDir);
      if (missing.length > 0) throw new RulesFileError(file ?? 'rules', missing);
      if (file !== undefined) {
        const mode = await fsp
          .stat(file)
          .then((info) => info.mode & 0o777)
          .catch(() => undefined);
        await fsp.mkdir(path.dirname(file), { recursive: true });
        await writeTextFileAtomically(file, text, mode !== undefined ? { mode } : {});
      }
      this.install(document.rules, baseDir, text);
      return this.state();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  stop(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
  }

  private async apply(text: string, file: string): Promise<void> {
    const checked = parseRulesText(text);
    const problems = checked.ok
      ? await missingFiles(checked.document.rules, path.dirname(file))
      : checked.problems;
    if (!checked.ok || problems.length > 0) throw new RulesFileError(file, problems);
    this.install(checked.document.rules, path.dirname(file), text);
  }

  private install(rules: RuleDefinition[], baseDir: string, text: string): void {
    this.definitions = rules;
    this.set = new RuleSet(resolvePaths(rules, baseDir), this.options.random);
    this.lastText = text;
    this.fileError = undefined;
    this.options.onChange?.(this.state());
  }

  /**
   * Editors save by writing a new file and renaming it over the old one, which a watch on the
   * file itself would lose: the folder is watched, and changes to the file's name reload it
   * (debounced: one save is several events).
   */
  private watch(file: string): void {
    const dir = path.dirname(file);
    const name = path.basename(file);
    try {
      this.watcher = fs.watch(dir, { persistent: false }, (_event, changed) => {
        if (changed !== null && changed !== name) return;
        if (this.reloadTimer) clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => {
          this.chain = this.chain.then(() => this.reload(file)).catch(() => undefined);
        }, 100);
        this.reloadTimer.unref();
      });
      this.watcher.on('error', () => undefined);
    } catch (error) {
      this.options.onNotice?.(
        'warning',
        `Cannot watch ${file} for changes (${(error as Error).message}); restart NetLens to load edits.`,
      );
    }
  }

  private async reload(file: string): Promise<void> {
    if (this.closed) return;
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // mid-rename, or removed: keep the rules
      this.reportError(`Rules file ${file}: cannot read it: ${(error as Error).message}`);
      return;
    }
    if (text === this.lastText) return;
    try {
      await this.apply(text, file);
    } catch (error) {
      this.lastText = text;
      this.reportError((error as Error).message);
      return;
    }
    const enabled = this.definitions.filter((rule) => rule.enabled !== false).length;
    this.options.onNotice?.(
      'info',
      `Rules reloaded from ${file}: ${this.definitions.length} rule${this.definitions.length === 1 ? '' : 's'}, ${enabled} enabled.`,
    );
  }

  private reportError(message: string): void {
    this.fileError = `${message}. The previous rules stay in force.`;
    this.options.onNotice?.('error', this.fileError);
    this.options.onChange?.(this.state());
  }
}
