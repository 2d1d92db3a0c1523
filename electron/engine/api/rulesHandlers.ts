/**
 * `rules:get`, `rules:save` (the Rules view) and `tcpProxies:list` (the TCP proxies of the
 * toxiproxy-compatible API). The rules are validated by the engine with the same checks as a
 * rules file (shared/ruleValidation.ts): a bad rule fails with `rules_invalid`, naming its JSON
 * path, and the rules in force stay.
 */
import type { Engine } from '../engine.js';
import { ArgumentError, argList } from './apiArguments.js';
import type { HandlerTable } from './handlerTable.js';

export function rulesHandlers(engine: Engine): Partial<HandlerTable> {
  return {
    'rules:get': {
      parse: (args) => argList(args, 0) as [],
      handle: () => engine.rules.state(),
    },
    'rules:save': {
      parse: (args) => {
        const [rules] = argList(args, 1);
        // The shape of each rule is the engine's to check (with JSON paths); the list is ours.
        if (!Array.isArray(rules)) throw new ArgumentError('rules must be an array of rules.');
        return [rules];
      },
      handle: (rules) => engine.rules.save(rules),
    },
    'tcpProxies:list': {
      parse: (args) => argList(args, 0) as [],
      handle: () => engine.tcpProxies.list(),
    },
  };
}
