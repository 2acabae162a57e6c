/**
 * `requestPermitRenewal` → `request-permit-renewal`, `CaseReferred` → `case-referred`: how a command or an
 * event type is written in a URL path and in a CloudEvents type. One definition for both.
 */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
