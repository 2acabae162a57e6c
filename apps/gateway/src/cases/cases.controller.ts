import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  caseRefSchema,
  decideIdentificationSchema,
  openCaseRequestSchema,
  type CaseStateView,
  type DecideIdentification,
  type OpenCaseRequest,
} from '../../../../libs/contracts/src/index.js';
import type { CaseRef } from '../../../../libs/domain/src/index.js';
import { ZodValidationPipe } from '../http/zod-validation.pipe.js';
import { CasesService } from './cases.service.js';

const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, 'must be 8–128 characters of letters, digits, . _ : -')
  .optional();

const jsonSchema = (schema: z.ZodType): Record<string, unknown> =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

@ApiTags('cases')
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Open a case pathway for a presumed victim (first encounter: police, DIS, CMM or NGO)',
  })
  @ApiBody({ schema: jsonSchema(openCaseRequestSchema) })
  @ApiResponse({ status: 201, description: 'The case is open; its pseudonymous reference is `caseRef`.' })
  @ApiResponse({ status: 400, description: 'The body does not match the contract (problem+json).' })
  open(@Body(new ZodValidationPipe(openCaseRequestSchema)) body: OpenCaseRequest): Promise<CaseStateView> {
    return this.cases.open(body);
  }

  @Get(':caseRef')
  @ApiOperation({ summary: "A case's stage, deadlines (with the rule behind each) and timeline" })
  @ApiParam({ name: 'caseRef', example: 'PW-7K2M9Q4X1D3F' })
  @ApiResponse({ status: 404, description: 'No case with this reference.' })
  state(@Param('caseRef', new ZodValidationPipe(caseRefSchema)) caseRef: string): Promise<CaseStateView> {
    return this.cases.state(caseRef as CaseRef);
  }

  @Post(':caseRef/identification-decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the competent authority’s identification decision (R1, R2)' })
  @ApiParam({ name: 'caseRef', example: 'PW-7K2M9Q4X1D3F' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retried request with the same key has one effect.',
  })
  @ApiBody({ schema: jsonSchema(decideIdentificationSchema) })
  @ApiResponse({ status: 409, description: 'Not possible in the case’s current stage.' })
  @ApiResponse({ status: 422, description: 'Refused by a rule, e.g. WRONG_AUTHORITY.' })
  decideIdentification(
    @Param('caseRef', new ZodValidationPipe(caseRefSchema)) caseRef: string,
    @Body(new ZodValidationPipe(decideIdentificationSchema)) body: DecideIdentification,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<CaseStateView> {
    const updateId = new ZodValidationPipe(idempotencyKeySchema).transform(idempotencyKey);
    return this.cases.decideIdentification(caseRef as CaseRef, body, updateId);
  }
}
