import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  NOTE_READERS,
  PERSON_ERASED_TYPE,
  PERSON_RECORD_CHANGED_TYPE,
  PERSON_SECTIONS,
  agencyOfRole,
  personEvent,
  type CaseView,
  SectionsNotPermittedError,
  applyPersonChange,
  caseNoteSchema,
  erasureBodySchema,
  personChangeSchema,
  personForRole,
  type CaseNote,
  type ErasureReason,
  type NoteView,
  type PersonRecord,
  type PersonView,
  type PersonSection,
  type Principal,
} from '../../../../libs/contracts/src/index.js';
import type { AgencyId, CaseRef } from '../../../../libs/domain/src/index.js';
import {
  PersonErasedError,
  UnknownNoteError,
  VersionConflictError,
  type PersonVault,
  type VaultNote,
} from '../../../../libs/personal-data/src/index.js';
import { parseOrThrow } from '../http/zod-validation.pipe.js';
import { PERSON_VAULT } from '../tokens.js';
import { CaseGatewayService } from './case-gateway.service.js';
import { PersonEvents } from './person-events.js';
import { PERSON_SECTIONS_LOCAL, type PersonSectionName } from '../http/person-sections.js';

const noteView = (note: VaultNote<CaseNote>): NoteView => ({
  seq: note.seq,
  at: note.at,
  author: { role: note.author.role, org: note.author.org },
  ...(note.corrects !== undefined ? { corrects: note.corrects } : {}),
  text: note.note.text,
});

/**
 * The person behind a case (issue 13, ADR 0014): read by need to know, changed on a version, noted,
 * exported and erased. The case must be in the caller's scope first (404 otherwise, like every case route).
 * The values live only in the vault (sealed) and in the answer; the access record names the sections.
 */
@Injectable()
export class PersonService {
  constructor(
    @Inject(CaseGatewayService) private readonly cases: CaseGatewayService,
    @Inject(PERSON_VAULT) private readonly vault: PersonVault<PersonRecord, CaseNote>,
    @Inject(PersonEvents) private readonly events: PersonEvents,
  ) {}

  async view(principal: Principal, caseRef: CaseRef, response: Response): Promise<PersonView> {
    await this.cases.caseInScope(principal, caseRef);
    const view = await this.read(principal, caseRef);
    reading(response, [
      ...(Object.keys(view.sections) as PersonSection[]),
      ...(view.notes !== undefined && view.notes.length > 0 ? (['notes'] as const) : []),
    ]);
    return view;
  }

  async record(
    principal: Principal,
    caseRef: CaseRef,
    body: unknown,
    response: Response,
  ): Promise<PersonView> {
    const held = await this.cases.caseInScope(principal, caseRef);
    const change = parseOrThrow(personChangeSchema, body);
    const sections = PERSON_SECTIONS.filter((section) => change[section] !== undefined);
    await this.vaultCall(() =>
      this.vault.write(
        caseRef,
        (current) => applyPersonChange(principal.role, current, change),
        principal,
        change.version,
        (tx, written) =>
          sections.length === 0
            ? Promise.resolve()
            : this.events.stage(
                tx,
                personEvent(PERSON_RECORD_CHANGED_TYPE, `${caseRef}/person/v${written.version}`, {
                  caseRef,
                  at: new Date().toISOString(),
                  by: principal.role,
                  sections,
                  version: written.version,
                }),
                recipientsOf(held),
              ),
      ),
    );
    this.events.kick();
    const view = await this.read(principal, caseRef);
    // The access record names the sections changed and those answered.
    reading(response, [...sections, ...(Object.keys(view.sections) as PersonSection[])]);
    return view;
  }

  async addNote(
    principal: Principal,
    caseRef: CaseRef,
    body: unknown,
    response: Response,
  ): Promise<NoteView> {
    const held = await this.cases.caseInScope(principal, caseRef);
    const { text, corrects } = parseOrThrow(caseNoteSchema, body);
    reading(response, ['notes']);
    const note = await this.vaultCall(() =>
      this.vault.addNote(caseRef, { text }, principal, corrects, (tx, added) =>
        this.events.stage(
          tx,
          personEvent(PERSON_RECORD_CHANGED_TYPE, `${caseRef}/person/note-${added.seq}`, {
            caseRef,
            at: new Date().toISOString(),
            by: principal.role,
            sections: ['notes'],
            noteSeq: added.seq,
          }),
          recipientsOf(held),
        ),
      ),
    );
    this.events.kick();
    return noteView(note);
  }

  /** GDPR Art. 15: everything held about the person and the case, in one document. */
  async export(principal: Principal, caseRef: CaseRef, response: Response): Promise<unknown> {
    const caseView = await this.cases.view(principal, caseRef);
    const person = await this.read(principal, caseRef);
    reading(response, [...(Object.keys(person.sections) as PersonSection[]), 'notes']);
    return {
      exportedAt: new Date().toISOString(),
      basis: 'GDPR Art. 15: the data subject’s right of access',
      person,
      case: caseView,
    };
  }

