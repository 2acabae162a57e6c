import { useQuery } from '@tanstack/react-query';
import { apiError } from '../api/client.js';
import type { components } from '../api/openapi.js';
import type { Role } from '../i18n/messages.js';
import { useSession } from '../session/session.js';

type PersonView = components['schemas']['PersonView'];

/**
 * The person behind a case: the sections the role may see (`GET /<role>/cases/{caseRef}/person`; every read
 * is an access record). `enabled: false` asks nothing.
 */
export function usePerson(role: Role, caseRef: string, enabled = true) {
  const { client } = useSession();
  return useQuery({
    queryKey: ['person', role, caseRef],
    enabled,
    // A name changes seldom; the board's rows ask again only after a minute.
    staleTime: 60_000,
    queryFn: async () => {
      const { data, error, response } = await client.GET(`/${role}/cases/{caseRef}/person` as const, {
        params: { path: { caseRef } },
      });
      if (data === undefined) throw apiError(response, error);
      return data;
    },
  });
}

/** A person's name as a caseworker writes it, or undefined when the role does not see it (or none is held). */
export function nameOf(person: PersonView | undefined): string | undefined {
  const identity = person?.sections.identity;
  if (identity === undefined) return undefined;
  return [identity.givenNames, identity.familyName].filter((part) => part !== undefined).join(' ');
}

/** The person's name for a row of a list, where the role may see it; nothing otherwise. */
export function PersonName({ role, caseRef }: { readonly role: Role; readonly caseRef: string }) {
  const name = nameOf(usePerson(role, caseRef).data);
  return name === undefined ? null : <div className="person-name">{name}</div>;
}
