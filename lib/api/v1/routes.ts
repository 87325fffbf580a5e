import type { z } from 'zod'
import type { ApiScope } from '@/lib/generated/prisma/enums'
import * as S from './schemas'

// Every /api/v1 route, once: the handler factory (handler.ts) reads its scope and schemas, and the OpenAPI
// document (openapi.ts) is built from this list – a route file cannot use a definition the document lacks.

export type RouteDef = {
  method: 'GET' | 'POST' | 'PUT'
  /** Relative to /api/v1, in OpenAPI's form: /plans/{planId}. */
  path: string
  /** 'public': no token; 'any': any valid token; else the scope the token must hold. */
  scope: ApiScope | 'any' | 'public'
  summary: string
  params?: z.ZodObject
  query?: z.ZodObject
  body?: z.ZodType
  status: 200 | 201
  response: z.ZodType
  /** Takes an Idempotency-Key header (a retry answers what the first request answered). */
  idempotent?: boolean
}

const define = <T extends Record<string, RouteDef>>(routes: T) => routes

export const ROUTES = define({
  openapi: {
    method: 'GET',
    path: '/openapi.json',
    scope: 'public',
    summary: 'This document.',
    status: 200,
    response: S.ZOpenApi,
  },
  me: {
    method: 'GET',
    path: '/me',
    scope: 'any',
    summary: 'Who the token acts for, and the token.',
    status: 200,
    response: S.ZMe,
  },
  listPlans: {
    method: 'GET',
    path: '/plans',
    scope: 'READ',
    summary: 'Plans, oldest first (archived ones too).',
    query: S.ZPageQuery,
    status: 200,
    response: S.ZPlanList,
  },
  getPlan: {
    method: 'GET',
    path: '/plans/{planId}',
    scope: 'READ',
    summary: 'A plan with its phases, their steps, and its environments in promotion order.',
    params: S.ZPlanParams,
    status: 200,
    response: S.ZPlanOutline,
  },
  putSqlStep: {
    method: 'PUT',
    path: '/plans/{planId}/phases/{phaseId}/sql-steps',
    scope: 'PLANS_WRITE',
    summary:
      'Creates or updates the SQL step of this name in the phase (a new one goes last): linted, kept as a revision and audited like an edit on the plan page.',
    params: S.ZPhaseParams,
    body: S.ZPutSqlStep,
    status: 200,
    response: S.ZSqlStepOutcome,
  },
  postWindow: {
    method: 'POST',
    path: '/plans/{planId}/windows',
    scope: 'PLANS_WRITE',
    summary: 'Requests a maintenance window (a DBA approves it on the Windows page; a token cannot).',
    params: S.ZPlanParams,
    body: S.ZPostWindow,
    status: 201,
    response: S.ZWindowCreated,
  },
  getPreview: {
    method: 'GET',
    path: '/plans/{planId}/phases/{phaseId}/preview',
    scope: 'READ',
    summary: 'What a run of the phase would execute now, and whether it may start on the environment.',
    params: S.ZPhaseParams,
    query: S.ZPreviewQuery,
    status: 200,
    response: S.ZPreview,
  },
  postRun: {
    method: 'POST',
    path: '/runs',
    scope: 'RUNS_START',
    summary:
      'Queues a run (or a dry run) of a phase on an environment. Protected environments need an approved window for the phase.',
    body: S.ZPostRun,
    status: 201,
    response: S.ZRunCreated,
    idempotent: true,
  },
  getRun: {
    method: 'GET',
    path: '/runs/{runId}',
    scope: 'READ',
    summary: 'A run and its steps.',
    params: S.ZRunParams,
    status: 200,
    response: S.ZRunState,
  },
  getRunEvents: {
    method: 'GET',
    path: '/runs/{runId}/events',
    scope: 'READ',
    summary: 'A run’s log, oldest first: poll with after=<the last id seen>.',
    params: S.ZRunParams,
    query: S.ZEventsQuery,
    status: 200,
    response: S.ZRunEvents,
  },
  getValidation: {
    method: 'GET',
    path: '/validations/{validationId}',
    scope: 'READ',
    summary: 'A validation and its report.',
    params: S.ZValidationParams,
    status: 200,
    response: S.ZValidation,
  },
})

export type RouteName = keyof typeof ROUTES
