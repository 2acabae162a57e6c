import type { z } from 'zod';

/** Thrown once at boot; its message lists every bad value, one per line, and never echoes secrets. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Variables whose values may hold a password: a problem with one names it, never its value. */
const SECRET_VARIABLES = new Set(['DATABASE_URL']);

/**
 * Validates the environment against a schema, once. Empty strings count as unset so that `FOO=` in a
 * shell or compose file falls back to the default instead of failing obscurely.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.infer<S> {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    // The variable, not the parsed element: `KAFKA_BROKERS`, not `KAFKA_BROKERS.0`.
    const variable = issue.path[0];
    const name = typeof variable === 'string' ? variable : '(environment)';
    const given = typeof variable === 'string' ? cleaned[variable] : undefined;
    const shown =
      given === undefined
        ? 'is missing'
        : SECRET_VARIABLES.has(name)
          ? 'is set (value not shown)'
          : `is ${JSON.stringify(given)}`;
    return `${name} ${shown}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}
