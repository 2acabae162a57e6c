/** Exhaustiveness check for union switches: a new union member without a case fails to compile. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
