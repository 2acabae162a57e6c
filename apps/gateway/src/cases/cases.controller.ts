import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  AGENCY_COMMAND_TYPES,
  actSchemas,
  caseRefSchema,
  referralSchema,
  type AgencyCommandType,
  type CaseView,
  type Referral,
} from '../../../../libs/contracts/src/index.js';
import type { CaseRef } from '../../../../libs/domain/src/index.js';
import { ZodValidationPipe } from '../http/zod-validation.pipe.js';
import { CasesService } from './cases.service.js';

const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, 'must be 8–128 characters of letters, digits, . _ : -')
  .optional();
// eslint-disable-next-line no-useless-assignment -- used in a parameter decorator, which the rule does not see
const actNameSchema = z.enum(AGENCY_COMMAND_TYPES, {
  error: `must be one of: ${AGENCY_COMMAND_TYPES.join(', ')}`,
});

const jsonSchema = (schema: z.ZodType): Record<string, unknown> =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

@ApiTags('cases')
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Open a case pathway for a presumed victim (first encounter or asylum screening, R1/R3)',
  })
  @ApiBody({ schema: jsonSchema(referralSchema) })
  @ApiResponse({ status: 201, description: 'The case is open; its pseudonymous reference is `caseRef`.' })
  @ApiResponse({ status: 400, description: 'The body does not match the contract (problem+json).' })
  open(@Body(new ZodValidationPipe(referralSchema)) body: Referral): Promise<CaseView> {
    return this.cases.open(body);
  }

  @Get(':caseRef')
  @ApiOperation({ summary: "A case's stage, running deadlines (each with its explanation) and timeline" })
  @ApiParam({ name: 'caseRef', example: 'PW-7K2M9Q4X1D3F' })
  @ApiResponse({ status: 404, description: 'No case with this reference.' })
  view(@Param('caseRef', new ZodValidationPipe(caseRefSchema)) caseRef: string): Promise<CaseView> {
    return this.cases.view(caseRef as CaseRef);
  }

  @Post(':caseRef/acts/:act')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'An agency act on the case (a Temporal Update): e.g. decideIdentification, requestExtension, requestPermitRenewal, recordCheckIn',
  })
  @ApiParam({ name: 'caseRef', example: 'PW-7K2M9Q4X1D3F' })
  @ApiParam({ name: 'act', enum: [...AGENCY_COMMAND_TYPES] })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retried request with the same key has one effect.',
  })
  @ApiResponse({
    status: 409,
    description: 'Not possible now (e.g. NOT_IN_STAGE, CASE_CLOSED, DEADLINE_PASSED).',
  })
  @ApiResponse({
    status: 422,
    description: 'Refused by a rule (e.g. EXTENSION_BEYOND_CAP, WRONG_AUTHORITY, INVESTIGATION_ENDED).',
  })
  act(
    @Param('caseRef', new ZodValidationPipe(caseRefSchema)) caseRef: string,
    @Param('act', new ZodValidationPipe(actNameSchema)) act: AgencyCommandType,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<CaseView> {
    const args = new ZodValidationPipe(actSchemas[act]).transform(body);
    const updateId = new ZodValidationPipe(idempotencyKeySchema).transform(idempotencyKey);
    return this.cases.act(caseRef as CaseRef, act, args, updateId);
  }
}