  async erase(principal: Principal, caseRef: CaseRef, body: unknown): Promise<PersonView> {
    const held = await this.cases.caseInScope(principal, caseRef);
    const { reason } = parseOrThrow(erasureBodySchema, body);
    await this.eraseFor(principal, caseRef, reason, held);
    return this.read(principal, caseRef);
  }

  /**
   * Erases the person's data of a case the caller has read (`held`): destroys the key and the sealed rows
   * and stages the `person-erased` event in the same transaction. Also the retention sweep's path.
   */
  async eraseFor(
    principal: Principal,
    caseRef: CaseRef,
    reason: ErasureReason,
    held: CaseView,
  ): Promise<void> {
    await this.vaultCall(() =>
      this.vault.erase(caseRef, principal, reason, (tx, erasure) =>
        this.events.stage(
          tx,
          personEvent(PERSON_ERASED_TYPE, `${caseRef}/person/erased`, {
            caseRef,
            at: erasure.at,
            by: principal.role,
            reason,
          }),
          recipientsOf(held),
        ),
      ),
    );
    this.events.kick();
  }

  /** Whether the case holds the person's data (not erased, something recorded). */
  holdsData(caseRef: CaseRef): Promise<boolean> {
    return this.vaultCall(() => this.vault.holdsData(caseRef));
  }

  private async read(principal: Principal, caseRef: CaseRef): Promise<PersonView> {
    const held = await this.vaultCall(() => this.vault.read(caseRef));
    if (held.state === 'erased') {
      return { caseRef, state: 'erased', version: 0, present: [], sections: {}, erasure: held.erasure };
    }
    const notesRead = NOTE_READERS.includes(principal.role);
    const notes = notesRead ? await this.vaultCall(() => this.vault.notes(caseRef)) : [];
    const noteViews = Array.isArray(notes) ? notes.map(noteView) : [];
    if (held.state === 'none') {
      return {
        caseRef,
        state: 'none',
        version: 0,
        present: [],
        sections: {},
        ...(notesRead ? { notes: noteViews } : {}),
      };
    }
    const { sections, present } = personForRole(principal.role, held.record);
    return {
      caseRef,
      state: 'held',
      version: held.version,
      updatedAt: held.updatedAt,
      updatedBy: held.updatedBy,
      present: [...present],
      sections,
      ...(notesRead ? { notes: noteViews } : {}),
    };
  }

  /** The vault's refusals as HTTP answers; the database out of reach is 503 (nothing was changed). */
  private async vaultCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof VersionConflictError) {
        throw new ConflictException({
          code: 'PERSON_VERSION_CONFLICT',
          detail: `The person record changed since you read it (it is at version ${error.current}): read it again and repeat your change on that version.`,
          details: { currentVersion: error.current },
        });
      }
      if (error instanceof PersonErasedError) {
        throw new ConflictException({
          code: 'PERSON_ERASED',
          detail: 'The person’s data was erased from this case; nothing can be recorded for it any more.',
        });
      }
      if (error instanceof UnknownNoteError) {
        throw new UnprocessableEntityException({
          code: 'NOTE_NOT_FOUND',
          detail: `This case has no note ${error.seq} to correct.`,
        });
      }
      if (error instanceof SectionsNotPermittedError) {
        throw new ForbiddenException({
          code: 'SECTION_NOT_PERMITTED',
          detail: `Your role does not record these sections of the person: ${error.sections.join(', ')}.`,
          errors: error.sections.map((section) => ({
            pointer: `/${section}`,
            detail: 'not your role’s to record',
          })),
        });
      }
      if (isDatabaseFailure(error)) {
        throw new ServiceUnavailableException({
          code: 'SERVICE_UNAVAILABLE',
          detail: 'The person’s data cannot be reached right now; nothing was changed. Try again later.',
        });
      }
      throw error;
    }
  }
}

/** Who is told about the person: the coordinator and every agency holding a grant on the case. */
function recipientsOf(view: CaseView): AgencyId[] {
  const granted = (view.access ?? []).flatMap((grant) => {
    const agency = agencyOfRole(grant.role);
    return agency === undefined ? [] : [agency];
  });
  return [...new Set<AgencyId>(['cmm', ...granted])];
}

/** The sections a route answered or changed, for its access record (names, never values). */
function reading(response: Response, sections: readonly PersonSectionName[]): void {
  response.locals[PERSON_SECTIONS_LOCAL] = [...new Set(sections)];
}

/** A failure of the database connection or server (not a refusal of ours): node-postgres and socket errors. */
function isDatabaseFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' && (/^(08|57P|53)/.test(code) || code.startsWith('E'))) ||
    (error instanceof Error && /timeout|terminated|Connection/i.test(error.message))
  );
}
